"""Pre/post figures: each person's pre and post score (slope or dumbbell) and the distribution of gains.

One implementation for two doors: the generic functions take plain arrays
(``edu40.plots.paired_slope(pre, post)``, ``edu40.plots.gain_hist(gain)``), and
``PrePostReport.plot_paired`` / ``plot_gains`` call them with the report's
scores, full score and class-average gain.  Figures are built with the
object-oriented matplotlib API (no pyplot state, no ``plt.show``) inside
:func:`edu40.core.plotting.font_context`, so Thai labels are drawn in the
bundled Sarabun font.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from ...core.i18n import check_language, pick
from ...core.plotting import font_context, new_axes

__all__ = ["paired_slope", "gain_hist"]

_UP, _DOWN, _SAME = "#2166ac", "#b2182b", "#888888"


def _paired(pre, post):
    a = pd.to_numeric(pd.Series(np.asarray(pre, dtype=float)), errors="coerce")
    b = pd.to_numeric(pd.Series(np.asarray(post, dtype=float)), errors="coerce")
    if len(a) != len(b):
        raise ValueError(f"pre and post must have the same length (one pair per person), got {len(a)} and {len(b)}")
    keep = a.notna() & b.notna()
    if keep.sum() < 2:
        raise ValueError("paired_slope needs at least 2 complete pairs")
    return a[keep].to_numpy(), b[keep].to_numpy(), int((~keep).sum())


def paired_slope(pre, post, *, kind: str = "slope", labels=None, lang: str | None = None,
                 max_lines: int = 400, confidence: float = 0.95, ylabel: str | None = None,
                 full_score: float | None = None, seed: int = 0, ax=None) -> Figure:
    """Each person's pre-test and post-test score joined by a line, with the mean change on top.

    ``kind="slope"``: two columns (pre, post), one line per person coloured
    by direction (blue up, red down, grey unchanged), the means with their
    confidence intervals in bold.  ``kind="dumbbell"``: one row per person
    sorted by pre-test score, an open dot at the pre score and a filled dot at
    the post score.  Incomplete pairs are left out and counted in the title.

    Parameters
    ----------
    pre, post : array-like
        Scores of the same people, in the same order.
    kind : {"slope", "dumbbell"}
    labels : (str, str), optional
        Names of the two occasions (default "Pre-test"/"Post-test", Thai
        "ก่อนอบรม"/"หลังอบรม").
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language
        (:func:`edu40.set_language`).
    max_lines : int
        Draw at most this many people (a random subset, ``seed``) so large
        groups stay legible; the means and counts use everyone.
    confidence : float
        Level of the intervals of the two means (t with n - 1 df).
    ylabel : str, optional
    full_score : float, optional
        The test's full score: the score axis runs from 0 to it and its label
        says "out of".
    seed : int
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> fig = edu40.plots.paired_slope([10, 12, 9, 14], [15, 16, 9, 17], lang="en")
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['Pre-test', 'Post-test']
    >>> fig = edu40.plots.paired_slope([10, 12, 9, 14], [15, 16, 9, 17], kind="dumbbell", full_score=20)
    >>> fig.axes[0].get_xlabel()
    'Score (out of 20)'
    """
    if kind not in ("slope", "dumbbell"):
        raise ValueError(f"kind must be 'slope' or 'dumbbell', not {kind!r}")
    lang = check_language(lang)
    a, b, dropped = _paired(pre, post)
    labels = labels or (pick("ก่อนอบรม", "Pre-test", lang), pick("หลังอบรม", "Post-test", lang))
    idx = np.arange(len(a))
    if len(a) > max_lines:
        idx = np.sort(np.random.default_rng(seed).choice(idx, max_lines, replace=False))
    colour = np.where(b > a, _UP, np.where(b < a, _DOWN, _SAME))
    score_label = ylabel or (pick(f"คะแนน (เต็ม {full_score:g})", f"Score (out of {full_score:g})", lang)
                             if full_score else pick("คะแนน", "Score", lang))
    with font_context():
        if kind == "slope":
            fig, ax = new_axes(ax, (5.0, 5.0))
            # a little horizontal jitter separates the many people who share an integer score
            jit = np.random.default_rng(seed).uniform(-0.03, 0.03, size=(len(a), 2))
            for i in idx:
                ax.plot([jit[i, 0], 1 + jit[i, 1]], [a[i], b[i]], color=colour[i], alpha=0.35, lw=0.9, zorder=1)
            ax.scatter(jit[idx, 0], a[idx], s=10, color="#555555", zorder=2)
            ax.scatter(1 + jit[idx, 1], b[idx], s=10, color="#555555", zorder=2)
            means = [a.mean(), b.mean()]
            half = [stats.t.ppf((1 + confidence) / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)) for v in (a, b)]
            ax.errorbar([0, 1], means, yerr=half, color="black", lw=2.5, marker="o", ms=8, capsize=6, zorder=3)
            for x, m in zip((0, 1), means):
                ax.text(x + (-0.08 if x == 0 else 0.08), m, f"{m:.2f}", ha="right" if x == 0 else "left",
                        va="center", fontsize=10, fontweight="bold")
            ax.set_xticks([0, 1], list(labels))
            ax.set_xlim(-0.4, 1.4)
            ax.set_ylabel(score_label)
            if full_score:
                ax.set_ylim(-0.02 * full_score, 1.04 * full_score)
            ax.grid(axis="y", alpha=0.3)
        else:
            fig, ax = new_axes(ax, (6.0, max(4.0, 0.12 * len(idx) + 1.2)))
            order = idx[np.lexsort((b[idx], a[idx]))]
            y = np.arange(len(order))
            ax.hlines(y, a[order], b[order], colors=colour[order], lw=1.2, alpha=0.8)
            ax.scatter(a[order], y, facecolors="white", edgecolors="black", s=18, zorder=3, label=labels[0])
            ax.scatter(b[order], y, color="black", s=18, zorder=3, label=labels[1])
            ax.set_yticks([])
            ax.set_ylabel(pick("ผู้เข้าอบรม (เรียงตามคะแนนก่อนอบรม)", "Participants (sorted by pre-test score)",
                               lang))
            ax.set_xlabel(score_label)
            if full_score:
                ax.set_xlim(-0.02 * full_score, 1.04 * full_score)
            ax.legend(loc="lower right", fontsize=8)
            ax.grid(axis="x", alpha=0.3)
        up, down = int((b > a).sum()), int((b < a).sum())
        note = pick(f"n = {len(a)} คู่: เพิ่มขึ้น {up}, ลดลง {down}, เท่าเดิม {len(a) - up - down}",
                    f"n = {len(a)} pairs: {up} up, {down} down, {len(a) - up - down} unchanged", lang)
        if dropped:
            note += pick(f" (ตัดคู่ที่ไม่ครบ {dropped})", f" ({dropped} incomplete left out)", lang)
        if len(idx) < len(a):
            note += pick(f"; แสดง {len(idx)} คน", f"; {len(idx)} shown", lang)
        ax.set_title(note, fontsize=9, loc="left")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def gain_hist(gain, *, which: str = "raw", lang: str | None = None, bins="auto", xlabel: str | None = None,
              class_average: float | None = None, ax=None) -> Figure:
    """Histogram of the gains with zero and the mean marked.

    ``which="raw"``: gains post - pre (integer gains get one bar per score
    point when there are few).  ``which="normalized"``: Hake's normalized
    gains g_i = (post - pre) / (full - pre), with Hake's .3 and .7 band
    limits dotted and, when given, the class-average gain <g> (which is not
    the mean of the g_i) as the marked line.

    Parameters
    ----------
    gain : array-like
        One gain per person (missing or undefined values are left out and counted).
    which : {"raw", "normalized"}
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language
        (:func:`edu40.set_language`).
    bins : int or str
        As :func:`numpy.histogram_bin_edges`; the default gives integer raw
        gains one bar per value when few, and normalized gains bars of .1.
    xlabel : str, optional
    class_average : float, optional
        Hake's class <g> = (mean post - mean pre) / (full - mean pre), marked
        instead of the mean of the g_i (``which="normalized"``).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> fig = edu40.plots.gain_hist([5, 4, 0, 3, 2, 6], lang="th")
    >>> fig.axes[0].get_xlabel()
    'คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)'
    >>> fig = edu40.plots.gain_hist([0.5, 0.25, 0.8, 0.0], which="normalized", class_average=0.42, lang="en")
    >>> fig.axes[0].get_title(loc="left")
    'class <g> = 0.42; mean g = 0.39, n = 4'
    """
    if which not in ("raw", "normalized"):
        raise ValueError(f"which must be 'raw' or 'normalized', not {which!r}")
    lang = check_language(lang)
    g = pd.to_numeric(pd.Series(np.asarray(gain, dtype=float)), errors="coerce").to_numpy()
    usable = np.isfinite(g)
    dropped = int((~usable).sum())
    g = g[usable]
    if len(g) < 2:
        raise ValueError("gain_hist needs at least 2 gains")
    if isinstance(bins, str) and bins == "auto":
        if which == "normalized":
            bins = np.linspace(min(-0.5, np.floor(g.min() * 10) / 10), 1.0, 16)
        elif np.all(g == np.round(g)) and np.ptp(g) <= 40:
            bins = np.arange(g.min() - 0.5, g.max() + 1.5)
    with font_context():
        fig, ax = new_axes(ax, (6.0, 4.0))
        ax.hist(g, bins=bins, color="#67a9cf", edgecolor="white")
        ax.axvline(0, color="#555555", ls="--", lw=1)
        if which == "normalized":
            for cut in (0.3, 0.7):       # Hake (1998): low < .3 <= medium < .7 <= high
                ax.axvline(cut, color="grey", ls=":", lw=1)
            marked = g.mean() if class_average is None else class_average
            ax.axvline(marked, color="#1a3d7c", lw=2)
            text = (pick(f"ค่าเฉลี่ย g = {g.mean():.2f}, n = {len(g)}", f"mean g = {g.mean():.2f}, n = {len(g)}", lang)
                    if class_average is None else
                    pick(f"<g> ของกลุ่ม = {class_average:.2f}; ค่าเฉลี่ย g = {g.mean():.2f}, n = {len(g)}",
                         f"class <g> = {class_average:.2f}; mean g = {g.mean():.2f}, n = {len(g)}", lang))
            if dropped:
                text += pick(f" (คำนวณ g ไม่ได้ {dropped})", f" ({dropped} without g)", lang)
            default_x = pick("ค่าพัฒนาการสัมพัทธ์ g (Hake)", "Normalized gain g (Hake)", lang)
        else:
            ax.axvline(g.mean(), color="#1a3d7c", lw=2)
            text = f"M = {g.mean():.2f}, SD = {g.std(ddof=1):.2f}, n = {len(g)}"
            if dropped:
                text += pick(f" (ข้อมูลไม่ครบ {dropped})", f" ({dropped} missing)", lang)
            default_x = pick("คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)", "Gain (post − pre)", lang)
        ax.set_title(text, fontsize=9, loc="left")
        ax.set_xlabel(xlabel or default_x)
        ax.set_ylabel(pick("จำนวนคน", "Count", lang))
        ax.grid(axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig
