"""Figures of exploratory factor analysis: the scree plot with parallel analysis, and the loading heatmap."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..core.i18n import check_language, pick
from ..core.plotting import font_context, new_axes, shorten

__all__ = ["scree_plot", "loading_heatmap"]


def scree_plot(result, *, lang: str | None = None, show_fa: bool = True, max_factors: int | None = None,
               ax=None) -> Figure:
    """Scree plot: eigenvalues of the data against those of random data, with the line at 1.

    Solid lines with markers are the observed eigenvalues (principal
    components, and factors when ``show_fa``); dashed lines the
    ``quantile`` (95th percentile) of the random-data eigenvalues that
    parallel analysis compares them with (Horn, 1965; the picture of
    ``psych::fa.parallel``); the dotted line is Kaiser's eigenvalue of 1.

    Parameters
    ----------
    result : NFactorsResult or EFAResult
        :func:`edu40.number_of_factors` (or an EFA whose number of factors it
        chose; otherwise the EFA's eigenvalues alone).
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language
        (:func:`edu40.set_language`).
    show_fa : bool
        Also draw the factor (reduced-matrix) eigenvalues.
    max_factors : int, optional
        Draw the first this many eigenvalues (default: all, at most 30).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> nf = edu40.number_of_factors(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]])
    >>> fig = edu40.plots.scree_plot(nf, lang="en")
    >>> len(fig.axes[0].lines) >= 3
    True
    """
    lang = check_language(lang)
    evidence = getattr(result, "evidence", None) if hasattr(result, "loadings") else result
    if evidence is not None:
        t = evidence.table
        pc = t["eigenvalue"].to_numpy()
    else:
        t = None
        pc = result.eigenvalues.to_numpy()
    k = min(len(pc), max_factors or 30)
    x = np.arange(1, k + 1)
    with font_context():
        fig, ax = new_axes(ax, (7.0, 4.2))
        ax.plot(x, pc[:k], "o-", color="#1a3d7c", label=pick("ค่าไอเกน (องค์ประกอบหลัก)", "Eigenvalues (PC)", lang))
        if t is not None:
            q = f"{evidence.quantile * 100:.0f}"
            ax.plot(x, t["sim_pc_q"].to_numpy()[:k], "--", color="#1a3d7c", alpha=0.7,
                    label=pick(f"ข้อมูลสุ่ม เปอร์เซ็นไทล์ที่ {q} (PC)", f"Random data, {q}th percentile (PC)", lang))
            if show_fa:
                ax.plot(x, t["fa_eigenvalue"].to_numpy()[:k], "^-", color="#b2182b",
                        label=pick("ค่าไอเกน (องค์ประกอบร่วม)", "Eigenvalues (FA)", lang))
                ax.plot(x, t["sim_fa_q"].to_numpy()[:k], "--", color="#b2182b", alpha=0.7,
                        label=pick(f"ข้อมูลสุ่ม เปอร์เซ็นไทล์ที่ {q} (FA)", f"Random data, {q}th percentile (FA)",
                                   lang))
            ax.set_title(pick(f"การวิเคราะห์คู่ขนานเสนอ {evidence.parallel_fa} องค์ประกอบ (FA), "
                              f"{evidence.parallel_pc} องค์ประกอบหลัก (PC)",
                              f"Parallel analysis suggests {evidence.parallel_fa} factor(s) (FA), "
                              f"{evidence.parallel_pc} component(s) (PC)", lang), fontsize=10, loc="left")
        ax.axhline(1.0, color="#777777", ls=":", lw=1, label=pick("ค่าไอเกน = 1", "Eigenvalue = 1", lang))
        ax.set_xticks(x)
        ax.set_xlabel(pick("ลำดับองค์ประกอบ", "Factor number", lang))
        ax.set_ylabel(pick("ค่าไอเกน", "Eigenvalue", lang))
        ax.legend(fontsize=8, frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def loading_heatmap(result, *, cut: float | None = None, lang: str | None = None, label_chars: int = 40,
                    ax=None) -> Figure:
    """The sorted pattern loadings as a heatmap (red negative, blue positive), salient ones written in.

    Parameters
    ----------
    result : EFAResult
    cut : float, optional
        Loadings at or above it are written in the cells (default: the
        analysis's cut, .30).
    lang : {None, "th", "en"}
        Item texts of a Survey's instrument in Thai or English; ``None``
        (default): the session language (:func:`edu40.set_language`).
    label_chars : int
        Item texts are cut to this many characters.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> res = edu40.efa(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]], 3)
    >>> fig = edu40.plots.loading_heatmap(res)
    >>> len(fig.axes)
    2
    """
    lang = check_language(lang)
    cut = result.cut if cut is None else float(cut)
    order = list(result.loading_table(cut, lang=lang)["item"])
    full = result.loadings.set_index("item").loc[order, result.factors]
    m = full.to_numpy(float)
    labels = [i if not result.labels else f"{i}  {shorten(result.labels.get(lang, {}).get(i, ''), label_chars)}"
              for i in order]
    with font_context():
        fig, ax = new_axes(ax, (2.8 + 0.9 * m.shape[1] + (2.5 if result.labels else 0), 1.2 + 0.32 * m.shape[0]))
        im = ax.imshow(m, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
        for i in range(m.shape[0]):
            for j in range(m.shape[1]):
                if abs(m[i, j]) >= cut:
                    ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7.5,
                            color="white" if abs(m[i, j]) > 0.6 else "#111111")
        ax.set_xticks(range(m.shape[1]), result.factors)
        ax.set_yticks(range(m.shape[0]), labels, fontsize=8)
        ax.xaxis.tick_top()
        for side in ax.spines.values():
            side.set_visible(False)
        cbar = fig.colorbar(im, ax=ax, shrink=0.6)
        cbar.set_label(pick("น้ำหนักองค์ประกอบ", "Loading", lang))
    return fig
