"""Shared pieces of edu40's figures: a figure or the caller's axes, Thai font, star labels."""

from __future__ import annotations

from matplotlib.figure import Figure

from .fonts import font_context  # noqa: F401  (re-exported for the plot modules)


def new_axes(ax, figsize):
    """The caller's ``ax`` (and its figure), or a new figure that pyplot does not manage.

    A figure made with :class:`matplotlib.figure.Figure` is not registered
    with pyplot: Jupyter shows it once (as the cell's value) and it is freed
    when no longer referenced; ``fig.savefig`` works as usual.
    """
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def stars(p) -> str:
    """``***`` p < .001, ``**`` p < .01, ``*`` p < .05 (blank for missing p)."""
    if p is None or p != p:
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def shorten(text: str, limit: int) -> str:
    """Cut a label to ``limit`` characters with an ellipsis (Thai has no spaces to wrap at)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fmt_num(v: float, digits: int = 2) -> str:
    return f"{v:.{digits}f}"
