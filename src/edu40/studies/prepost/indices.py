"""The indices of a training evaluation, each usable on its own.

* effect sizes of a paired design: Cohen's d_z and Hedges' g_av with
  confidence intervals (Lakens, 2013);
* Hake's (1998) normalized gain, class average and per participant;
* the effectiveness index E.I. (Goodman, Fletcher & Schneider, 1980);
* the efficiency E1/E2 of a training or instructional package against a
  criterion such as 80/80 (Brahmawong, 1977; 2013).
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from ...stats._inputs import StatsInputError, as_vector
from ...stats.ttests import hedges_correction

__all__ = ["paired_effect_sizes", "normalized_gain", "effectiveness_index", "efficiency_e1e2", "hake_level"]


def _pairs(pre, post, what: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = as_vector(pre, "pre"), as_vector(post, "post")
    if len(x) != len(y):
        raise StatsInputError(f"{what}: pre has {len(x)} values and post {len(y)}; pairs must line up")
    if np.isnan(x).any() or np.isnan(y).any():
        raise StatsInputError(f"{what}: missing scores; give complete pairs (edu40.prepost lists and excludes "
                              f"incomplete ones)")
    return x, y


def _check_full(x, y, full_score, what: str) -> float:
    full = float(full_score)
    if not np.isfinite(full) or full <= 0:
        raise StatsInputError(f"{what}: full_score must be a positive number, not {full_score!r}")
    for v, name in ((x, "pre"), (y, "post")):
        if (v < 0).any() or (v > full + 1e-9).any():
            bad = v[(v < 0) | (v > full + 1e-9)][0]
            raise StatsInputError(f"{what}: a {name} score of {bad:g} is outside 0..{full:g} (the full score)")
    return full


def _ncp_interval(t: float, df: float, confidence: float) -> tuple[float, float]:
    """Confidence limits of the noncentrality parameter of a t statistic (Steiger & Fouladi, 1997).

    lambda_L solves P(T <= t | df, lambda_L) = 1 - a/2 and lambda_U solves
    P(T <= t | df, lambda_U) = a/2, T noncentral t; the cdf falls as lambda grows.
    """
    a = 1 - confidence

    def root(p):
        f = lambda lam: stats.nct.cdf(t, df, lam) - p  # noqa: E731
        width = 5.0 * np.sqrt(1 + t * t / (2 * df))
        lo, hi = t - width, t + width
        for _ in range(60):
            if f(lo) > 0 > f(hi):
                return optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12, maxiter=500)
            lo, hi = lo - width, hi + width
        raise StatsInputError(f"no confidence limit found for the noncentrality of t = {t:g}, df = {df:g}")

    return float(root(1 - a / 2)), float(root(a / 2))


def paired_effect_sizes(pre, post, *, confidence: float = 0.95) -> dict:
    """Cohen's d_z and Hedges' g_av of a paired design, with confidence intervals.

    Parameters
    ----------
    pre, post : array-like
        Complete pairs of scores.
    confidence : float
        Level of the intervals.

    Returns
    -------
    dict
        ``cohen_dz, dz_ci_low, dz_ci_high, cohen_dav, hedges_gav, gav_ci_low,
        gav_ci_high, hedges_J``.

    Notes
    -----
    With D = post - pre, n pairs, t = M_D / (S_D / sqrt(n)) on df = n - 1:

    * d_z = M_D / S_D = t / sqrt(n) (Lakens, 2013, eq. 6-7).  Its interval is
      exact under normality: [lambda_L, lambda_U] / sqrt(n), the limits of the
      noncentrality parameter of the observed t (Steiger & Fouladi, 1997;
      Cumming & Finch, 2001), the construction of ``MBESS::ci.sm``; the
      tests check it against the same construction written out in R
      (``uniroot`` on ``pt(t, df, ncp)``).
    * d_av = M_D / ((S_pre + S_post) / 2) (Lakens, 2013, eq. 10), the mean
      difference in units of the average SD of the two measurements, which
      does not grow with the pre-post correlation and so compares with
      between-subjects d.  g_av = d_av J with Hedges' correction
      J = 1 - 3 / (4 (n1 + n2) - 9), n1 = n2 = n (Lakens, 2013, eq. 4, used
      for g_av as in his supplementary spreadsheet).
    * The g_av interval is J [lambda_L, lambda_U] S_D / (sqrt(n) S_av): the
      noncentral-t interval of Algina & Keselman (2003) for a paired
      standardized difference, with Lakens's average SD S_av in place of their
      root-mean-square SD.  It treats S_D / S_av as known, so it is
      approximate (good coverage for n >= 20 in their simulations).

    References
    ----------
    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
    cumulative science: a practical primer for t-tests and ANOVAs.
    *Frontiers in Psychology*, 4, 863.
    Algina, J., & Keselman, H. J. (2003). Approximate confidence intervals for
    effect sizes. *Educational and Psychological Measurement*, 63, 537-553.
    Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval
    estimation and the evaluation of statistical models. In L. Harlow et al.
    (Eds.), *What if there were no significance tests?* (pp. 221-257).
    Cumming, G., & Finch, S. (2001). A primer on the understanding, use, and
    calculation of confidence intervals that are based on central and
    noncentral distributions. *Educational and Psychological Measurement*,
    61, 532-574.

    Examples
    --------
    >>> from edu40 import paired_effect_sizes
    >>> pre = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]     # R's sleep data
    >>> post = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> es = paired_effect_sizes(pre, post)
    >>> round(es["cohen_dz"], 4), round(es["dz_ci_low"], 4), round(es["dz_ci_high"], 4)
    (1.2846, 0.4146, 2.118)
    >>> round(es["hedges_gav"], 4), round(es["gav_ci_low"], 4), round(es["gav_ci_high"], 4)
    (0.7983, 0.2577, 1.3162)
    """
    x, y = _pairs(pre, post, "paired_effect_sizes")
    n = len(x)
    if n < 3:
        raise StatsInputError(f"paired_effect_sizes: {n} pair(s); at least 3 are needed")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    d = y - x
    md, sd_d = float(d.mean()), float(d.std(ddof=1))
    if sd_d == 0:
        raise StatsInputError(f"paired_effect_sizes: every difference is {d[0]:g}; d_z is undefined")
    s_av = (float(x.std(ddof=1)) + float(y.std(ddof=1))) / 2
    if s_av == 0:
        raise StatsInputError("paired_effect_sizes: pre and post scores are both constant; d_av is undefined")
    dz = md / sd_d
    lam_lo, lam_hi = _ncp_interval(dz * np.sqrt(n), n - 1, confidence)
    j = hedges_correction(2 * n - 2)   # = 1 - 3 / (4 (n + n) - 9)
    dav = md / s_av
    scale = sd_d / (np.sqrt(n) * s_av)
    out = {"cohen_dz": dz, "dz_ci_low": lam_lo / np.sqrt(n), "dz_ci_high": lam_hi / np.sqrt(n),
           "cohen_dav": dav, "hedges_gav": dav * j, "gav_ci_low": j * lam_lo * scale,
           "gav_ci_high": j * lam_hi * scale, "hedges_J": j}
    return {k: float(v) for k, v in out.items()}


def hake_level(g: float, lang: str = "en") -> str | None:
    """Hake's (1998) bands of the normalized gain: high >= .7, medium .3-.7, low < .3."""
    if g is None or not np.isfinite(g):
        return None
    th = lang == "th"
    if g >= 0.7:
        return "สูง" if th else "high"
    if g >= 0.3:
        return "ปานกลาง" if th else "medium"
    return "ต่ำ" if th else "low"


