"""Figures of a pre/post comparison: paired slope/dumbbell plot and the distribution of gains.

Figures are built with the object-oriented matplotlib API (no pyplot state,
no ``plt.show``) and returned, so a notebook displays each once and a script
can ``fig.savefig(...)``.  Labels are English by default.  Thai labels
(``lang="th"``) need a font with Thai glyphs; if none is installed the
labels stay English and a warning says so -- never a figure of empty boxes.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np

from ...core.i18n import check_language

__all__ = ["plot_paired", "plot_gains", "thai_font"]

# Fonts with Thai glyphs found on Linux (fonts-thai-tlwg, Noto), Windows and macOS.
_THAI_FONT_NAMES = ("Noto Sans Thai", "Noto Sans Thai UI", "Noto Serif Thai", "Sarabun", "TH Sarabun New",
                    "TH SarabunPSK", "Loma", "Garuda", "Waree", "Norasi", "Kinnari", "Umpush", "Tahoma",
                    "Leelawadee UI", "Leelawadee", "Thonburi", "Ayuthaya")


@lru_cache(maxsize=1)
def thai_font() -> str | None:
    """Name of a font with Thai glyphs: edu40's bundled Sarabun, else an installed one, else None."""
    from matplotlib import font_manager, ft2font

    try:   # Sarabun ships with edu40 (fontpkg-sarabun, OFL)
        from ...core.fonts import register_fonts
        return register_fonts()
    except ImportError:
        pass

    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    candidates = [n for n in _THAI_FONT_NAMES if n in by_name]
    candidates += [n for n in by_name if "thai" in n.lower() and n not in candidates]
    for name in candidates:
        try:
            if 0x0E01 in ft2font.FT2Font(by_name[name]).get_charmap():   # ก
                return name
        except (OSError, RuntimeError):   # unreadable font file
            continue
    return None


def _language(lang: str) -> tuple[str, dict]:
    """The language the figure can show, and text properties for it."""
    lang = check_language(lang)
    if lang == "th":
        font = thai_font()
        if font is None:
            warnings.warn("no font with Thai glyphs is installed, so the figure is labelled in English "
                          "(install e.g. fonts-thai-tlwg or Noto Sans Thai for Thai labels)", stacklevel=3)
            return "en", {}
        return "th", {"fontfamily": [font, "DejaVu Sans"]}
    return "en", {}


_TEXT = {
    "pre": ("ก่อนอบรม", "Pre-test"), "post": ("หลังอบรม", "Post-test"),
    "score": ("คะแนน (เต็ม {full:g})", "Score (out of {full:g})"),
    "paired_title": ("คะแนนก่อนและหลังอบรม (n = {n})", "Pre- and post-test scores (n = {n})"),
    "mean": ("ค่าเฉลี่ย (95% CI)", "Mean (95% CI)"),
    "participant": ("ผู้เข้าอบรม (เรียงตามคะแนนก่อนอบรม)", "Participants (sorted by pre-test score)"),
    "gain": ("คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)", "Gain (post − pre)"),
    "ngain": ("ค่าพัฒนาการสัมพัทธ์ g (Hake)", "Normalized gain g (Hake)"),
    "count": ("จำนวนผู้เข้าอบรม", "Participants"),
    "gain_title": ("การกระจายของคะแนนที่เพิ่มขึ้น (n = {n})", "Distribution of gains (n = {n})"),
    "mean_gain": ("ค่าเฉลี่ย = {m:.2f}", "mean = {m:.2f}"),
    "class_g": ("<g> ของกลุ่ม = {m:.2f}", "class <g> = {m:.2f}"),
    "up": ("เพิ่มขึ้น", "rose"), "down": ("ลดลง", "fell"), "same": ("เท่าเดิม", "unchanged"),
}


def _t(key: str, lang: str, **kw) -> str:
    th, en = _TEXT[key]
    return (th if lang == "th" else en).format(**kw)


def _axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    _show_figures_in_jupyter(Figure)
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def _show_figures_in_jupyter(figure_class) -> None:
    """Let Jupyter show a returned Figure as an image.

    A Figure made without pyplot is displayed as text ("<Figure size ...>")
    unless ``%matplotlib inline`` registered IPython's PNG formatter for
    figures; register the same formatter if nothing did (a user's own
    ``%matplotlib inline`` / ``InlineBackend`` settings are left alone).
    """
    try:
        from IPython import get_ipython
    except ImportError:   # pragma: no cover - IPython is not a dependency
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    png = shell.display_formatter.formatters.get("image/png")
    if png is None or figure_class in png.type_printers:
        return
    from IPython.core.pylabtools import print_figure

    png.for_type(figure_class, lambda fig: print_figure(fig, "png", bbox_inches="tight"))


_UP, _DOWN, _SAME = "#1f77b4", "#d62728", "#7f7f7f"


