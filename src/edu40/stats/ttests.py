"""t-tests: independent samples (Welch or Student), one sample, paired.

The comparisons of Thai survey and training reports: directors vs teachers
(independent), "is this factor above 3.51, the 'high' band?" (one sample),
post-test vs pre-test (paired).  Computations are scipy's, verified against
R's ``t.test``, ``car::leveneTest``, ``shapiro.test`` and ``wilcox.test``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from ..core.i18n import check_language, pick
from ._inputs import StatsInputError, as_vector, check_choice, check_confidence, column_or_vector, survey_frame
from ..core.results import Result, fmt, fmt_p

__all__ = ["ttest", "paired_ttest", "TTestResult", "PairedTTestResult", "hedges_correction"]

_ALTERNATIVES = ("two-sided", "less", "greater")


def hedges_correction(df: float) -> float:
    """Small-sample correction J = 1 - 3 / (4 df - 1) of Hedges' g (Hedges & Olkin, 1985; Lakens, 2013, eq. 4)."""
    return 1 - 3 / (4 * df - 1)


def _cohen_label(d: float, lang) -> str:
    """Cohen's (1988) benchmarks for |d|: .2 small, .5 medium, .8 large."""
    a = abs(d)
    if a < 0.2:
        return pick("น้อยมาก", "negligible", lang)
    if a < 0.5:
        return pick("น้อย", "small", lang)
    if a < 0.8:
        return pick("ปานกลาง", "medium", lang)
    return pick("มาก", "large", lang)


def _sample(x, name: str) -> np.ndarray:
    v = as_vector(x, name)
    v = v[~np.isnan(v)]
    if len(v) < 3:
        raise StatsInputError(f"{name}: {len(v)} non-missing value(s); a t-test needs at least 3 per group")
    return v


@dataclass(frozen=True, eq=False)
class TTestResult(Result):
    """An independent-samples or one-sample t-test.

    ``diff`` is mean1 - mean2 (two samples) or mean1 - mu (one sample) and
    ``ci_low``/``ci_high`` its confidence interval (for one sample add ``mu``
    to get R's interval of the mean).  Levene fields are None for one sample.
    """

    TITLE = ("การทดสอบที (t-test)", "t-test")

    test: str
    alternative: str
    confidence: float
    group1: str
    group2: str | None
    n1: int
    n2: int | None
    mean1: float
    mean2: float | None
    sd1: float
    sd2: float | None
    mu: float | None
    diff: float
    se: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    cohen_d: float
    hedges_g: float
    levene_F: float | None = None
    levene_df1: int | None = None
    levene_df2: int | None = None
    levene_p: float | None = None
    levene_center: str | None = None

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        ci = f"{self.confidence:.0%} CI [{fmt(self.ci_low, 3)}, {fmt(self.ci_high, 3)}]"
        name = {"Welch": pick("Welch t-test (ไม่สมมติความแปรปรวนเท่ากัน)", "Welch two-sample t-test", lang),
                "Student": pick("t-test แบบสองกลุ่มอิสระ (สมมติความแปรปรวนเท่ากัน)", "Student two-sample t-test", lang),
                "one-sample": pick("t-test แบบกลุ่มเดียว", "one-sample t-test", lang)}[self.test]
        side = pick({"two-sided": "สองทาง", "less": "ทางเดียว: น้อยกว่า", "greater": "ทางเดียว: มากกว่า"}
                    .get(self.alternative, self.alternative), self.alternative, lang)
        lines = [f"{name}: t({fmt(self.df, 2)}) = {fmt(self.t, 3)}, {fmt_p(self.p)} ({side})"]
        if self.test == "one-sample":
            lines.append(pick(f"ค่าเฉลี่ย {fmt(self.mean1, 3)} เทียบกับเกณฑ์ {self.mu:g}: ผลต่าง {fmt(self.diff, 3)}, {ci}",
                              f"mean {fmt(self.mean1, 3)} vs criterion {self.mu:g}: difference {fmt(self.diff, 3)}, {ci}",
                              lang))
        else:
            lines.append(pick(f"{self.group1} (n = {self.n1}, M = {fmt(self.mean1, 3)}, SD = {fmt(self.sd1, 3)}) − "
                              f"{self.group2} (n = {self.n2}, M = {fmt(self.mean2, 3)}, SD = {fmt(self.sd2, 3)}): "
                              f"ผลต่าง {fmt(self.diff, 3)}, {ci}",
                              f"{self.group1} (n = {self.n1}, M = {fmt(self.mean1, 3)}, SD = {fmt(self.sd1, 3)}) − "
                              f"{self.group2} (n = {self.n2}, M = {fmt(self.mean2, 3)}, SD = {fmt(self.sd2, 3)}): "
                              f"difference {fmt(self.diff, 3)}, {ci}", lang))
        lines.append(f"Cohen's d = {fmt(self.cohen_d, 3)} ({_cohen_label(self.cohen_d, lang)}), "
                     f"Hedges' g = {fmt(self.hedges_g, 3)}")
        if self.levene_F is not None:
            centre = (pick("จุดศูนย์กลาง = ค่าเฉลี่ย แบบ SPSS", "center = mean, as SPSS", lang)
                      if self.levene_center == "mean" else
                      pick("จุดศูนย์กลาง = มัธยฐาน, Brown-Forsythe", "center = median, Brown-Forsythe", lang))
            lines.append(f"Levene ({centre}): F({self.levene_df1}, {self.levene_df2}) = {fmt(self.levene_F, 3)}, "
                         f"{fmt_p(self.levene_p)}")
        return "\n".join(lines)


