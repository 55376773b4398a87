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
    show_figures_in_jupyter()
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def show_figures_in_jupyter() -> None:
    """Let Jupyter show a returned Figure as an image.

    Jupyter displays a Figure made without pyplot as text ("<Figure size
    ...>") unless pyplot or ``%matplotlib inline`` registered IPython's PNG
    formatter for figures; register the same formatter if nothing did.  A
    user's own formatter and ``InlineBackend`` settings are left alone.
    """
    try:
        from IPython import get_ipython
    except ImportError:   # IPython is not a dependency: outside Jupyter there is nothing to do
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    png = shell.display_formatter.formatters.get("image/png")
    if png is None or Figure in png.type_printers:
        return
    from IPython.core.pylabtools import print_figure

    png.for_type(Figure, lambda fig: print_figure(fig, "png", bbox_inches="tight"))


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
