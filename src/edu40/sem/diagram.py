"""Path diagram of a fitted CFA/SEM with standardized loadings, paths and R², drawn with matplotlib.

Layout (no Graphviz): the model's latent variables are put in columns by
their place in the structural model (exogenous factors first, each outcome
one column right of its last predictor).  Indicators of the first column are
listed on the left, those of the last column on the right, those of middle
columns in a row above their factor, one box per indicator, so 42 indicators
in six factors stay readable on one A4 page.  A structural path that would
run through another factor is drawn as a curve.  Factor covariances are
drawn as arcs when they are few (a CFA of up to six factors, or up to six
covariances); residual covariances of indicators only on request.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch

from ..core.i18n import check_language, pick
from ..core.plotting import font_context, show_figures_in_jupyter, stars

__all__ = ["path_diagram"]

BOX_W, BOX_H, ROW = 0.66, 0.25, 0.31        # indicator boxes and their vertical pitch (inches)
ELL_W, ELL_H = 1.05, 0.56                   # factor ellipses
IND_TO_NODE = 1.85                          # indicator column to factor centre
STUB = 0.42                                 # straight piece of a loading arrow that carries its value
TOP_GAP = 1.0                               # factor top to the row of its indicators (middle columns)
BLOCK_GAP = 0.38                            # between stacked factors
ROW_PITCH = BOX_W + 0.1                     # horizontal pitch of a row of indicators
LINE = "#333333"


class _Node:
    def __init__(self, name, latent):
        self.name, self.latent = name, latent
        self.x = self.y = 0.0
        self.level = 0
        self.side = "left"
        self.indicators: list = []      # (name, std loading, p)

    @property
    def half(self):
        return (ELL_W / 2, ELL_H / 2) if self.latent else (BOX_W / 2 + 0.05, BOX_H / 2 + 0.02)

    def edge(self, dx, dy):
        """Point on the outline in direction (dx, dy) from the centre."""
        a, b = self.half
        if dx == 0 and dy == 0:
            return self.x, self.y
        if self.latent:
            t = 1.0 / math.sqrt((dx / a) ** 2 + (dy / b) ** 2)
        else:
            t = min(a / abs(dx) if dx else math.inf, b / abs(dy) if dy else math.inf)
        return self.x + t * dx, self.y + t * dy


def _box_edge(x, y, dx, dy):
    t = min(BOX_W / 2 / abs(dx) if dx else math.inf, BOX_H / 2 / abs(dy) if dy else math.inf)
    return x + t * dx, y + t * dy


def _tables(result, group):
    std = result.standardized
    est = result.estimates
    if "group" in std.columns:
        labels = list(dict.fromkeys(std["group"]))
        g = labels[0] if group is None else group
        if g not in labels:
            raise ValueError(f"group {g!r} is not a group of the model; groups: {labels}")
        std, est = std[std["group"] == g], est[est["group"] == g]
    else:
        g = None
    keys = ["lhs", "op", "rhs"]
    merged = std[keys + ["est.std"]].merge(est[keys + ["pvalue"]], on=keys, how="left")
    return merged.rename(columns={"est.std": "std"}), g


def _levels(nodes, preds):
    level = {}

    def visit(n, stack):
        if n in level:
            return level[n]
        if n in stack:          # a feedback loop: place it at the start of the cycle
            return 0
        stack.add(n)
        ps = [p for p, _, _ in preds.get(n, [])]
        level[n] = 0 if not ps else 1 + max(visit(p, stack) for p in ps)
        stack.discard(n)
        return level[n]

    for n in nodes:
        visit(n, set())
    return level


def _segment_hits(p, q, node, pad=0.12):
    """Does the segment p-q pass through the (padded) ellipse of ``node``?"""
    a, b = node.half[0] + pad, node.half[1] + pad
    px, py = (p[0] - node.x) / a, (p[1] - node.y) / b
    qx, qy = (q[0] - node.x) / a, (q[1] - node.y) / b
    dx, dy = qx - px, qy - py
    denom = dx * dx + dy * dy
    t = 0.0 if denom == 0 else max(0.0, min(1.0, -(px * dx + py * dy) / denom))
    return (px + t * dx) ** 2 + (py + t * dy) ** 2 < 1.0


def path_diagram(result, *, lang: str | None = None, labels: dict | None = None, instrument=None,
                 covariances="auto", residual_covariances: bool = False, group=None, digits: int = 2,
                 fit_line: bool = True, title: str | None = None, ax=None) -> Figure:
    """Draw a fitted model: factors as ellipses, indicators as boxes, standardized estimates on arrows.

    Parameters
    ----------
    result : SEMResult
        From :func:`edu40.fit` (CFA or SEM; the first group of a multi-group fit
        unless ``group`` is given).
    lang : {None, "th", "en"}
        Language of the legend, R² and fit line (default: the session's).
    labels : dict, optional
        ``{factor code: label}`` listed in a legend under the diagram.
    instrument : Instrument, optional
        Source of the factor labels in ``lang`` when ``labels`` is not given.
    covariances : {"auto", True, False}
        Draw factor covariances (standardized: correlations) as arcs.
        ``"auto"`` draws them for a CFA of up to six factors or when there are
        at most six; otherwise the note under the diagram says how many were
        left out (they are in the report's tables).
    residual_covariances : bool
        Also draw residual covariances among indicators.
    group : optional
        Group to draw of a multi-group model.
    digits : int
        Decimals of the estimates.
    fit_line : bool
        Print chi-square, df, CFI, TLI, RMSEA, SRMR and N under the diagram.
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into these axes (1 data unit = 1 inch of the default figure).

    Returns
    -------
    matplotlib.figure.Figure
        Loadings and paths are ``std.all`` (``result.standardized``); stars on
        paths mark the p value of the unstandardized estimate (* < .05,
        ** < .01, *** < .001), as AMOS and lavaan's ``summary`` test them;
        R² is ``result.r2``.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.fit(edu40.EM40.model(), survey)
    >>> fig = edu40.plots.path_diagram(res, instrument=edu40.EM40, lang="en")
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("R²")]
    ['R² = 0.78']
    """
    lang = check_language(lang)
    table, shown_group = _tables(result, group)
    loads = table[table["op"] == "=~"]
    latents = list(dict.fromkeys(loads["lhs"]))
    latent_set = set(latents)
    regs = table[table["op"] == "~"]
    structural_ov = [v for v in dict.fromkeys(list(regs["lhs"]) + list(regs["rhs"]))
                     if v not in latent_set and v not in set(loads["rhs"])]
    nodes = {n: _Node(n, True) for n in latents}
    nodes.update({n: _Node(n, False) for n in structural_ov})
    preds: dict = {}
    for r in loads.itertuples(index=False):
        if r.rhs in latent_set:       # higher-order factor: a path between factors
            preds.setdefault(r.rhs, []).append((r.lhs, r.std, r.pvalue))
        else:
            nodes[r.lhs].indicators.append((r.rhs, r.std, r.pvalue))
    for r in regs.itertuples(index=False):
        if r.lhs in nodes and r.rhs in nodes:
            preds.setdefault(r.lhs, []).append((r.rhs, r.std, r.pvalue))
    level = _levels(list(nodes), preds)
    L = max(level.values()) if level else 0
    for n, node in nodes.items():
        node.level = level[n]
        node.side = "left" if node.level == 0 else "right" if node.level == L else "top"

    # -- positions ---------------------------------------------------------------
    middle_width = max([len(nd.indicators) * ROW_PITCH for nd in nodes.values() if nd.side == "top"] + [0])
    col_gap = max(2.5, middle_width + 0.5)
    x_of = {lv: IND_TO_NODE + lv * col_gap for lv in range(L + 1)}
    columns = {lv: [nd for nd in nodes.values() if nd.level == lv] for lv in range(L + 1)}
    for lv, col in columns.items():
        heights = []
        for nd in col:
            if nd.side in ("left", "right"):
                heights.append(max(len(nd.indicators) * ROW, ELL_H + 0.45))
            else:
                heights.append(ELL_H + 0.45 + (ROW + TOP_GAP if nd.indicators else 0))
        total = sum(heights) + BLOCK_GAP * (len(col) - 1)
        raise_by = 0.9 if 0 < lv < L else 0.0
        y = total / 2 + raise_by
        for nd, h in zip(col, heights):
            nd.x = x_of[lv]
            if nd.side == "top" and nd.indicators:
                nd.y = y - (ROW + TOP_GAP) - ELL_H / 2
            else:
                nd.y = y - h / 2
            y -= h + BLOCK_GAP

    boxes = {}      # indicator -> (x, y, node)
    for nd in nodes.values():
        k = len(nd.indicators)
        for i, (ind, _, _) in enumerate(nd.indicators):
            if nd.side == "left":
                boxes[ind] = (nd.x - IND_TO_NODE, nd.y + (k - 1) / 2 * ROW - i * ROW, nd)
            elif nd.side == "right":
                boxes[ind] = (nd.x + IND_TO_NODE, nd.y + (k - 1) / 2 * ROW - i * ROW, nd)
            else:
                boxes[ind] = (nd.x - (k - 1) / 2 * ROW_PITCH + i * ROW_PITCH, nd.y + ELL_H / 2 + TOP_GAP + ROW / 2, nd)

    # -- what to draw between factors ----------------------------------------------------
    lat_cov = table[(table["op"] == "~~") & (table["lhs"] != table["rhs"])
                    & table["lhs"].isin(list(nodes)) & table["rhs"].isin(list(nodes))]
    n_cov = len(lat_cov)
    if covariances == "auto":
        draw_cov = (L == 0 and len(nodes) <= 6) or n_cov <= 6
    else:
        draw_cov = bool(covariances)
    res_cov = table[(table["op"] == "~~") & (table["lhs"] != table["rhs"])
                    & table["lhs"].isin(list(boxes)) & table["rhs"].isin(list(boxes))]

    # -- extent and figure -----------------------------------------------------------------
    xs = [b[0] for b in boxes.values()] + [nd.x for nd in nodes.values()]
    ys = [b[1] for b in boxes.values()] + [nd.y for nd in nodes.values()]
    arc_room = 0.0
    if draw_cov and n_cov:
        span = max(abs(nodes[r.lhs].y - nodes[r.rhs].y) for r in lat_cov.itertuples(index=False))
        arc_room = 0.5 + 0.17 * span
    xmin, xmax = min(xs) - BOX_W / 2 - 0.25, max(xs) + max(BOX_W / 2, ELL_W / 2) + 0.3 + arc_room
    ymax = max(ys) + max(BOX_H, ELL_H) / 2 + 0.3 + (0.4 if title else 0)
    ymin = min(ys) - ELL_H / 2 - 0.2
    if labels is None and instrument is not None:
        labels = {f: instrument.label(f, lang) for f in latents if f in instrument.factor_codes}
    legend = [(k, v) for k, v in (labels or {}).items() if k in nodes]
    notes = []
    if fit_line:
        notes.append(_fit_text(result, lang))
    if n_cov and not draw_cov:
        notes.append(pick(f"ไม่ได้แสดงความแปรปรวนร่วมระหว่างองค์ประกอบ {n_cov} ค่า (ดูตาราง)",
                          f"{n_cov} factor covariances not drawn (see the tables)", lang))
    if len(res_cov) and not residual_covariances:
        notes.append(pick(f"ไม่ได้แสดงความแปรปรวนร่วมของความคลาดเคลื่อน {len(res_cov)} ค่า",
                          f"{len(res_cov)} residual covariances not drawn", lang))
    if shown_group is not None:
        notes.append(pick(f"กลุ่ม: {shown_group}", f"group: {shown_group}", lang))
    notes.append(pick("ค่ามาตรฐาน (std.all); * p < .05, ** p < .01, *** p < .001",
                      "standardized (std.all); * p < .05, ** p < .01, *** p < .001", lang))
    legend_cols = 2 if len(legend) > 3 else 1
    legend_rows = math.ceil(len(legend) / legend_cols) if legend else 0
    bottom = ymin - 0.22 * (legend_rows + len(notes)) - 0.15
    xmax = max(xmax, xmin + 6.6)          # room for the fit line
    width, height = xmax - xmin, ymax - bottom

    with font_context():
        if ax is None:
            show_figures_in_jupyter()
            fig = Figure(figsize=(width, height))
            ax = fig.add_axes((0, 0, 1, 1))
        else:
            fig = ax.figure
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(bottom, ymax)
        ax.set_aspect("equal")
        ax.axis("off")
        fmt = f"{{:.{digits}f}}"

        # factors and their indicators
        for nd in nodes.values():
            if nd.latent:
                ax.add_patch(Ellipse((nd.x, nd.y), ELL_W, ELL_H, facecolor="#eef3fb", edgecolor=LINE, lw=1.0,
                                     zorder=3))
            else:
                ax.add_patch(FancyBboxPatch((nd.x - BOX_W / 2 - 0.05, nd.y - BOX_H / 2 - 0.02), BOX_W + 0.1,
                                            BOX_H + 0.04, boxstyle="square,pad=0", facecolor="white",
                                            edgecolor=LINE, lw=1.0, zorder=3))
            endogenous = nd.name in preds
            ax.text(nd.x, nd.y + (0.01 if endogenous else 0), nd.name, ha="center",
                    va="bottom" if endogenous else "center", fontsize=10, fontweight="bold", zorder=4)
            for ind, value, _ in nd.indicators:
                bx, by, _ = boxes[ind]
                ax.add_patch(FancyBboxPatch((bx - BOX_W / 2, by - BOX_H / 2), BOX_W, BOX_H,
                                            boxstyle="square,pad=0", facecolor="white", edgecolor=LINE,
                                            lw=0.8, zorder=3))
                ax.text(bx, by, ind, ha="center", va="center", fontsize=8, zorder=4)
                # A sloped line from the factor to a point beside the box, then straight into the box:
                # the loading sits on the straight piece, so it cannot be read as a neighbour's.
                if nd.side == "top":
                    end = (bx, by - BOX_H / 2)
                    elbow = (bx, end[1] - STUB)
                elif nd.side == "left":
                    end = (bx + BOX_W / 2, by)
                    elbow = (end[0] + STUB, by)
                else:
                    end = (bx - BOX_W / 2, by)
                    elbow = (end[0] - STUB, by)
                start = nd.edge(elbow[0] - nd.x, elbow[1] - nd.y)
                ax.plot([start[0], elbow[0]], [start[1], elbow[1]], color=LINE, lw=0.6, zorder=2,
                        solid_capstyle="butt")
                ax.add_patch(FancyArrowPatch(elbow, end, arrowstyle="-|>", mutation_scale=7, lw=0.6,
                                             color=LINE, shrinkA=0, shrinkB=0, zorder=2))
                lx, ly = (elbow[0] + end[0]) / 2, (elbow[1] + end[1]) / 2
                ax.text(lx, ly, fmt.format(value), ha="center", va="center", fontsize=7, zorder=5,
                        bbox=dict(boxstyle="square,pad=0.04", facecolor="white", edgecolor="none"))

        # structural paths
        others = list(nodes.values())
        for target, plist in preds.items():
            tn = nodes[target]
            for source, value, p in plist:
                sn = nodes[source]
                dx, dy = tn.x - sn.x, tn.y - sn.y
                start, end = sn.edge(dx, dy), tn.edge(-dx, -dy)
                blocked = any(_segment_hits(start, end, o) for o in others if o is not sn and o is not tn)
                rad = -0.25 if blocked else 0.0
                if blocked:     # leave and enter at an angle that bends away from the blocker
                    start = sn.edge(dx + 0.35 * dy, dy - 0.35 * dx)
                    end = tn.edge(-dx + 0.35 * dy, -dy - 0.35 * dx)
                ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, lw=1.1,
                                             color="#1a3d7c", shrinkA=0, shrinkB=0, zorder=2,
                                             connectionstyle=f"arc3,rad={rad}"))
                mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
                if rad:
                    ex, ey = end[0] - start[0], end[1] - start[1]
                    mx, my = mx + rad * ey / 2, my - rad * ex / 2
                else:
                    mx, my = start[0] + 0.45 * (end[0] - start[0]), start[1] + 0.45 * (end[1] - start[1])
                ax.text(mx, my, fmt.format(value) + stars(p), ha="center", va="center", fontsize=8.5,
                        color="#1a3d7c", zorder=6,
                        bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="#c9d3e6", lw=0.5))

        # R² of endogenous factors, inside the ellipse under the name (no arrow can cross it there)
        r2 = result.r2
        if isinstance(r2.index, pd.MultiIndex):
            r2 = r2.xs(shown_group, level="group") if shown_group is not None else r2
        for n in preds:
            if n in r2.index:
                nd = nodes[n]
                ax.text(nd.x, nd.y - 0.02, f"R² = {fmt.format(float(r2[n]))}", ha="center", va="top",
                        fontsize=7.5, zorder=6)

        # covariances between factors: arcs on the right of their column
        if draw_cov:
            for r in lat_cov.itertuples(index=False):
                a, b = nodes[r.lhs], nodes[r.rhs]
                _arc(ax, a, b, r.std, r.pvalue, fmt)
        if residual_covariances:
            for r in res_cov.itertuples(index=False):
                (ax1, ay1, na), (bx1, by1, _) = boxes[r.lhs], boxes[r.rhs]
                outward = -1 if na.side == "left" else 1
                rad = 0.35 * outward * (1 if ay1 > by1 else -1)
                ax.add_patch(FancyArrowPatch((ax1, ay1), (bx1, by1), arrowstyle="<|-|>", mutation_scale=6,
                                             lw=0.5, color="#777777", shrinkA=7, shrinkB=7, zorder=1,
                                             connectionstyle=f"arc3,rad={rad}"))

        # title, legend and notes
        if title:
            ax.text((xmin + xmax) / 2, ymax - 0.2, title, ha="center", va="top", fontsize=12, fontweight="bold")
        y = ymin - 0.05
        col_w = width / legend_cols
        for i, (code, label) in enumerate(legend):
            row, col = divmod(i, legend_cols)
            ax.text(xmin + 0.25 + col * col_w, y - row * 0.22, f"{code} = {label}", ha="left", va="top",
                    fontsize=8.5)
        y -= 0.22 * legend_rows
        for note in notes:
            ax.text(xmin + 0.25, y, note, ha="left", va="top", fontsize=7.5, color="#444444")
            y -= 0.22
    return fig


def _arc(ax, a, b, value, p, fmt):
    """A double-headed arc between two factors, bulging right in proportion to their distance."""
    upper, lower = (a, b) if a.y >= b.y else (b, a)
    start = upper.edge(math.cos(math.radians(-30)), math.sin(math.radians(-30)))
    end = lower.edge(math.cos(math.radians(30)), math.sin(math.radians(30)))
    dx, dy = end[0] - start[0], end[1] - start[1]
    rad = -0.35 if dy < 0 else 0.35
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="<|-|>", mutation_scale=7, lw=0.7, color="#555555",
                                 shrinkA=0, shrinkB=0, zorder=1, connectionstyle=f"arc3,rad={rad}"))
    mx, my = (start[0] + end[0]) / 2 + rad * dy / 2, (start[1] + end[1]) / 2 - rad * dx / 2
    ax.text(mx, my, fmt.format(value) + stars(p), ha="center", va="center", fontsize=7, color="#333333",
            zorder=6, bbox=dict(boxstyle="square,pad=0.05", facecolor="white", edgecolor="none"))


def _fit_text(result, lang) -> str:
    fi = result.fit_indices

    def get(k):
        v = fi.get(k, np.nan)
        return float(v) if v is not None else np.nan

    p = get("pvalue")
    ptxt = "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
    text = (f"χ²({int(get('df'))}) = {get('chisq'):.2f}, {ptxt}; CFI = {get('cfi'):.3f}; TLI = {get('tli'):.3f}; "
            f"RMSEA = {get('rmsea'):.3f}; SRMR = {get('srmr'):.3f}; N = {int(get('nobs'))}")
    return text