def _two_groups(data, dv, group, order) -> tuple[np.ndarray, np.ndarray, str, str]:
    frame = survey_frame(data)
    if group not in frame.columns:
        raise StatsInputError(f"ttest: group={group!r} is not a column; columns: {list(frame.columns)}")
    y = column_or_vector(data, dv, "ttest")
    g = frame[group]
    levels = list(order) if order is not None else sorted(g.dropna().unique(), key=lambda v: (str(type(v)), v))
    if len(levels) != 2:
        raise StatsInputError(f"ttest: group={group!r} has {len(levels)} levels {levels}; a t-test compares two. "
                              f"Pick two with order=[...], or use edu40.anova")
    absent = [lv for lv in levels if not (g == lv).any()]
    if absent:
        raise StatsInputError(f"ttest: level(s) {absent} do not occur in column {group!r}")
    a = y[(g == levels[0]).to_numpy()]
    b = y[(g == levels[1]).to_numpy()]
    return a, b, str(levels[0]), str(levels[1])


def ttest(a, b=None, *, mu: float | None = None, equal_var: bool = False, dv: str | None = None,
          group: str | None = None, order=None, alternative: str = "two-sided", confidence: float = 0.95,
          center: str = "mean") -> TTestResult:
    """Independent-samples t-test (Welch by default, or Student), or one-sample t-test against ``mu``.

    Parameters
    ----------
    a, b : array-like
        The two samples (missing values are dropped from each).  Or ``a`` is a
        DataFrame/Survey and ``dv``/``group`` name the outcome column (a
        Survey factor code such as ``"ACL"`` is its factor score) and a
        grouping column with two levels.
    mu : float, optional
        One-sample test of mean(a) = mu (e.g. 3.51, the lower limit of the
        "high" band); give no ``b``.
    equal_var : bool
        False (default): Welch's test with Welch-Satterthwaite df (R's
        ``t.test`` default).  True: Student's pooled-variance test
        (``var.equal = TRUE``).
    order : sequence of 2, optional
        Which two levels of ``group``, in which order (default: sorted, as R's
        factor levels).
    alternative : {"two-sided", "less", "greater"}
        For mean1 - mean2 (or mean - mu).
    confidence : float
        Level of the interval of the difference.
    center : {"mean", "median"}
        Levene's test centre: ``"mean"`` (default) is SPSS's "Levene's Test
        for Equality of Variances" and ``car::leveneTest(y ~ g, center =
        mean)``; ``"median"`` is the Brown-Forsythe variant (car's default).

    Returns
    -------
    TTestResult
        ``t, df, p, diff, se, ci_low, ci_high, cohen_d, hedges_g``, group
        sizes, means and SDs, and Levene's ``levene_F, levene_df1, levene_df2,
        levene_p``.  Cohen's d_s = (mean1 - mean2) / s_pooled with
        s_pooled^2 = ((n1-1) s1^2 + (n2-1) s2^2) / (n1+n2-2) (Lakens, 2013,
        eq. 1; also for Welch's test); one sample: d = (mean - mu) / s.
        Hedges' g = d (1 - 3 / (4 df - 1)), df = n1+n2-2 or n-1 (Lakens, 2013,
        eq. 4).

    Notes
    -----
    Agrees with R ``t.test(a, b)`` (Welch), ``t.test(a, b, var.equal = TRUE)``,
    ``t.test(a, mu = mu)`` and ``car::leveneTest(y ~ g, center = mean)``.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when
    several different population variances are involved. *Biometrika*, 34, 28-35.
    Levene, H. (1960). Robust tests for equality of variances. In I. Olkin
    (Ed.), *Contributions to probability and statistics* (pp. 278-292).
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science. *Frontiers in Psychology*, 4, 863.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.ttest(survey, dv="ACL", group="role", order=["director", "teacher"])
    >>> round(res.t, 2), round(res.df, 1), res.p < .001
    (3.48, 276.2, True)
    >>> res = edu40.ttest(survey.factor_scores()["ACL"], mu=3.51, alternative="greater")
    >>> round(res.diff, 3), res.p < .001
    (0.43, True)
    """
    check_choice("alternative", alternative, _ALTERNATIVES)
    check_choice("center", center, ("mean", "median"))
    confidence = check_confidence(confidence)
    if dv is not None or group is not None:
        if dv is None or group is None or b is not None:
            raise ValueError("give dv= and group= together (with a DataFrame or Survey as the first argument), "
                             "or two samples a and b")
        a, b, name1, name2 = _two_groups(a, dv, group, order)
    else:
        name1 = str(getattr(a, "name", None) or "a")
        name2 = str(getattr(b, "name", None) or "b")
    if b is None:
        if mu is None:
            raise ValueError("give a second sample b, or mu= for a one-sample test")
        return _one_sample(_sample(a, name1), float(mu), name1, alternative, confidence)
    if mu is not None:
        raise ValueError("mu= is for the one-sample test; do not give b with it")
    x, y = _sample(a, name1), _sample(b, name2)
    for v, name in ((x, name1), (y, name2)):
        if np.ptp(v) == 0:
            raise StatsInputError(f"ttest: every value of {name} is {v[0]:g}; its variance is 0, so the "
                                  f"t statistic is not defined")
    res = stats.ttest_ind(x, y, equal_var=equal_var, alternative=alternative)
    ci = res.confidence_interval(confidence)
    n1, n2 = len(x), len(y)
    s1, s2 = x.std(ddof=1), y.std(ddof=1)
    diff = x.mean() - y.mean()
    sp = np.sqrt(((n1 - 1) * s1 ** 2 + (n2 - 1) * s2 ** 2) / (n1 + n2 - 2))
    d = diff / sp
    # SE of the difference directly (not diff / t, which is 0/0 when the means are equal)
    se = sp * np.sqrt(1 / n1 + 1 / n2) if equal_var else np.sqrt(s1 ** 2 / n1 + s2 ** 2 / n2)
    lev = stats.levene(x, y, center=center)
    return TTestResult(
        test="Student" if equal_var else "Welch", alternative=alternative, confidence=confidence,
        group1=name1, group2=name2, n1=n1, n2=n2, mean1=float(x.mean()), mean2=float(y.mean()),
        sd1=float(s1), sd2=float(s2), mu=None, diff=float(diff), se=float(se),
        t=float(res.statistic), df=float(res.df), p=float(res.pvalue), ci_low=float(ci.low),
        ci_high=float(ci.high), cohen_d=float(d), hedges_g=float(d * hedges_correction(n1 + n2 - 2)),
        levene_F=float(lev.statistic), levene_df1=1, levene_df2=n1 + n2 - 2, levene_p=float(lev.pvalue),
        levene_center=center)


