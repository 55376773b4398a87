"""Figures for survey and SEM reports (matplotlib only; Thai text in Sarabun).

Every function returns a :class:`matplotlib.figure.Figure`, accepts ``lang=``
(labels in Thai or English; default the session language) and, where one
panel is drawn, ``ax=`` to draw into your own axes.  None of them calls
``plt.show()`` or changes ``rcParams``: Thai text uses the Sarabun font inside
edu40's functions only (see ``edu40.core.fonts``).  Figures are not registered
with pyplot: in Jupyter show one by leaving it as the cell's value, save one
with ``fig.savefig("figure.png", dpi=300)``.

- :func:`path_diagram` — a fitted CFA/SEM with standardized loadings, paths, R²
- :func:`likert_bars` — diverging stacked bars of the answers to each item, by factor
- :func:`factor_profile` — factor means with confidence intervals against the level bands
- :func:`correlation_heatmap` — lower-triangle correlation matrix with stars
- :func:`scree_plot` — eigenvalues against parallel analysis's random-data eigenvalues
- :func:`loading_heatmap` — the sorted EFA loadings
- :func:`paired_slope`, :func:`gain_hist` — pre/post: one line per person, the distribution of gains
"""
from .sem.diagram import path_diagram
from .stats.plots import likert_bars, factor_profile, correlation_heatmap
from .stats.efa_plots import scree_plot, loading_heatmap
from .studies.prepost.figures import paired_slope, gain_hist

__all__ = ["path_diagram", "likert_bars", "factor_profile", "correlation_heatmap", "scree_plot",
           "loading_heatmap", "paired_slope",
           "gain_hist"]
