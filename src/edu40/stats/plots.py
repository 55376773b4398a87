"""Survey figures: diverging Likert bars, factor mean profile against the level bands, correlation heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from ..core.i18n import check_language, pick
from .correlation import CorrelationResult
from ..io.loader import Survey
from ..io.scales import LikertScale
from ..core.plotting import font_context, new_axes, shorten, stars

__all__ = ["likert_bars", "factor_profile", "correlation_heatmap"]

# Disagree (red) to agree (blue), neutral grey: colour-blind safe (ColorBrewer RdBu).
_DIVERGING = {
    4: ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac"],
    5: ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"],
    6: ["#b2182b", "#d6604d", "#f4a582", "#92c5de", "#4393c3", "#2166ac"],
    7: ["#b2182b", "#d6604d", "#f4a582", "#d9d9d9", "#92c5de", "#4393c3", "#2166ac"],
}


def _colors(k: int) -> list[str]:
    if k in _DIVERGING:
        return _DIVERGING[k]
    from matplotlib import colormaps
    cmap = colormaps["RdBu"]
    return [cmap(0.08 + 0.84 * i / (k - 1)) for i in range(k)]


def _item_frame(data, instrument, scale):
    """(item responses, instrument or None, scale) from a Survey or a DataFrame."""
    if isinstance(data, Survey):
        return data.items, instrument or data.instrument, scale or data.scale
    if not isinstance(data, pd.DataFrame):
        raise TypeError("likert_bars needs a Survey or a DataFrame of item answers")
    if scale is None:
        scale = instrument.scale if instrument is not None else LikertScale(5)
    elif isinstance(scale, int):
        scale = LikertScale(scale)
    return data, instrument, scale


def likert_bars(data, *, instrument=None, scale=None, factors=None, lang: str | None = None,
                label_chars: int = 46, show_mean: bool = True, ax=None) -> Figure:
    """Diverging stacked bars: the percentage of each answer to each item, grouped by factor.

    Disagreeing answers extend left of zero, agreeing answers right; the
    middle answer of an odd scale is split half and half across zero
    (Heiberger & Robbins, 2014).  Percentages are of the respondents who
    answered the item.

    Parameters
    ----------
    data : Survey or DataFrame
        A Survey brings its instrument (factors, item texts) and scale; a
        DataFrame of numeric answers needs ``instrument`` for grouping and texts.
    instrument : Instrument, optional
    scale : LikertScale or int, optional
        Default: the survey's (or the instrument's) scale; anchor labels in ``lang``.
    factors : list of str, optional
        Factors to draw (default: all).
    lang : {None, "th", "en"}
        Item texts, factor labels and anchors in Thai or English; ``None``
        (default): the session language (:func:`edu40.set_language`).
    label_chars : int
        Item texts are cut to this many characters.
    show_mean : bool
        Print each item's mean at the right.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    Heiberger, R. M., & Robbins, N. B. (2014). Design of diverging stacked
    bar charts for Likert scales and other applications. *Journal of
    Statistical Software*, 57(5), 1-32.

    Examples
    --------
    >>> import edu40
    >>> fig = edu40.plots.likert_bars(edu40.datasets.load_em40_survey(), factors=["HRM"], lang="th")
    >>> fig.axes[0].get_xlabel()
    'ร้อยละของผู้ตอบ'
    """
    lang = check_language(lang)
    items, instrument, scale = _item_frame(data, instrument, scale)
    if instrument is not None:
        wanted = instrument.factor_codes if factors is None else list(factors)
        unknown = [f for f in wanted if f not in instrument.factor_codes]
        if unknown:
            raise ValueError(f"factors {unknown} are not factors of {instrument.name}: {instrument.factor_codes}")
        groups = [(f, [c for c in instrument.items_of(f) if c in items.columns]) for f in wanted]
        groups = [(f, cols) for f, cols in groups if cols]
    else:
        groups = [(None, list(items.columns))]
    if not groups:
        raise ValueError("likert_bars: none of the instrument's items is in the data")
    values = list(scale.values)
    k = len(values)
    colors = _colors(k)
    rows = []      # (y, label, percents, mean) ; headers as (y, header, None, None)
    y = 0.0
    for fac, cols in groups:
        if fac is not None:
            rows.append((y, f"{fac}  {instrument.label(fac, lang)}", None, None))
            y -= 0.85
        for c in cols:
            answered = items[c].dropna()
            if answered.empty:
                raise ValueError(f"likert_bars: item {c!r} has no answers")
            off = answered[~answered.isin(values)]
            if len(off):
                raise ValueError(f"likert_bars: item {c!r} has value {off.iloc[0]:g}, not a point of the scale {values}")
            pct = np.array([(answered == v).mean() * 100 for v in values])
            text = instrument.label(c, lang) if instrument is not None and c in instrument.item_codes else ""
            label = c if not text or text == c else f"{c}  {shorten(text, label_chars)}"
            rows.append((y, label, pct, float(answered.mean())))
            y -= 1.0
        y -= 0.35
    n_items = sum(1 for r in rows if r[2] is not None)
    n_heads = len(rows) - n_items
    with font_context():
        fig, ax = new_axes(ax, (11.0, 1.5 + 0.27 * n_items + 0.3 * n_heads))
        half = k // 2
        for yy, label, pct, mean in rows:
            if pct is None:
                continue
            # left: the neutral half (odd k) nearest zero, then down to the lowest point
            left = -pct[half] / 2 if k % 2 else 0.0
            order_left = list(range(half - 1, -1, -1))
            start = left
            for i in order_left:
                ax.barh(yy, -pct[i], left=start, color=colors[i], height=0.78, edgecolor="white", lw=0.4)
                _pct_label(ax, start - pct[i] / 2, yy, pct[i], colors[i])
                start -= pct[i]
            if k % 2:
                ax.barh(yy, pct[half], left=-pct[half] / 2, color=colors[half], height=0.78, edgecolor="white",
                        lw=0.4)
                _pct_label(ax, 0, yy, pct[half], colors[half])
            start = pct[half] / 2 if k % 2 else 0.0
            for i in range(half + (k % 2), k):
                ax.barh(yy, pct[i], left=start, color=colors[i], height=0.78, edgecolor="white", lw=0.4)
                _pct_label(ax, start + pct[i] / 2, yy, pct[i], colors[i])
                start += pct[i]
            if show_mean:
                ax.text(103, yy, f"{mean:.2f}", va="center", ha="left", fontsize=8)
        item_rows = [r for r in rows if r[2] is not None]
        ax.set_yticks([r[0] for r in item_rows], [r[1] for r in item_rows], fontsize=8)
        for yy, label, pct, _ in rows:
            if pct is None:
                ax.text(-103, yy, label, ha="right", va="center", fontsize=9.5, fontweight="bold",
                        color="#1a3d7c", clip_on=False)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlim(-101, 112 if show_mean else 101)
        ax.set_ylim(y + 0.6, 0.8)
        ticks = [-100, -75, -50, -25, 0, 25, 50, 75, 100]
        ax.set_xticks(ticks, [f"{abs(t)}" for t in ticks])
        ax.set_xlabel(pick("ร้อยละของผู้ตอบ", "Percent of respondents", lang))
        if show_mean:
            ax.text(103, 0.75, pick("ค่าเฉลี่ย", "Mean", lang), ha="left", va="bottom", fontsize=8,
                    fontweight="bold")
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        from matplotlib.patches import Patch
        handles = [Patch(color=colors[i], label=f"{values[i]} {scale.labels(lang)[i]}") for i in range(k)]
        ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=k, frameon=False,
                  fontsize=8.5)
    return fig


def _pct_label(ax, x, y, pct, color):
    if pct >= 7:
        dark = color in ("#b2182b", "#2166ac", "#d6604d", "#4393c3")
        ax.text(x, y, f"{pct:.0f}", ha="center", va="center", fontsize=6.5,
                color="white" if dark else "#111111")


def _factor_summary(data, scale, lang, confidence):
    """Rows (code, label, n, mean, sd) of each factor, and the scale."""
    if isinstance(data, Survey):
        scores = data.factor_scores()
        inst = data.instrument
        scale = scale or data.scale
        rows = [(f, inst.label(f, lang), scores[f].dropna()) for f in scores.columns]
        out = [(f, lab, len(v), float(v.mean()), float(v.std(ddof=1))) for f, lab, v in rows]
    elif isinstance(data, pd.DataFrame) and {"variable", "mean", "sd", "n"} <= set(data.columns):
        t = data[data["kind"] == "factor"] if "kind" in data.columns else data
        if "group" in t.columns:
            raise ValueError("factor_profile: pass a describe() table without by=, or one group of it")
        out = [(r.variable, getattr(r, "label", r.variable), int(r.n), float(r.mean), float(r.sd))
               for r in t.itertuples(index=False)]
    elif isinstance(data, pd.DataFrame):
        out = [(c, c, int(data[c].notna().sum()), float(data[c].mean()), float(data[c].std(ddof=1)))
               for c in data.columns]
    else:
        raise TypeError("factor_profile needs a Survey, a describe() table or a DataFrame of factor scores")
    if isinstance(scale, int):
        scale = LikertScale(scale)
    return out, scale or LikertScale(5)


def factor_profile(data, *, scale=None, lang: str | None = None, confidence: float = 0.95,
                   label_chars: int = 40, ax=None) -> Figure:
    """Factor means with confidence intervals, drawn over the Likert level bands.

    The background shows the interpretation bands of the scale (for five
    points 1.00-1.50 lowest, 1.51-2.50 low, 2.51-3.50 moderate, 3.51-4.50
    high, 4.51-5.00 highest; :class:`edu40.LikertScale`), so each factor's
    level is read off the picture.  Interval: mean ± t(n-1) SD / sqrt(n).

    Parameters
    ----------
    data : Survey, DataFrame
        A Survey (factor scores = mean of each respondent's answered items of
        the factor), a :func:`edu40.describe` table (its ``kind == "factor"``
        rows), or a DataFrame of scores, one column per factor.
    scale : LikertScale or int, optional
        Default: the survey's scale, else 5 points.
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).
    confidence : float
        Level of the intervals.
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> fig = edu40.plots.factor_profile(edu40.datasets.load_em40_survey(), lang="en")
    >>> [float(x) for x in fig.axes[0].get_xlim()]
    [1.0, 5.0]
    """
    lang = check_language(lang)
    rows, scale = _factor_summary(data, scale, lang, confidence)
    band_colors = ["#fbe3e3", "#fdf0e0", "#f4f4f4", "#e5eef8", "#d6e6f5", "#c7ddf2", "#b8d3ef"]
    with font_context():
        fig, ax = new_axes(ax, (9.0, 1.6 + 0.45 * len(rows)))
        for i, band in enumerate(scale.bands):
            lo = scale.minimum if i == 0 else (scale.bands[i - 1].upper + band.lower) / 2
            hi = scale.maximum if i == len(scale.bands) - 1 else (band.upper + scale.bands[i + 1].lower) / 2
            ax.axvspan(lo, hi, color=band_colors[i % len(band_colors)], zorder=0, lw=0)
            ax.text((lo + hi) / 2, 1.0, f"{band.label(lang)}\n{band.lower:.2f}–{band.upper:.2f}",
                    transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8, color="#333333")
            if i:
                ax.axvline(lo, color="#999999", lw=0.6, ls="--", zorder=1)
        ys = np.arange(len(rows))[::-1]
        for y, (code, label, n, mean, sd) in zip(ys, rows):
            h = stats.t.ppf((1 + confidence) / 2, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
            ax.errorbar(mean, y, xerr=h, fmt="o", color="#1a3d7c", ecolor="#1a3d7c", capsize=4, ms=7, zorder=3)
            ax.text(mean, y + 0.22, f"{mean:.2f} ({scale.level(mean, lang)})", ha="center", va="bottom",
                    fontsize=8.5, zorder=4)
        ax.set_yticks(ys, [code if label == code else f"{code}  {shorten(label, label_chars)}"
                           for code, label, *_ in rows], fontsize=9)
        ax.set_xlim(scale.minimum, scale.maximum)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel(pick(f"ค่าเฉลี่ย (ช่วงความเชื่อมั่น {confidence:.0%})", f"Mean ({confidence:.0%} CI)", lang))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def correlation_heatmap(data, *, lang: str | None = None, annotate: bool = True, digits: int = 2,
                        labels: dict | None = None, ax=None) -> Figure:
    """Lower triangle of a correlation matrix, coloured from -1 (red) to +1 (blue), with r and stars.

    Parameters
    ----------
    data : CorrelationResult, Survey or DataFrame
        A :func:`edu40.correlations` result (stars from its p values, adjusted
        if it was), a Survey (Pearson correlations of its factor scores), or a
        square DataFrame of correlations (no stars).
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).
    annotate : bool
        Write r (and stars) in the cells.
    digits : int
    labels : dict, optional
        ``{variable: label}`` for the axes (default: the variable names).
    ax : Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import edu40
    >>> fig = edu40.plots.correlation_heatmap(edu40.datasets.load_em40_survey())
    >>> len(fig.axes)      # the heatmap and its colour bar
    2
    """
    lang = check_language(lang)
    if isinstance(data, Survey):
        from .correlation import correlations
        data = correlations(data)
    if isinstance(data, CorrelationResult):
        r = data.matrix("r")
        p = data.matrix("p_adj" if data.adjust else "p")
    elif isinstance(data, pd.DataFrame) and data.shape[0] == data.shape[1]:
        r, p = data.astype(float), None
    else:
        raise TypeError("correlation_heatmap needs a CorrelationResult, a Survey or a square DataFrame")
    names = list(r.columns)
    shown = [labels.get(v, v) if labels else v for v in names]
    k = len(names)
    m = r.to_numpy(float).copy()
    m[np.triu_indices(k, 1)] = np.nan
    with font_context():
        fig, ax = new_axes(ax, (1.8 + 0.75 * k, 1.2 + 0.65 * k))
        im = ax.imshow(m, cmap="RdBu", vmin=-1, vmax=1)
        if annotate:
            for i in range(k):
                for j in range(i + 1):
                    v = m[i, j]
                    txt = "1" if i == j else (f"{v:.{digits}f}" + (stars(p.iloc[i, j]) if p is not None else ""))
                    ax.text(j, i, txt, ha="center", va="center", fontsize=8,
                            color="white" if abs(v) > 0.6 else "#111111")
        ax.set_xticks(range(k), shown, rotation=45, ha="right", fontsize=9)
        ax.set_yticks(range(k), shown, fontsize=9)
        for side in ax.spines.values():
            side.set_visible(False)
        cbar = fig.colorbar(im, ax=ax, shrink=0.8)
        cbar.set_label("r")
        if p is not None:
            ax.set_title(pick("* p < .05, ** p < .01, *** p < .001", "* p < .05, ** p < .01, *** p < .001", lang),
                         fontsize=8, loc="left")
    return fig
