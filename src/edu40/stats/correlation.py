"""Correlation matrices: Pearson or Spearman, with p values, intervals and an APA table.

Thai reports correlate the factor scores ("knowledge and satisfaction were
correlated, significant at .01"); every pair's r, p and n (pairwise or
listwise) is in a tidy table, with a matrix view and a lower-triangle table
with significance stars for the report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ..core.blocks import heading, table, text
from ..core.i18n import check_language, pick
from ._inputs import (StatsInputError, apply_nan_policy, check_choice, check_columns, check_confidence,
                      numeric_frame, survey_frame)
from ..core.results import Result, stars
from ..io.loader import Survey

__all__ = ["correlations", "CorrelationResult"]

_ADJUST = {None: None, "holm": "holm", "fdr_bh": "fdr_bh", "bonferroni": "bonferroni"}


@dataclass(frozen=True, eq=False)
class CorrelationResult(Result):
    """All pairwise correlations of a set of variables."""

    TITLE = ("สหสัมพันธ์", "Correlations")

    method: str
    adjust: str | None
    nan_policy: str
    confidence: float
    variables: tuple
    pairs: pd.DataFrame
    means: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per pair: ``x, y, n, r, ci_low, ci_high, p, p_adj, stars``."""
        return self.pairs.copy()

    def matrix(self, stat: str = "r") -> pd.DataFrame:
        """Square matrix of ``r``, ``p``, ``p_adj`` or ``n`` (diagonal: 1 for r, 0 for p, n of the variable)."""
        check_choice("stat", stat, ("r", "p", "p_adj", "n"))
        v = list(self.variables)
        diag = {"r": 1.0, "p": 0.0, "p_adj": 0.0}
        m = pd.DataFrame(np.nan, index=v, columns=v)
        for row in self.pairs.itertuples():
            val = getattr(row, stat)
            m.loc[row.x, row.y] = m.loc[row.y, row.x] = val
        for name in v:
            m.loc[name, name] = diag[stat] if stat in diag else float(self.means.loc[name, "n"])
        return m.astype("int64") if stat == "n" else m

    def apa_table(self, lang: str | None = None, *, convention: str = "apa", digits: int = 2) -> pd.DataFrame:
        """Lower-triangle table of r with stars, preceded by n, M and SD of each variable.

        ``convention="apa"``: * p < .05, ** p < .01, *** p < .001;
        ``"thai"``: * p < .05, ** p < .01 (the usual note of Thai reports).
        Stars use the adjusted p when ``adjust`` was given.  r is printed
        without the leading zero (APA 7, 6.36).
        """
        check_choice("convention", convention, ("apa", "thai"))
        lang = check_language(lang)
        v = list(self.variables)
        r, p = self.matrix("r"), self.matrix("p_adj" if self.adjust else "p")
        out = pd.DataFrame(index=v)
        out.index.name = pick("ตัวแปร", "Variable", lang)
        out["n"] = self.means["n"].astype("int64")
        out[pick("ค่าเฉลี่ย", "M", lang)] = self.means["mean"].map(lambda m: f"{m:.{digits}f}")
        out["S.D." if lang == "th" else "SD"] = self.means["sd"].map(lambda s: f"{s:.{digits}f}")
        for j, col in enumerate(v):
            cells = []
            for i, row in enumerate(v):
                if i < j:
                    cells.append("")
                elif i == j:
                    cells.append("—")
                else:
                    txt = f"{r.loc[row, col]:.{digits}f}".replace("0.", ".", 1)
                    cells.append(txt + stars(p.loc[row, col], convention))
            out[f"{j + 1}"] = cells
        out.index = [f"{i + 1}. {name}" for i, name in enumerate(v)]
        return out

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        name = {"pearson": "Pearson r", "spearman": "Spearman rho"}[self.method]
        adj = f", p adjusted: {self.adjust}" if self.adjust else ""
        ns = self.pairs["n"]
        nrange = f"n = {ns.min()}" if ns.min() == ns.max() else f"n = {ns.min()}–{ns.max()}"
        head = pick(f"สหสัมพันธ์ {name} ของ {len(self.variables)} ตัวแปร ({self.nan_policy}, {nrange}{adj})",
                    f"{name} correlations of {len(self.variables)} variables ({self.nan_policy}, {nrange}{adj})", lang)
        note = pick("* p < .05, ** p < .01, *** p < .001", "* p < .05, ** p < .01, *** p < .001", lang)
        return head + "\n" + self.apa_table(lang).to_string() + "\n" + note

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        return {"pairs": self.pairs}

    def report_blocks(self, lang: str | None = None) -> list:
        """The first summary line, then the APA table of r with stars (and M, SD, n)."""
        lang = check_language(lang)
        head = self.summary(lang).split("\n")[0]
        note = "* p < .05, ** p < .01, *** p < .001" + (f" ({self.adjust})" if self.adjust else "")
        return [heading(pick(*self.TITLE, lang)), text(head),
                table(self.apa_table(lang), pick("ค่าสัมประสิทธิ์สหสัมพันธ์", "Correlation matrix", lang), note=note)]

    def _repr_html_(self) -> str:
        lines = self.summary().split("\n")
        return (f"<b>{html.escape(lines[0])}</b>" + self.apa_table().to_html() + f"<p>{html.escape(lines[-1])}</p>"
                + "<details><summary>pairs</summary>" + self.pairs.to_html(index=False) + "</details>")


def _fisher_ci(r: float, confidence: float, se: float) -> tuple[float, float]:
    z = np.arctanh(r)
    h = stats.norm.ppf((1 + confidence) / 2) * se
    return float(np.tanh(z - h)), float(np.tanh(z + h))