def plot_paired(report, kind: str = "slope", *, lang: str = "en", ax=None):
    """Each participant's pre and post score joined by a line.

    ``kind="slope"``: two columns (pre, post), one line per participant,
    coloured by direction (rose / fell / unchanged), with the means and their
    95 % confidence intervals.  ``kind="dumbbell"``: one row per participant
    (sorted by pre-test score), an open dot at the pre score and a filled dot
    at the post score.  Returns the matplotlib Figure.
    """
    if kind not in ("slope", "dumbbell"):
        raise ValueError(f"kind must be 'slope' or 'dumbbell', not {kind!r}")
    lang, font = _language(lang)
    s = report.scores
    pre, post = s["pre"].to_numpy(float), s["post"].to_numpy(float)
    d = post - pre
    colour = np.where(d > 0, _UP, np.where(d < 0, _DOWN, _SAME))
    n, full = len(s), report.full_score
    if kind == "slope":
        fig, ax = _axes(ax, (5.5, 5.5))
        # a little horizontal jitter separates the many participants who share an integer score
        rng = np.random.default_rng(0)
        jit = rng.uniform(-0.04, 0.04, size=(n, 2))
        for k in range(n):
            ax.plot([0 + jit[k, 0], 1 + jit[k, 1]], [pre[k], post[k]], color=colour[k], alpha=0.35, lw=1,
                    marker="o", ms=3)
        t = report.test
        half_pre = t.paired.sd_pre / np.sqrt(n) * _tcrit(n)
        half_post = t.paired.sd_post / np.sqrt(n) * _tcrit(n)
        ax.errorbar([0, 1], [t.mean_pre, t.mean_post], yerr=[half_pre, half_post], color="black", lw=2.5,
                    marker="s", ms=7, capsize=6, label=_t("mean", lang), zorder=5)
        ax.set_xticks([0, 1], [_t("pre", lang), _t("post", lang)], **font)
        ax.set_xlim(-0.35, 1.35)
        ax.set_ylim(-0.02 * full, 1.04 * full)
        ax.set_ylabel(_t("score", lang, full=full), **font)
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=c, lw=1.5, label=_t(k, lang) + f" ({int(m.sum())})")
                   for c, k, m in ((_UP, "up", d > 0), (_DOWN, "down", d < 0), (_SAME, "same", d == 0)) if m.any()]
        handles.append(ax.get_legend_handles_labels()[0][0])
        ax.legend(handles=handles, loc="lower right", fontsize=8, prop=font.get("fontfamily") and
                  {"family": font["fontfamily"], "size": 8})
    else:
        fig, ax = _axes(ax, (6, max(4.0, 0.12 * n + 1.2)))
        order = np.lexsort((post, pre))
        y = np.arange(n)
        ax.hlines(y, pre[order], post[order], colors=colour[order], lw=1.2, alpha=0.8)
        ax.scatter(pre[order], y, facecolors="white", edgecolors="black", s=18, zorder=3, label=_t("pre", lang))
        ax.scatter(post[order], y, color="black", s=18, zorder=3, label=_t("post", lang))
        ax.set_yticks([])
        ax.set_ylabel(_t("participant", lang), **font)
        ax.set_xlabel(_t("score", lang, full=full), **font)
        ax.set_xlim(-0.02 * full, 1.04 * full)
        ax.legend(loc="lower right", fontsize=8, prop=font.get("fontfamily") and {"family": font["fontfamily"],
                                                                                   "size": 8})
    ax.set_title(_t("paired_title", lang, n=n), **font)
    ax.grid(axis="y" if kind == "slope" else "x", alpha=0.3)
    return fig


def _tcrit(n: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.975, n - 1))


def plot_gains(report, which: str = "raw", *, lang: str = "en", ax=None):
    """Histogram of the gains: ``"raw"`` (post - pre, one bar per score point) or ``"normalized"`` (Hake's g_i).

    A dashed line marks the mean gain (raw) or the class <g> (normalized,
    with Hake's .3 and .7 band limits dotted); a solid line marks zero.
    Returns the matplotlib Figure.
    """
    if which not in ("raw", "normalized"):
        raise ValueError(f"which must be 'raw' or 'normalized', not {which!r}")
    lang, font = _language(lang)
    fig, ax = _axes(ax, (6, 4))
    s = report.scores
    if which == "raw":
        v = s["gain"].to_numpy(float)
        lo, hi = np.floor(v.min()), np.ceil(v.max())
        step = 1.0 if hi - lo <= 60 else np.ceil((hi - lo) / 40)
        bins = np.arange(lo - step / 2, hi + step, step)
        ax.hist(v, bins=bins, color="#1f77b4", edgecolor="white")
        m = float(v.mean())
        ax.axvline(m, color="black", ls="--", lw=1.5, label=_t("mean_gain", lang, m=m))
        ax.set_xlabel(_t("gain", lang), **font)
    else:
        v = s["g"].to_numpy(float)
        v = v[np.isfinite(v)]
        ax.hist(v, bins=np.linspace(min(-0.5, np.floor(v.min() * 10) / 10), 1.0, 16), color="#1f77b4",
                edgecolor="white")
        m = report.normalized_gain.class_average
        ax.axvline(m, color="black", ls="--", lw=1.5, label=_t("class_g", lang, m=m))
        for cut in (0.3, 0.7):
            ax.axvline(cut, color="grey", ls=":", lw=1)
        ax.set_xlabel(_t("ngain", lang), **font)
    ax.axvline(0, color="grey", lw=1)
    ax.set_ylabel(_t("count", lang), **font)
    ax.set_title(_t("gain_title", lang, n=len(v)), **font)
    ax.legend(loc="upper left", fontsize=8, prop=font.get("fontfamily") and {"family": font["fontfamily"], "size": 8})
    ax.grid(axis="y", alpha=0.3)
    return fig
