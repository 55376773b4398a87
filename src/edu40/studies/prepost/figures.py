"""Pre/post figures: a paired slope plot (one line per person) and the distribution of gains.

Generic helpers that take plain arrays, so the pre/post module (and anyone
with two columns of scores) can reuse them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from ...core.i18n import check_language, pick
from ...core.plotting import font_context, new_axes

__all__ = ["paired_slope", "gain_hist"]


def _paired(pre, post):
    a = pd.to_numeric(pd.Series(np.asarray(pre, dtype=float)), errors="coerce")
    b = pd.to_numeric(pd.Series(np.asarray(post, dtype=float)), errors="coerce")
    if len(a) != len(b):
        raise ValueError(f"pre and post must have the same length (one pair per person), got {len(a)} and {len(b)}")
    keep = a.notna() & b.notna()
    if keep.sum() < 2:
        raise ValueError("paired_slope needs at least 2 complete pairs")
    return a[keep].to_numpy(), b[keep].to_numpy(), int((~keep).sum())


def paired_slope(pre, post, *, labels=None, lang: str | None = None, max_lines: int = 400,
                 confidence: float = 0.95, ylabel: str | None = None, seed: int = 0, ax=None) -> Figure:
    """One line per person from the pre-test to the post-test score, with the mean change on top.

    Lines that go up are blue, down red, unchanged grey; the bold line joins
    the two means with their confidence intervals.  Incomplete pairs are
    left out and counted in the annotation.

    Parameters
    ----------
    pre, post : array-like
        Scores of the same people, in the same order.
    labels : (str, str), optional
        Names of the two occasions (default "Pre-test"/"Post-test", Thai
        "ก่อนอบรม"/"หลังอบรม").
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).
    max_lines : int
        Draw at most this many person lines (a random subset, ``seed``) so
        large groups stay legible; the means use everyone.
    confidence : float
    ylabel : str, optional
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
    """
    lang = check_language(lang)
    a, b, dropped = _paired(pre, post)
    labels = labels or (pick("ก่อนอบรม", "Pre-test", lang), pick("หลังอบรม", "Post-test", lang))
    idx = np.arange(len(a))
    if len(a) > max_lines:
        idx = np.random.default_rng(seed).choice(idx, max_lines, replace=False)
    with font_context():
        fig, ax = new_axes(ax, (5.0, 5.0))
        for i in idx:
            color = "#2166ac" if b[i] > a[i] else "#b2182b" if b[i] < a[i] else "#888888"
            ax.plot([0, 1], [a[i], b[i]], color=color, alpha=0.35, lw=0.9, zorder=1)
        ax.scatter(np.zeros(len(idx)), a[idx], s=10, color="#555555", zorder=2)
        ax.scatter(np.ones(len(idx)), b[idx], s=10, color="#555555", zorder=2)
        means = [a.mean(), b.mean()]
        half = [stats.t.ppf((1 + confidence) / 2, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)) for v in (a, b)]
        ax.errorbar([0, 1], means, yerr=half, color="black", lw=2.5, marker="o", ms=8, capsize=6, zorder=3)
        for x, m in zip((0, 1), means):
            ax.text(x + (-0.08 if x == 0 else 0.08), m, f"{m:.2f}", ha="right" if x == 0 else "left",
                    va="center", fontsize=10, fontweight="bold")
        up, down = int((b > a).sum()), int((b < a).sum())
        note = pick(f"n = {len(a)} คู่: เพิ่มขึ้น {up}, ลดลง {down}, เท่าเดิม {len(a) - up - down}",
                    f"n = {len(a)} pairs: {up} up, {down} down, {len(a) - up - down} unchanged", lang)
        if dropped:
            note += pick(f" (ตัดคู่ที่ไม่ครบ {dropped})", f" ({dropped} incomplete left out)", lang)
        if len(idx) < len(a):
            note += pick(f"; แสดง {len(idx)} เส้น", f"; {len(idx)} lines shown", lang)
        ax.set_title(note, fontsize=9, loc="left")
        ax.set_xticks([0, 1], list(labels))
        ax.set_xlim(-0.4, 1.4)
        ax.set_ylabel(ylabel or pick("คะแนน", "Score", lang))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def gain_hist(gain, *, lang: str | None = None, bins="auto", xlabel: str | None = None, ax=None) -> Figure:
    """Histogram of gains (post - pre) with zero and the mean marked.

    Parameters
    ----------
    gain : array-like
        One gain per person (missing values are left out and counted).
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).
    bins : int or str
        As :func:`numpy.histogram_bin_edges`; integer gains get one bar per value when few.
    xlabel : str, optional
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
    """
    lang = check_language(lang)
    g = pd.to_numeric(pd.Series(np.asarray(gain, dtype=float)), errors="coerce")
    dropped = int(g.isna().sum())
    g = g.dropna().to_numpy()
    if len(g) < 2:
        raise ValueError("gain_hist needs at least 2 gains")
    if bins == "auto" and np.all(g == np.round(g)) and np.ptp(g) <= 40:
        bins = np.arange(g.min() - 0.5, g.max() + 1.5)
    with font_context():
        fig, ax = new_axes(ax, (6.0, 4.0))
        ax.hist(g, bins=bins, color="#67a9cf", edgecolor="white")
        ax.axvline(0, color="#555555", ls="--", lw=1)
        ax.axvline(g.mean(), color="#1a3d7c", lw=2)
        text = f"M = {g.mean():.2f}, SD = {g.std(ddof=1):.2f}, n = {len(g)}"
        if dropped:
            text += pick(f" (ข้อมูลไม่ครบ {dropped})", f" ({dropped} missing)", lang)
        ax.set_title(text, fontsize=9, loc="left")
        ax.set_xlabel(xlabel or pick("คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)", "Gain (post − pre)", lang))
        ax.set_ylabel(pick("จำนวนคน", "Count", lang))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig
