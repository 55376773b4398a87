"""One-way analysis of variance with post hoc comparisons.

Comparing a factor score across roles, regions or school sizes: the classic
F test, Welch's test for unequal variances (R ``oneway.test``), eta and omega
squared, Levene's test to choose between them, and Tukey HSD (equal
variances) or Games-Howell (unequal variances) pairwise comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.oneway import anova_oneway

from ..core.i18n import check_language, pick
from ._inputs import StatsInputError, check_confidence, column_or_vector, survey_frame
from ..core.results import Result, fmt, fmt_p

__all__ = ["anova", "AnovaResult"]


@dataclass(frozen=True, eq=False)
class AnovaResult(Result):
    """One-way ANOVA, classic and Welch, with effect sizes and post hoc tables."""

    TITLE = ("การวิเคราะห์ความแปรปรวนทางเดียว (One-way ANOVA)", "One-way ANOVA")

    dv: str
    between: str
    n: int
    k: int
    F: float
    df1: int
    df2: int
    p: float
    eta_sq: float
    omega_sq: float
    welch_F: float
    welch_df1: float
    welch_df2: float
    welch_p: float
    levene_F: float
    levene_p: float
    confidence: float
    groups: pd.DataFrame
    table: pd.DataFrame
    tukey: pd.DataFrame
    games_howell: pd.DataFrame

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        head = pick(f"การวิเคราะห์ความแปรปรวนทางเดียว: {self.dv} จำแนกตาม {self.between} ({self.k} กลุ่ม, n = {self.n})",
                    f"One-way ANOVA of {self.dv} by {self.between} ({self.k} groups, n = {self.n})", lang)
        advice = (pick("ความแปรปรวนไม่เท่ากัน (Levene p < .05): ใช้ Welch และ Games-Howell",
                       "variances differ (Levene p < .05): read Welch and Games-Howell", lang)
                  if self.levene_p < 0.05 else
                  pick("ความแปรปรวนไม่แตกต่างกัน (Levene p ≥ .05): ใช้ F และ Tukey HSD",
                       "no evidence of unequal variances (Levene p >= .05): read F and Tukey HSD", lang))
        return "\n".join([
            head,
            f"F({self.df1}, {self.df2}) = {fmt(self.F, 3)}, {fmt_p(self.p)}; "
            f"η² = {fmt(self.eta_sq, 3)}, ω² = {fmt(self.omega_sq, 3)}",
            f"Welch: F({fmt(self.welch_df1, 0)}, {fmt(self.welch_df2, 2)}) = {fmt(self.welch_F, 3)}, {fmt_p(self.welch_p)}",
            "Levene (" + pick("จุดศูนย์กลาง = ค่าเฉลี่ย", "center = mean", lang) + f"): F({self.df1}, {self.df2}) = {fmt(self.levene_F, 3)}, {fmt_p(self.levene_p)}; {advice}",
        ])

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        return {pick("กลุ่ม", "groups", lang): self.groups, "ANOVA": self.table, "Tukey HSD": self.tukey,
                "Games-Howell": self.games_howell}

    def to_frame(self) -> pd.DataFrame:
        """Both omnibus tests as rows: ``test, statistic, df1, df2, p``."""
        return pd.DataFrame({"test": ["F", "Welch", "Levene"],
                             "statistic": [self.F, self.welch_F, self.levene_F],
                             "df1": [float(self.df1), self.welch_df1, float(self.df1)],
                             "df2": [float(self.df2), self.welch_df2, float(self.df2)],
                             "p": [self.p, self.welch_p, self.levene_p]})


def _groups(data, dv, between) -> tuple[list, list[np.ndarray]]:
    frame = survey_frame(data)
    if between not in frame.columns:
        raise StatsInputError(f"anova: between={between!r} is not a column; columns: {list(frame.columns)}")
    y = column_or_vector(data, dv, "anova")
    g = frame[between]
    if isinstance(g.dtype, pd.CategoricalDtype):
        levels = [lv for lv in g.cat.categories if (g == lv).any()]
    else:
        levels = sorted(g.dropna().unique(), key=lambda v: (str(type(v)), v))
    samples = []
    for lv in levels:
        v = y[(g == lv).to_numpy()]
        v = v[~np.isnan(v)]
        if len(v) < 2:
            raise StatsInputError(f"anova: group {between}={lv!r} has {len(v)} non-missing value(s) of {dv!r}; "
                                  f"each group needs at least 2 (a variance). Merge or drop the group")
        if np.ptp(v) == 0:
            raise StatsInputError(f"anova: every value of {dv!r} in group {between}={lv!r} is {v[0]:g}; a group "
                                  f"with variance 0 makes Welch's test and Games-Howell undefined")
        samples.append(v)
    if len(samples) < 2:
        raise StatsInputError(f"anova: {between!r} has {len(samples)} group(s) with data; at least 2 are needed")
    if sum(len(v) for v in samples) < 3:  # pragma: no cover - implied by 2 groups of 2
        raise StatsInputError("anova: fewer than 3 observations")
    return levels, samples


def games_howell(levels, samples, confidence: float = 0.95) -> pd.DataFrame:
    """Games-Howell pairwise comparisons (unequal variances and group sizes).

    For groups i, j: se = sqrt(s_i^2/n_i + s_j^2/n_j), Welch df
    nu = se^4 / ((s_i^2/n_i)^2/(n_i-1) + (s_j^2/n_j)^2/(n_j-1)), t = diff / se,
    p = P(Q_{k,nu} > sqrt(2) |t|) from the studentized range distribution, and
    the interval diff -/+ q_{1-a; k, nu} / sqrt(2) * se (Games & Howell, 1976).
    Pairs and signs as R's ``TukeyHSD``: ``diff`` = mean(group1) - mean(group2)
    with group1 the later level.
    """
    k = len(samples)
    rows = []
    for i, j in combinations(range(k), 2):
        a, b = samples[i], samples[j]
        va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        diff = b.mean() - a.mean()
        t = diff / se
        q = stats.studentized_range.ppf(confidence, k, df)
        rows.append({"group1": levels[j], "group2": levels[i], "diff": diff, "se": se, "t": t, "df": df,
                     "ci_low": diff - q / np.sqrt(2) * se, "ci_high": diff + q / np.sqrt(2) * se,
                     "p_adj": float(stats.studentized_range.sf(abs(t) * np.sqrt(2), k, df))})
    return pd.DataFrame(rows)


def _tukey(levels, samples, ms_within: float, confidence: float) -> pd.DataFrame:
    res = stats.tukey_hsd(*samples)
    ci = res.confidence_interval(confidence)
    rows = []
    for i, j in combinations(range(len(samples)), 2):
        # scipy's statistic[j, i] is mean_j - mean_i: R's "level_j-level_i" row
        rows.append({"group1": levels[j], "group2": levels[i], "diff": float(res.statistic[j, i]),
                     "se": float(np.sqrt(ms_within * (1 / len(samples[i]) + 1 / len(samples[j])))),
                     "ci_low": float(ci.low[j, i]), "ci_high": float(ci.high[j, i]),
                     "p_adj": float(res.pvalue[j, i])})
    return pd.DataFrame(rows)


def anova(data, dv: str, between: str, *, confidence: float = 0.95, lang: str | None = None) -> AnovaResult:
    """One-way ANOVA of ``dv`` across the groups of ``between``, classic and Welch, with post hoc tests.

    Parameters
    ----------
    data : DataFrame or Survey
        With a Survey, ``dv`` may be a factor code (its factor score) or an item.
    dv : str
        Outcome column.
    between : str
        Grouping column (3 or more groups is the usual case; 2 also work).
        Groups are ordered as R's factor levels (sorted, or the categories of
        a categorical column); rows with a missing group or dv are left out.
    confidence : float
        Level of the post hoc intervals.
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).

    Returns
    -------
    AnovaResult
        ``F, df1, df2, p``; ``eta_sq`` = SS_between / SS_total; ``omega_sq`` =
        (SS_between - (k-1) MS_within) / (SS_total + MS_within); Welch's
        ``welch_F, welch_df1, welch_df2, welch_p`` (Welch, 1951); Levene's test
        with center = mean (SPSS); tables ``groups`` (n, mean, sd), ``table``
        (SS, df, MS, F, p), ``tukey`` (Tukey-Kramer HSD) and ``games_howell``
        (see :func:`games_howell`), each with ``group1, group2, diff, se,
        ci_low, ci_high, p_adj`` and ``diff`` = mean(group1) - mean(group2).

    Notes
    -----
    Agrees with R ``summary(aov(dv ~ g))``, ``oneway.test(dv ~ g)``,
    ``TukeyHSD(aov(dv ~ g))`` and ``car::leveneTest(dv ~ g, center = mean)``.
    Games-Howell agrees with the formula above evaluated with R's ``ptukey``
    and ``qtukey``.

    References
    ----------
    Welch, B. L. (1951). On the comparison of several mean values: An
    alternative approach. *Biometrika*, 38, 330-336.
    Tukey, J. W. (1949). Comparing individual means in the analysis of
    variance. *Biometrics*, 5, 99-114; Kramer, C. Y. (1956). *Biometrics*, 12, 307-310.
    Games, P. A., & Howell, J. F. (1976). Pairwise multiple comparison
    procedures with unequal n's and/or variances. *Journal of Educational
    Statistics*, 1, 113-125.
    Olejnik, S., & Algina, J. (2003). Generalized eta and omega squared
    statistics. *Psychological Methods*, 8, 434-447.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.anova(survey, dv="ACL", between="role")
    >>> res.df1, res.df2, round(res.F, 2), round(res.eta_sq, 3)
    (2, 769, 6.58, 0.017)
    >>> res.tukey[["group1", "group2", "diff", "p_adj"]].round(3)
         group1           group2   diff  p_adj
    0  director  deputy_director  0.043  0.929
    1   teacher  deputy_director -0.219  0.085
    2   teacher         director -0.263  0.003
    """
    confidence = check_confidence(confidence)
    lang = check_language(lang)
    levels, samples = _groups(data, dv, between)
    k = len(samples)
    allv = np.concatenate(samples)
    n = len(allv)
    if n - k < 1:
        raise StatsInputError(f"anova: {n} observations in {k} groups leave no degrees of freedom within groups")
    grand = allv.mean()
    ss_b = float(sum(len(v) * (v.mean() - grand) ** 2 for v in samples))
    ss_w = float(sum(((v - v.mean()) ** 2).sum() for v in samples))
    ss_t = ss_b + ss_w
    df1, df2 = k - 1, n - k
    ms_b, ms_w = ss_b / df1, ss_w / df2
    f = ms_b / ms_w
    p = float(stats.f.sf(f, df1, df2))
    welch = anova_oneway(allv, np.repeat(np.arange(k), [len(v) for v in samples]), use_var="unequal",
                         welch_correction=True)
    lev = stats.levene(*samples, center="mean")
    groups = pd.DataFrame({"group": levels, "n": [len(v) for v in samples], "mean": [v.mean() for v in samples],
                           "sd": [v.std(ddof=1) for v in samples]})
    table = pd.DataFrame({"source": [pick("ระหว่างกลุ่ม", "between groups", lang), pick("ภายในกลุ่ม", "within groups", lang),
                                     pick("รวม", "total", lang)],
                          "ss": [ss_b, ss_w, ss_t], "df": [df1, df2, n - 1], "ms": [ms_b, ms_w, np.nan],
                          "F": [f, np.nan, np.nan], "p": [p, np.nan, np.nan]})
    return AnovaResult(
        dv=str(dv), between=str(between), n=n, k=k, F=float(f), df1=df1, df2=df2, p=p, eta_sq=ss_b / ss_t,
        omega_sq=(ss_b - df1 * ms_w) / (ss_t + ms_w), welch_F=float(welch.statistic),
        welch_df1=float(welch.df[0]), welch_df2=float(welch.df[1]), welch_p=float(welch.pvalue),
        levene_F=float(lev.statistic), levene_p=float(lev.pvalue), confidence=confidence, groups=groups,
        table=table, tukey=_tukey(levels, samples, ms_w, confidence),
        games_howell=games_howell(levels, samples, confidence))