def normalized_gain(pre, post, full_score: float, *, per_participant: bool = False):
    """Hake's normalized gain: the share of the possible improvement that was achieved.

    Parameters
    ----------
    pre, post : array-like
        Complete pairs of scores, each between 0 and ``full_score``.
    full_score : float
        The maximum possible score.
    per_participant : bool
        Return each participant's gain g_i (an array; NaN for a participant
        whose pre score is already full, for whom no gain is possible).

    Returns
    -------
    float or ndarray
        The class-average gain <g> = (%post - %pre) / (100 - %pre) of the
        class means (Hake, 1998), or the individual gains
        g_i = (post_i - pre_i) / (full - pre_i).

    Notes
    -----
    <g> is computed from the class averages, so it equals the effectiveness
    index :func:`effectiveness_index` of the same pairs.  The mean of the
    individual g_i (Hake's "average normalized gain" of single students,
    Bao, 2006) is a different number; :func:`edu40.prepost` reports both.
    Hake's bands: high g >= .7, medium .3 <= g < .7, low g < .3.

    References
    ----------
    Hake, R. R. (1998). Interactive-engagement versus traditional methods: a
    six-thousand-student survey of mechanics test data for introductory
    physics courses. *American Journal of Physics*, 66, 64-74.
    Bao, L. (2006). Theoretical comparisons of average normalized gain
    calculations. *American Journal of Physics*, 74, 917-922.

    Examples
    --------
    >>> from edu40 import normalized_gain
    >>> round(normalized_gain([10, 12, 8, 20], [18, 20, 12, 20], 20), 4)
    0.6667
    >>> normalized_gain([10, 12, 8, 20], [18, 20, 12, 20], 20, per_participant=True)
    array([0.8       , 1.        , 0.33333333,        nan])
    """
    x, y = _pairs(pre, post, "normalized_gain")
    full = _check_full(x, y, full_score, "normalized_gain")
    if per_participant:
        room = full - x
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(room > 0, (y - x) / np.where(room > 0, room, 1), np.nan)
    room = full - x.mean()
    if room <= 0:
        raise StatsInputError("normalized_gain: every pre-test score is already the full score; no gain is possible")
    return float((y.mean() - x.mean()) / room)