def _one_sample(x: np.ndarray, mu: float, name: str, alternative: str, confidence: float) -> TTestResult:
    if np.ptp(x) == 0:
        raise StatsInputError(f"ttest: every value of {name} is {x[0]:g}; its variance is 0, so the t statistic "
                              f"is not defined")
    res = stats.ttest_1samp(x, popmean=mu, alternative=alternative)
    ci = res.confidence_interval(confidence)
    n = len(x)
    s = x.std(ddof=1)
    diff = x.mean() - mu
    d = diff / s
    return TTestResult(
        test="one-sample", alternative=alternative, confidence=confidence, group1=name, group2=None, n1=n,
        n2=None, mean1=float(x.mean()), mean2=None, sd1=float(s), sd2=None, mu=mu, diff=float(diff),
        se=float(s / np.sqrt(n)), t=float(res.statistic), df=float(res.df), p=float(res.pvalue),
        ci_low=float(ci.low - mu), ci_high=float(ci.high - mu), cohen_d=float(d),
        hedges_g=float(d * hedges_correction(n - 1)))


@dataclass(frozen=True, eq=False)
class PairedTTestResult(Result):
    """A paired t-test of post - pre, with the normality check and the non-parametric alternative."""

    TITLE = ("การทดสอบทีแบบไม่อิสระ (paired t-test)", "Paired t-test")

    alternative: str
    confidence: float
    n: int
    n_dropped: int
    mean_pre: float
    mean_post: float
    sd_pre: float
    sd_post: float
    r_pre_post: float | None
    diff: float
    sd_diff: float
    se: float
    t: float
    df: int
    p: float
    ci_low: float
    ci_high: float
    cohen_dz: float
    shapiro_W: float
    shapiro_p: float
    wilcoxon_V: float
    wilcoxon_p: float
    wilcoxon_method: str

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        ci = f"{self.confidence:.0%} CI [{fmt(self.ci_low, 3)}, {fmt(self.ci_high, 3)}]"
        head = pick("t-test แบบไม่อิสระ (หลัง − ก่อน)", "paired t-test (post − pre)", lang)
        lines = [f"{head}: t({self.df}) = {fmt(self.t, 3)}, {fmt_p(self.p)} ({self.alternative})",
                 pick(f"ก่อน M = {fmt(self.mean_pre, 3)} (SD {fmt(self.sd_pre, 3)}), หลัง M = {fmt(self.mean_post, 3)} "
                      f"(SD {fmt(self.sd_post, 3)}); ผลต่างเฉลี่ย {fmt(self.diff, 3)}, {ci}; n = {self.n} คู่",
                      f"pre M = {fmt(self.mean_pre, 3)} (SD {fmt(self.sd_pre, 3)}), post M = {fmt(self.mean_post, 3)} "
                      f"(SD {fmt(self.sd_post, 3)}); mean difference {fmt(self.diff, 3)}, {ci}; n = {self.n} pairs",
                      lang) + (pick(f" (ตัดคู่ที่ข้อมูลไม่ครบ {self.n_dropped} คู่)",
                                    f" ({self.n_dropped} incomplete pair(s) left out)", lang) if self.n_dropped else ""),
                 f"Cohen's d_z = {fmt(self.cohen_dz, 3)} ({_cohen_label(self.cohen_dz, lang)})",
                 f"Shapiro-Wilk ({pick('ผลต่าง', 'differences', lang)}): W = {fmt(self.shapiro_W, 4)}, {fmt_p(self.shapiro_p)}; "
                 f"Wilcoxon signed-rank: V = {self.wilcoxon_V:g}, {fmt_p(self.wilcoxon_p)} ({self.wilcoxon_method})"]
        return "\n".join(lines)


