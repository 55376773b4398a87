"""Reliability of Likert scales: Cronbach's alpha, item analysis, McDonald's omega.

Reviewers of Thai theses ask for Cronbach's alpha >= .70 per factor and for
the corrected item-total correlation of each item (>= .20, SPSS "Corrected
Item-Total Correlation"); omega is the model-based alternative to alpha when
loadings differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..core.i18n import check_language, pick
from ._inputs import (StatsInputError, apply_nan_policy, check_choice, check_columns, check_confidence,
                      numeric_frame)
from ..core.results import Result, fmt
from ..io.loader import Survey

__all__ = ["cronbach_alpha", "item_analysis", "reliability", "omega", "AlphaResult", "OmegaResult"]

# George & Mallery (2003): >= .9 excellent, .8 good, .7 acceptable, .6 questionable, .5 poor.
_ALPHA_BANDS = [(0.90, "ดีมาก", "excellent"), (0.80, "ดี", "good"), (0.70, "ยอมรับได้", "acceptable"),
                (0.60, "ค่อนข้างต่ำ", "questionable"), (0.50, "ต่ำ", "poor"),
                (-np.inf, "ยอมรับไม่ได้", "unacceptable")]


def interpret_alpha(value: float, lang: str | None = None) -> str:
    """George & Mallery (2003) band of a reliability coefficient, in Thai or English."""
    for lower, th, en in _ALPHA_BANDS:
        if value >= lower:
            return pick(th, en, lang)
    raise ValueError(f"not a reliability coefficient: {value!r}")  # pragma: no cover - NaN only


def _items(items, nan_policy: str, what: str, min_items: int = 2) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Checked item frame, its covariance matrix (n - 1) and the n behind it."""
    frame = numeric_frame(items, what=what)
    if frame.shape[1] < min_items:
        raise StatsInputError(f"{what}: a scale needs at least {min_items} items, got {frame.shape[1]} "
                              f"({list(frame.columns)})")
    check_columns(frame, what=what, min_n=3)
    frame = apply_nan_policy(frame, nan_policy, what=what)
    if nan_policy == "listwise":
        check_columns(frame, what=f"{what} (complete cases)", min_n=3)
        n = len(frame)
    else:
        # The smallest pairwise n is the n that every covariance rests on.
        ok = frame.notna().to_numpy(dtype=float)
        n = int((ok.T @ ok).min())
        if n < 3:
            raise StatsInputError(f"{what}: some pair of items was answered together by {n} respondent(s)")
    cov = frame.cov(min_periods=1).to_numpy()
    return frame, cov, n


def _alpha_from_cov(c: np.ndarray) -> tuple[float, float]:
    k = c.shape[0]
    raw = k / (k - 1) * (1 - np.trace(c) / c.sum())
    d = np.sqrt(np.diag(c))
    r = c / np.outer(d, d)
    std = k / (k - 1) * (1 - k / r.sum())
    return float(raw), float(std)


def feldt_ci(alpha: float, n: int, k: int, confidence: float = 0.95) -> tuple[float, float]:
    """Feldt (1965) confidence interval of alpha: 1 - (1 - alpha) F, F on (n-1, (n-1)(k-1)) df.

    Same as ``psych::alpha.ci(alpha, n.obs = n, n.var = k)``.
    """
    a = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(low), float(high)


@dataclass(frozen=True, eq=False)
class AlphaResult(Result):
    """Cronbach's alpha with its Feldt confidence interval."""

    TITLE = ("ค่าสัมประสิทธิ์แอลฟาของครอนบาค", "Cronbach's alpha")

    alpha: float
    std_alpha: float
    ci_low: float
    ci_high: float
    confidence: float
    n: int
    k: int
    mean_r: float
    nan_policy: str

    def interpretation(self, lang: str | None = None) -> str:
        return interpret_alpha(self.alpha, lang)

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        ci = f"{self.confidence:.0%} CI [{fmt(self.ci_low, 3)}, {fmt(self.ci_high, 3)}]"
        if lang == "th":
            return (f"ค่าสัมประสิทธิ์แอลฟาของครอนบาค α = {fmt(self.alpha, 3)} ({self.interpretation('th')}), "
                    f"{ci} (Feldt)\nแอลฟามาตรฐาน = {fmt(self.std_alpha, 3)}; {self.k} ข้อ, n = {self.n} "
                    f"({self.nan_policy}); สหสัมพันธ์เฉลี่ยระหว่างข้อ = {fmt(self.mean_r, 3)}")
        return (f"Cronbach's alpha = {fmt(self.alpha, 3)} ({self.interpretation('en')}), {ci} (Feldt)\n"
                f"standardized alpha = {fmt(self.std_alpha, 3)}; {self.k} items, n = {self.n} ({self.nan_policy}); "
                f"mean inter-item r = {fmt(self.mean_r, 3)}")


