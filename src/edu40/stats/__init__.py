"""Classical survey statistics: descriptives with Likert levels, reliability, test items, inference.

``descriptives``, ``reliability`` (alpha, omega, item analysis), ``testitems``
(KR-20/21, difficulty, discrimination, IOC), ``ttests``, ``anova``,
``correlation``, exploratory factor analysis (``factors``: adequacy and the number of
factors; ``efa``; ``efa_plots``), and ``plots`` (Likert bars, factor profile, correlation heatmap).
"""
