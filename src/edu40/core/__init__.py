"""The foundation every stage may use: report blocks and their renderer, language, fonts.

Nothing here computes a statistic.  ``blocks`` defines the protocol between
result objects and the presentation layer; ``render`` draws blocks as HTML,
Word, Excel and Markdown; ``reportable`` gives results their export methods;
``results`` is the base of the survey-statistics results; ``i18n`` holds the
session language; ``fonts`` registers the bundled Thai font (Sarabun);
``plotting`` has the figure helpers; ``parallel`` runs replications.
"""