def cronbach_alpha(items, *, nan_policy: str = "listwise", confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha, standardized alpha and the Feldt confidence interval.

    alpha = k/(k-1) (1 - sum s_i^2 / s_X^2) from the item covariance matrix C
    (s_X^2 = sum of C); standardized alpha = k rbar / (1 + (k-1) rbar) from the
    mean inter-item correlation rbar.  Feldt's (1965) interval:
    [1 - (1-alpha) F_{1-a/2}, 1 - (1-alpha) F_{a/2}] with F on
    (n-1, (n-1)(k-1)) degrees of freedom.

    Parameters
    ----------
    items : Survey, DataFrame or array
        One column per item (at least 2), numeric.
    nan_policy : {"listwise", "pairwise"}
        ``"listwise"`` (default; SPSS RELIABILITY) uses respondents who answered
        every item.  ``"pairwise"`` uses each pair's available answers for the
        covariances (``psych::alpha``'s default, ``use = "pairwise"``); ``n``
        is then the smallest pairwise n, which the CI uses.
    confidence : float
        Level of the Feldt interval.

    Returns
    -------
    AlphaResult
        ``alpha, std_alpha, ci_low, ci_high, n, k, mean_r``.

    Notes
    -----
    Agrees with R ``psych::alpha(na.omit(x))`` (``raw_alpha``, ``std.alpha``)
    and ``psych::alpha.ci(alpha, n.obs = n, n.var = k)``; with
    ``nan_policy="pairwise"``, with ``psych::alpha(x)``.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
    tests. *Psychometrika*, 16, 297-334.
    Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson
    reliability coefficient twenty. *Psychometrika*, 30, 357-370.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.cronbach_alpha(survey.items[survey.instrument.items_of("HRM")])
    >>> round(res.alpha, 3), res.n, res.k
    (0.951, 771, 4)
    """
    check_choice("nan_policy", nan_policy, ("listwise", "pairwise"))
    confidence = check_confidence(confidence)
    frame, cov, n = _items(items, nan_policy, "cronbach_alpha")
    raw, std = _alpha_from_cov(cov)
    k = cov.shape[0]
    d = np.sqrt(np.diag(cov))
    r = cov / np.outer(d, d)
    low, high = feldt_ci(raw, n, k, confidence)
    return AlphaResult(alpha=raw, std_alpha=std, ci_low=low, ci_high=high, confidence=confidence, n=n, k=k,
                       mean_r=float((r.sum() - k) / (k * (k - 1))), nan_policy=nan_policy)


def item_analysis(items, *, nan_policy: str = "listwise", min_r: float = 0.20,
                  lang: str | None = None) -> pd.DataFrame:
    """Item-total statistics: corrected item-total r and alpha if item deleted (SPSS, ``psych::alpha``).

    For item i with covariance matrix C: ``r_drop`` (corrected item-total
    correlation, r of the item with the sum of the other items) =
    (sum_j C_ij - C_ii) / sqrt(C_ii * sum C_{-i,-i}); ``r_total`` (uncorrected)
    = sum_j C_ij / sqrt(C_ii sum C); ``alpha_if_deleted`` and
    ``std_alpha_if_deleted`` are alpha of the other k - 1 items.  With
    ``nan_policy="pairwise"`` the covariances are pairwise and ``r_total`` is
    psych's: the r of the item with each respondent's mean of the items
    answered, over the respondents who answered the item.

    Parameters
    ----------
    items : Survey, DataFrame or array
        At least 3 items (alpha if deleted needs 2 remaining).
    nan_policy : {"listwise", "pairwise"}
        As in :func:`cronbach_alpha`.
    min_r : float
        Corrected item-total r below which the decision is "revise" (Thai
        convention .20; some use .30).
    lang : {None, "th", "en"}
        Language of ``decision``; ``None`` (default): the session language
        (:func:`edu40.set_language`).

    Returns
    -------
    DataFrame
        ``item, n, mean, sd, r_total, r_drop, alpha_if_deleted,
        std_alpha_if_deleted, decision``.  ``mean``/``sd``/``n`` are per item
        over the rows used.

    Notes
    -----
    Agrees with R ``psych::alpha(na.omit(x))``: ``item.stats$raw.r``,
    ``$r.drop``, ``$mean``, ``$sd`` and ``alpha.drop$raw_alpha``,
    ``$std.alpha``; with ``nan_policy="pairwise"``, with ``psych::alpha(x)``
    (checked on the 2 800 respondents of ``psych::bfi``, 364 with missing
    answers: ``tests/test_bfi_parity.py``).

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> t = edu40.item_analysis(survey.items[survey.instrument.items_of("IQA")], lang="en")
    >>> t[["item", "r_drop", "alpha_if_deleted", "decision"]].round(3).head(2)
       item  r_drop  alpha_if_deleted decision
    0  IQA1   0.902             0.952     keep
    1  IQA2   0.867             0.958     keep
    """
    check_choice("nan_policy", nan_policy, ("listwise", "pairwise"))
    lang = check_language(lang)
    frame, c, _ = _items(items, nan_policy, "item_analysis", min_items=3)
    k = c.shape[0]
    total = c.sum()
    # With missing answers psych correlates each item with the respondent's mean of the items
    # answered (pairwise); the covariance formula below is that r only for complete data.
    person_mean = frame.mean(axis=1, skipna=True) if nan_policy == "pairwise" else None
    rows = []
    for i, col in enumerate(frame.columns):
        keep = np.arange(k) != i
        rest = c[np.ix_(keep, keep)]
        raw, std = _alpha_from_cov(rest)
        r_drop = (c[i].sum() - c[i, i]) / np.sqrt(c[i, i] * rest.sum())
        s = frame[col].dropna()
        r_total = (c[i].sum() / np.sqrt(c[i, i] * total) if person_mean is None
                   else frame[col].corr(person_mean))
        rows.append({"item": col, "n": int(len(s)), "mean": float(s.mean()), "sd": float(s.std(ddof=1)),
                     "r_total": float(r_total), "r_drop": float(r_drop),
                     "alpha_if_deleted": raw, "std_alpha_if_deleted": std,
                     "decision": pick("ใช้ได้", "keep", lang) if r_drop >= min_r else pick("ควรปรับปรุง", "revise", lang)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- omega
def _one_factor_ml(s: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, bool]:
    """Maximum-likelihood one-factor model of a covariance matrix.

    Minimises F = log|Sigma| + tr(S Sigma^-1) - log|S| - p with
    Sigma = lambda lambda' + diag(psi), as lavaan's ``cfa(..., std.lv = TRUE)``
    (Joreskog, 1967).  Fitted to the correlation matrix and rescaled, which is
    exact because the ML solution is scale-equivariant.  Returns loadings,
    residual variances, the minimum F and whether it converged.
    """
    p = s.shape[0]
    d = np.sqrt(np.diag(s))
    r = s / np.outer(d, d)
    _, logdet_r = np.linalg.slogdet(r)
    w, v = np.linalg.eigh(r)
    lam0 = v[:, -1] * np.sqrt(w[-1])
    lam0 *= np.sign(lam0.sum()) or 1.0
    psi0 = np.clip(1 - lam0 ** 2, 0.05, 0.95)

    def f_and_grad(theta):
        lam, psi = theta[:p], theta[p:]
        sigma = np.outer(lam, lam) + np.diag(psi)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return np.inf, np.zeros_like(theta)
        inv = np.linalg.inv(sigma)
        f = logdet + np.trace(r @ inv) - logdet_r - p
        g = inv - inv @ r @ inv      # dF/dSigma
        return f, np.concatenate([2 * g @ lam, np.diag(g)])

    bounds = [(None, None)] * p + [(1e-8, None)] * p
    res = optimize.minimize(f_and_grad, np.concatenate([lam0, psi0]), jac=True, method="L-BFGS-B",
                            bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 20000})
    lam, psi = res.x[:p], res.x[p:]
    lam = lam * np.sign(lam.sum())
    # Projected gradient: a residual variance held at its bound with a positive slope is optimal there.
    grad = np.array(res.jac, dtype=float)
    at_bound = np.concatenate([np.zeros(p, bool), (psi <= 1e-7) & (grad[p:] > 0)])
    grad[at_bound] = 0.0
    converged = bool(res.success) or np.max(np.abs(grad)) < 1e-6
    return lam * d, psi * d ** 2, float(res.fun), converged


@dataclass(frozen=True, eq=False)
class OmegaResult(Result):
    """McDonald's omega from a one-factor ML model, with the model's loadings and fit."""

    TITLE = ("ค่าสัมประสิทธิ์โอเมกาของแมคโดนัลด์", "McDonald's omega")

    omega: float
    omega_observed: float
    alpha: float
    n: int
    k: int
    chi2: float
    df: int
    p: float | None
    loadings: pd.DataFrame

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        fit = (f"χ² = {fmt(self.chi2, 2)}, df = {self.df}, p = {fmt(self.p, 3)}" if self.df > 0 else
               pick("แบบจำลองอิ่มตัว (df = 0)", "saturated model (df = 0)", lang))
        if lang == "th":
            return (f"ค่าสัมประสิทธิ์โอเมกาของแมคโดนัลด์ ω = {fmt(self.omega, 3)} (แบบจำลององค์ประกอบเดียว, ML)\n"
                    f"ω (ความแปรปรวนที่สังเกตได้) = {fmt(self.omega_observed, 3)}; α = {fmt(self.alpha, 3)}; "
                    f"{self.k} ข้อ, n = {self.n}; {fit}")
        return (f"McDonald's omega = {fmt(self.omega, 3)} (one-factor ML model)\n"
                f"omega (observed variance) = {fmt(self.omega_observed, 3)}; alpha = {fmt(self.alpha, 3)}; "
                f"{self.k} items, n = {self.n}; {fit}")

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        return {pick("น้ำหนักองค์ประกอบ", "loadings", lang): self.loadings}


def omega(items, *, nan_policy: str = "listwise") -> OmegaResult:
    """McDonald's omega total of a unidimensional scale, from a one-factor ML CFA.

    A one-factor model x = lambda F + e (var F = 1) is fitted by maximum
    likelihood to the covariance matrix S (divisor n) of the complete cases,
    as ``lavaan::cfa("F =~ x1 + ... + xk", data, std.lv = TRUE)``.  Then

    - ``omega`` = (sum lambda)^2 / ((sum lambda)^2 + sum theta): McDonald's
      (1999, eq. 6.20b) omega with the model-implied total variance; R:
      ``semTools::compRelSEM(fit, obs.var = FALSE)``.
    - ``omega_observed`` = (sum lambda)^2 / 1'S1: the same with the observed
      variance of the sum score (Bentler, 2009); R:
      ``semTools::compRelSEM(fit)`` (its default ``obs.var = TRUE``).

    This is not ``psych::omega``'s ``omega.tot``, which uses a minres factor
    analysis of the correlation matrix (and warns with one factor).

    Parameters
    ----------
    items : Survey, DataFrame or array
        At least 3 items (a one-factor model of 2 items is not identified).
    nan_policy : {"listwise"}
        Complete cases only (full-information ML is left to the SEM module).

    Returns
    -------
    OmegaResult
        ``omega, omega_observed, alpha, n, k``, the model's ``chi2``, ``df``
        = k(k+1)/2 - 2k and ``p`` (chi2 = n F_ML as lavaan; ``p`` is None for
        the saturated 3-item model), and ``loadings``
        (``item, loading, std_loading, residual_var``).

    References
    ----------
    McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
    Bentler, P. M. (2009). Alpha, dimension-free, and model-based internal
    consistency reliability. *Psychometrika*, 74, 137-143.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> res = edu40.omega(survey.items[survey.instrument.items_of("HRM")])
    >>> round(res.omega, 3), res.k
    (0.951, 4)
    """
    check_choice("nan_policy", nan_policy, ("listwise",))
    frame, _, n = _items(items, "listwise", "omega", min_items=3)
    k = frame.shape[1]
    s = np.cov(frame.to_numpy(dtype=float), rowvar=False, ddof=0)
    d = np.sqrt(np.diag(s))
    if np.linalg.eigvalsh(s / np.outer(d, d))[0] < 1e-10:
        raise StatsInputError(f"omega: the items {list(frame.columns)} are linearly dependent (one is a sum or "
                              f"copy of others?); the ML factor model needs a positive definite covariance matrix")
    lam, theta, fmin, converged = _one_factor_ml(s)
    if np.any(theta < 1e-6 * np.diag(s)):
        bad = list(frame.columns[theta < 1e-6 * np.diag(s)])
        raise StatsInputError(f"omega: Heywood case, residual variance of {bad} is 0 in the one-factor model "
                              f"(lavaan would report it negative); omega is not interpretable")
    if not converged:
        raise StatsInputError("omega: the one-factor model did not converge; the items may not measure one factor")
    num = lam.sum() ** 2
    df = k * (k + 1) // 2 - 2 * k
    chi2 = max(n * fmin, 0.0)   # a saturated model's minimum is 0 up to rounding
    table = pd.DataFrame({"item": list(frame.columns), "loading": lam,
                          "std_loading": lam / np.sqrt(np.diag(s)), "residual_var": theta})
    return OmegaResult(omega=float(num / (num + theta.sum())), omega_observed=float(num / s.sum()),
                       alpha=_alpha_from_cov(s)[0], n=n, k=k, chi2=float(chi2), df=df,
                       p=float(stats.chi2.sf(chi2, df)) if df > 0 else None, loadings=table)


def reliability(x, factors: dict | None = None, *, nan_policy: str = "listwise", confidence: float = 0.95,
                with_omega: bool = True, lang: str | None = None) -> pd.DataFrame:
    """Reliability of each factor and of the whole instrument: the table reviewers ask for.

    Parameters
    ----------
    x : Survey or DataFrame
        A Survey's factors come from its instrument.  A DataFrame needs
        ``factors``, or is treated as one scale.
    factors : dict, optional
        ``{factor: [item columns]}`` for a DataFrame.
    nan_policy, confidence
        As in :func:`cronbach_alpha`; each factor uses its own complete cases.
    with_omega : bool
        Also fit the one-factor model of each factor (:func:`omega`).
    lang : {None, "th", "en"}
        Language of ``label`` and ``interpretation``; ``None`` (default): the session language
        (:func:`edu40.set_language`).

    Returns
    -------
    DataFrame
        ``variable, label, k, n, alpha, std_alpha, ci_low, ci_high, [omega],
        interpretation, note``; one row per factor and a last row ``overall``
        for all items together.  ``interpretation`` is the George & Mallery
        (2003) band of alpha (.70 = acceptable).  ``note`` says why a value
        is missing: a factor of a Survey with fewer than two items in the
        data is left out, and omega is NaN (with the reason) for factors of
        fewer than three items or whose one-factor model has a Heywood case.

    Notes
    -----
    Each row is :func:`cronbach_alpha` (R ``psych::alpha(na.omit(items))``,
    Feldt interval ``psych::alpha.ci``) and :func:`omega` (R
    ``semTools::compRelSEM(cfa(..., std.lv = TRUE), obs.var = FALSE)``) of the
    factor's items.

    References
    ----------
    George, D., & Mallery, P. (2003). *SPSS for Windows step by step: A simple
    guide and reference* (4th ed.). Allyn & Bacon.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> t = edu40.reliability(survey, lang="en")
    >>> t[["variable", "k", "alpha", "interpretation"]].round(3).tail(2)
      variable   k  alpha interpretation
    5      IQA   5  0.963      excellent
    6  overall  42  0.983      excellent
    """
    lang = check_language(lang)
    if isinstance(x, Survey):
        frame = x.items
        factors = {f: [c for c in x.instrument.items_of(f) if c in frame.columns]
                   for f in x.instrument.factor_codes}
        # a factor the data lack (or keep one item of) has no reliability to report
        factors = {f: cols for f, cols in factors.items() if len(cols) >= 2}
        labels = {f: x.instrument.label(f, lang) for f in factors}
    else:
        frame = numeric_frame(x, what="reliability")
        factors = factors or {}
        labels = {f: f for f in factors}
    all_items = list(dict.fromkeys(c for cols in factors.values() for c in cols)) or list(frame.columns)
    parts = list(factors.items()) + [("overall", all_items)]
    labels["overall"] = pick("ทั้งฉบับ", "overall", lang)
    rows = []
    for name, cols in parts:
        res = cronbach_alpha(frame[cols], nan_policy=nan_policy, confidence=confidence)
        row = {"variable": name, "label": labels[name], "k": res.k, "n": res.n, "alpha": res.alpha,
               "std_alpha": res.std_alpha, "ci_low": res.ci_low, "ci_high": res.ci_high}
        note = ""
        if with_omega:
            row["omega"] = np.nan
            if len(cols) < 3:
                note = f"omega not computed: {len(cols)} items (a one-factor model needs 3)"
            else:
                try:
                    row["omega"] = omega(frame[cols]).omega
                except StatsInputError as exc:   # e.g. a Heywood case: say so, do not guess
                    note = f"omega not computed: {exc}"
        row["interpretation"] = interpret_alpha(res.alpha, lang)
        row["note"] = note
        rows.append(row)
    return pd.DataFrame(rows)