def effectiveness_index(pre, post, full_score: float) -> float:
    """Effectiveness index E.I. = (sum post - sum pre) / (N x full score - sum pre).

    The gain achieved as a share of the gain that was possible (Goodman,
    Fletcher & Schneider, 1980): E.I. = .65 reads "participants' knowledge
    rose by 65 % of what they could still learn".  Thai evaluations usually
    require E.I. >= .50.  Algebraically E.I. is Hake's class-average
    normalized gain (divide numerator and denominator by N x full score).

    Parameters
    ----------
    pre, post : array-like
        Complete pairs of scores.
    full_score : float
        Maximum possible score of the test.

    Returns
    -------
    float

    References
    ----------
    Goodman, R. I., Fletcher, K. A., & Schneider, E. W. (1980). The
    effectiveness index as a comparative measure in media product evaluation.
    *Educational Technology*, 20(9), 30-34.

    Examples
    --------
    >>> from edu40 import effectiveness_index
    >>> round(effectiveness_index([10, 12, 8, 20], [18, 20, 12, 20], 20), 4)     # (70 - 50) / (4 x 20 - 50)
    0.6667
    """
    x, y = _pairs(pre, post, "effectiveness_index")
    full = _check_full(x, y, full_score, "effectiveness_index")
    room = len(x) * full - x.sum()
    if room <= 0:
        raise StatsInputError("effectiveness_index: every pre-test score is already the full score; "
                              "E.I. is undefined (0/0)")
    return float((y.sum() - x.sum()) / room)


def efficiency_e1e2(process, post, process_full: float, post_full: float) -> tuple[float, float]:
    """Efficiency E1/E2 (per cent): process score and post-test score as percentages of their maxima.

    E1 = 100 (sum X / N) / A, X the scores earned during the training
    (exercises, activities), A their maximum; E2 = 100 (sum F / N) / B, F the
    post-test scores, B the full score.  A package meets an 80/80 criterion
    when E1 >= 80 and E2 >= 80 (Brahmawong, 1977; 2013).

    Parameters
    ----------
    process, post : array-like
        Scores (missing values are not allowed; the two need not have the
        same N).
    process_full, post_full : float
        Maximum process score A and full test score B.

    Returns
    -------
    (float, float)
        E1 and E2.

    References
    ----------
    Brahmawong, C. (1977). *Systems of instructional media* [ระบบสื่อการสอน].
    Chulalongkorn University Press.
    ชัยยงค์ พรหมวงษ์ (2556). การทดสอบประสิทธิภาพสื่อหรือชุดการสอน.
    *วารสารศิลปากรศึกษาศาสตร์วิจัย*, 5(1), 7-20.

    Examples
    --------
    >>> from edu40 import efficiency_e1e2
    >>> efficiency_e1e2([40, 45, 38], [20, 22, 19], process_full=50, post_full=25)
    (82.0, 81.33333333333333)
    """
    out = []
    for v, full, name in ((process, process_full, "process"), (post, post_full, "post")):
        a = as_vector(v, name)
        if len(a) == 0 or np.isnan(a).any():
            raise StatsInputError(f"efficiency_e1e2: {name} scores are empty or have missing values")
        f = float(full)
        if not np.isfinite(f) or f <= 0:
            raise StatsInputError(f"efficiency_e1e2: the maximum {name} score must be positive, not {full!r}")
        if (a < 0).any() or (a > f + 1e-9).any():
            raise StatsInputError(f"efficiency_e1e2: a {name} score is outside 0..{f:g}")
        out.append(float(100 * a.mean() / f))
    return out[0], out[1]