def correlations(x, columns=None, *, method: str = "pearson", adjust: str | None = None,
                 nan_policy: str = "pairwise", confidence: float = 0.95, items: bool = False) -> CorrelationResult:
    """Correlation of every pair of variables with r, n, p and confidence interval.

    Parameters
    ----------
    x : Survey or DataFrame
        A Survey gives its factor scores (``items=True``: its items).
    columns : list of str, optional
        Variables to correlate (default: all columns; all must be numeric).
        For a Survey: any of its factor codes, items and numeric columns
        (e.g. ``["EFF", "ACL", "years_experience"]``).
    method : {"pearson", "spearman"}
    adjust : {None, "holm", "fdr_bh", "bonferroni"}
        Adjustment of the p values over all pairs (``p_adj``); R
        ``p.adjust(p, "holm" | "BH" | "bonferroni")`` via statsmodels'
        ``multipletests``.
    nan_policy : {"pairwise", "listwise"}
        ``"pairwise"``: each pair uses the respondents who answered both
        (``n`` per pair); ``"listwise"``: respondents who answered every variable.
    confidence : float
        Level of the interval.
    items : bool
        For a Survey: correlate the items instead of the factor scores.

    Returns
    -------
    CorrelationResult
        ``to_frame()`` / ``.pairs``: ``x, y, n, r, ci_low, ci_high, t, p,
        p_adj, stars``; ``.matrix("r" | "p" | "p_adj" | "n")``;
        ``.apa_table(lang, convention="apa" | "thai")``.

    Notes
    -----
    Pearson: t = r sqrt((n-2)/(1-r^2)) on n-2 df, interval by Fisher's z with
    SE 1/sqrt(n-3): R ``cor.test(x, y)``.  Spearman: r of the mid-ranks, p from
    the same t approximation (R ``cor.test(x, y, method = "spearman", exact =
    FALSE)``, which R also uses whenever there are ties, as in all Likert data;
    for untied data with n < 1290 R's default is an exact p, which edu40 does
    not compute).  The Spearman interval uses Fisher's z with the
    Bonett & Wright (2000) SE sqrt((1 + r^2/2)/(n-3)); R's ``cor.test`` gives none.
    ``stars``: * p < .05, ** p < .01, *** p < .001 (on ``p_adj`` if adjusted).

    References
    ----------
    Fisher, R. A. (1921). On the "probable error" of a coefficient of
    correlation deduced from a small sample. *Metron*, 1, 3-32.
    Bonett, D. G., & Wright, T. A. (2000). Sample size requirements for
    estimating Pearson, Kendall and Spearman correlations. *Psychometrika*,
    65, 23-28.
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics*, 6, 65-70.
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery
    rate. *JRSS B*, 57, 289-300.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.correlations(survey, ["ACL", "EFF"])
    >>> res.to_frame()[["x", "y", "n", "r", "stars"]].round(3)
         x    y    n      r stars
    0  ACL  EFF  772  0.748   ***
    """
    check_choice("method", method, ("pearson", "spearman"))
    check_choice("adjust", adjust, tuple(_ADJUST))
    confidence = check_confidence(confidence)
    if isinstance(x, Survey) and columns is not None:
        frame = numeric_frame(survey_frame(x), columns, what="correlations")   # items, factors, other columns
    elif isinstance(x, Survey) and not items:
        frame = numeric_frame(x.factor_scores(), what="correlations")
    else:
        frame = numeric_frame(x, columns, what="correlations")
    check_columns(frame, what="correlations", min_n=3, min_columns=2)
    frame = apply_nan_policy(frame, nan_policy, what="correlations")
    if nan_policy == "listwise":
        check_columns(frame, what="correlations (complete cases)", min_n=3, min_columns=2)
    rows = []
    for a, b in combinations(frame.columns, 2):
        pair = frame[[a, b]].dropna()
        n = len(pair)
        if n < 4:
            raise StatsInputError(f"correlations: '{a}' and '{b}' were answered together by {n} respondent(s); "
                                  f"at least 4 are needed for a confidence interval")
        u, v = pair[a].to_numpy(), pair[b].to_numpy()
        for name, col in ((a, u), (b, v)):
            if np.ptp(col) == 0:
                raise StatsInputError(f"correlations: '{name}' is constant ({col[0]:g}) among the {n} respondents "
                                      f"who also answered '{b if name == a else a}'; r is undefined")
        if method == "pearson":
            res = stats.pearsonr(u, v)
            r = float(res.statistic)
            ci = res.confidence_interval(confidence)
            lo, hi = float(ci.low), float(ci.high)
        else:
            res = stats.spearmanr(u, v)
            r = float(res.statistic)
            lo, hi = _fisher_ci(r, confidence, np.sqrt((1 + r ** 2 / 2) / (n - 3)))
        t = r * np.sqrt((n - 2) / (1 - r ** 2)) if abs(r) < 1 else np.copysign(np.inf, r)
        rows.append({"x": a, "y": b, "n": n, "r": r, "ci_low": lo, "ci_high": hi, "t": float(t),
                     "p": float(res.pvalue)})
    pairs = pd.DataFrame(rows)
    pairs["n"] = pairs["n"].astype("int64")
    if adjust:
        pairs["p_adj"] = multipletests(pairs["p"].to_numpy(), method=_ADJUST[adjust])[1]
    else:
        pairs["p_adj"] = pairs["p"]
    pairs["stars"] = [stars(p) for p in pairs["p_adj"]]
    means = pd.DataFrame({"n": frame.notna().sum().astype("int64"), "mean": frame.mean(), "sd": frame.std(ddof=1)})
    return CorrelationResult(method=method, adjust=adjust, nan_policy=nan_policy, confidence=confidence,
                             variables=tuple(frame.columns), pairs=pairs, means=means)