def paired_ttest(pre, post, *, data=None, alternative: str = "two-sided",
                 confidence: float = 0.95) -> PairedTTestResult:
    """Paired t-test of post - pre, with Cohen's d_z, Shapiro-Wilk and Wilcoxon signed-rank.

    Parameters
    ----------
    pre, post : array-like, or column names of ``data``
        Scores of the same people before and after.  Pairs with a missing
        value are left out (``n_dropped`` says how many).
    data : DataFrame, optional
        Table holding the ``pre`` and ``post`` columns.
    alternative : {"two-sided", "less", "greater"}
        For the mean of post - pre ("greater": post-test higher).
    confidence : float

    Returns
    -------
    PairedTTestResult
        ``t, df, p, diff`` (mean of post - pre), ``ci_low, ci_high``,
        ``cohen_dz`` = mean(d) / sd(d) (Lakens, 2013, eq. 6); ``shapiro_W,
        shapiro_p`` of the differences; ``wilcoxon_V`` (sum of the ranks of
        the positive differences, zeros dropped) and ``wilcoxon_p``: exact
        when fewer than 50 non-zero differences without ties or zeros, else
        the normal approximation with continuity and tie correction -- R's
        rule.

    Notes
    -----
    Agrees with R ``t.test(post, pre, paired = TRUE)``,
    ``shapiro.test(post - pre)`` and ``wilcox.test(post, pre, paired = TRUE)``.

    References
    ----------
    Lakens, D. (2013). *Frontiers in Psychology*, 4, 863.
    Shapiro, S. S., & Wilk, M. B. (1965). *Biometrika*, 52, 591-611.
    Wilcoxon, F. (1945). Individual comparisons by ranking methods.
    *Biometrics Bulletin*, 1, 80-83.

    Examples
    --------
    >>> import edu40
    >>> t = edu40.datasets.load_em40_training()
    >>> t["pre"] = t.filter(like="pre_K").sum(axis=1)
    >>> t["post"] = t.filter(like="post_K").sum(axis=1, min_count=1)
    >>> res = edu40.paired_ttest("pre", "post", data=t)
    >>> res.n, res.n_dropped, round(res.diff, 2), res.p < .001
    (82, 2, 5.04, True)
    """
    check_choice("alternative", alternative, _ALTERNATIVES)
    confidence = check_confidence(confidence)
    if data is not None:
        x, y = column_or_vector(data, pre, "paired_ttest"), column_or_vector(data, post, "paired_ttest")
    else:
        x, y = as_vector(pre, "pre"), as_vector(post, "post")
    if len(x) != len(y):
        raise StatsInputError(f"paired_ttest: pre has {len(x)} values and post {len(y)}; pairs must line up")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = len(x)
    if n < 3:
        raise StatsInputError(f"paired_ttest: {n} complete pair(s); at least 3 are needed")
    d = y - x
    if np.ptp(d) == 0:
        raise StatsInputError(f"paired_ttest: every difference post - pre is {d[0]:g}; the SD of the differences "
                              f"is 0, so t is not defined")
    res = stats.ttest_rel(y, x, alternative=alternative)
    ci = res.confidence_interval(confidence)
    sw = stats.shapiro(d)
    v, wp, method = _wilcoxon(d, alternative)
    return PairedTTestResult(
        alternative=alternative, confidence=confidence, n=n, n_dropped=int((~keep).sum()),
        mean_pre=float(x.mean()), mean_post=float(y.mean()), sd_pre=float(x.std(ddof=1)),
        sd_post=float(y.std(ddof=1)),
        r_pre_post=float(np.corrcoef(x, y)[0, 1]) if np.ptp(x) and np.ptp(y) else None,   # undefined if constant
        diff=float(d.mean()), sd_diff=float(d.std(ddof=1)), se=float(d.std(ddof=1) / np.sqrt(n)),
        t=float(res.statistic), df=int(res.df), p=float(res.pvalue), ci_low=float(ci.low), ci_high=float(ci.high),
        cohen_dz=float(d.mean() / d.std(ddof=1)), shapiro_W=float(sw.statistic), shapiro_p=float(sw.pvalue),
        wilcoxon_V=v, wilcoxon_p=wp, wilcoxon_method=method)


def _wilcoxon(d: np.ndarray, alternative: str) -> tuple[float, float, str]:
    """R's ``wilcox.test(paired = TRUE)``: V and p, exact or normal approximation by R's rule."""
    nz = d[d != 0]
    if len(nz) == 0:  # pragma: no cover - excluded by the ptp check above
        raise StatsInputError("paired_ttest: every difference is 0")
    ranks = stats.rankdata(np.abs(nz))
    v = float(ranks[nz > 0].sum())
    ties = len(np.unique(np.abs(nz))) < len(nz)
    exact = len(nz) < 50 and not ties and len(nz) == len(d)
    res = stats.wilcoxon(nz, zero_method="wilcox", correction=True, alternative=alternative,
                         method="exact" if exact else "asymptotic")
    method = "exact" if exact else "normal approximation, continuity-corrected"
    return v, float(res.pvalue), method
