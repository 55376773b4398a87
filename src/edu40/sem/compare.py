"""Chi-square difference tests of nested models, as lavaan's ``lavTestLRT`` computes them.

The statistic compares a restricted model M₀ (more degrees of freedom) with a
less restricted model M₁ fitted to the same data; T₀, T₁ are their unscaled
chi-squares and m = df₀ - df₁.  Which difference is right depends on the
estimator, and edu40 chooses as lavaan's ``method = "default"`` does:

* normal-theory ML, DWLS, WLS, ULS (``standard``): ΔT = T₀ - T₁ on m df.
* MLM, MLR, WLSM, ULSM (``satorra.bentler.2001``): the scaled difference of
  Satorra & Bentler (2001), ΔT = (T₀ - T₁) / c_d with
  c_d = (df₀ c₀ - df₁ c₁) / m, c the scaling factors of the two models.
  (A negative c_d, possible in small samples, gives no test.)
* WLSMV, ULSMV (``satorra.2000``): the scaled-and-shifted difference of
  Satorra (2000) with Asparouhov & Muthén's (2010) second-order correction.
  With Δ₁, Δ₀ the Jacobians of the sample statistics (thresholds,
  polychoric correlations) of M₁ and M₀ stacked over groups, W_g the
  weights, Γ_g the asymptotic covariance of group g's statistics,
  f_g = n_g/N and P = Σ f_g Δ₁g' W_g Δ₁g the information of M₁:

      H = Δ₁⁺ Δ₀,   A = a basis of the orthogonal complement of the columns of H (its rows)
      M = P⁻¹ A' (A P⁻¹ A')⁺ A P⁻¹
      K_g = Δ₁g' W_g Γ_g W_g Δ₁g,   K = Σ f_g K_g
      t₁ = Σ f_g tr(M K_g),   t₂ = tr((M K)²)
      a = √(m / t₂),   b = m - a t₁,   ΔT = a (T₀ - T₁) + b  on m df.

  A is the Jacobian of the constraints that turn M₁ into M₀ ("delta" method
  of lavaan): it needs no labels to match between the two models.

References
----------
Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample
analysis of moment structures. In R. D. H. Heijmans, D. S. G. Pollock, &
A. Satorra (Eds.), *Innovations in multivariate statistical analysis*
(pp. 233-247). Kluwer.
Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test
statistic for moment structure analysis. *Psychometrika, 66*, 507-514.
Asparouhov, T., & Muthén, B. (2010). *Simple second order chi-square
correction.* Mplus technical appendix.
Savalei, V., Brace, J. C., & Fouladi, R. T. (2023). We need to change how we
compute RMSEA for nested model comparisons in structural equation modeling.
*Psychological Methods*.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import linalg

from .ordinal import WLSEstimation, estimator_settings, WLS_ESTIMATORS
from .polychoric import pair_index

__all__ = ["chisq_difference", "difference_test", "difference_method"]

_SB2001 = {"MLM", "MLR", "WLSM", "ULSM"}
_SATORRA2000 = {"WLSMV", "ULSMV"}


def difference_method(estimator: str) -> str:
    """The difference test lavaan's ``lavTestLRT`` uses by default after ``estimator``."""
    estimator = estimator.upper()
    if estimator in _SATORRA2000:
        return "satorra.2000"
    if estimator in _SB2001:
        return "satorra.bentler.2001"
    return "standard"


def difference_test(free, restricted) -> dict:
    """The difference test of ``restricted`` (M₀) against ``free`` (M₁), two fitted SEMResults.

    Returns a dict with ``delta_chisq``, ``delta_df``, ``delta_pvalue``, ``method``
    and, by method, ``scaling_factor`` (c_d) or ``shift_a``/``shift_b``.
    """
    est = free.estimator.upper()
    if restricted.estimator.upper() != est:
        raise ValueError(f"the two models were fitted with different estimators ({free.estimator} and "
                         f"{restricted.estimator}); a difference test needs the same estimator")
    f1, f0 = free.fit_indices, restricted.fit_indices
    if free._spec.n_groups != restricted._spec.n_groups:
        raise ValueError(f"the two models have {free._spec.n_groups} and {restricted._spec.n_groups} groups; "
                         f"nested models are fitted to the same groups")
    if int(f1["nobs"]) != int(f0["nobs"]):
        raise ValueError(f"the two models were fitted to different numbers of respondents "
                         f"({int(f1['nobs'])} and {int(f0['nobs'])}): they are not nested on the same data")
    T1, T0 = float(f1["chisq"]), float(f0["chisq"])
    r1, r0 = int(f1["df"]), int(f0["df"])
    m = r0 - r1
    method = difference_method(est)
    out = {"delta_chisq": T0 - T1, "delta_df": m, "delta_pvalue": np.nan, "method": method,
           "scaling_factor": np.nan, "shift_a": np.nan, "shift_b": np.nan}
    if m <= 0:
        raise ValueError(f"the restricted model must have more degrees of freedom than the free one "
                         f"(df {r0} vs {r1})")
    if T0 - T1 < -np.finfo(float).eps ** (1 / 3):
        warnings.warn(f"the restricted model fits better than the less restricted one (difference "
                      f"{T0 - T1:.4g}): either the models are not nested, or the less restricted model did "
                      f"not reach its optimum", stacklevel=3)
    if method == "satorra.bentler.2001":
        c1 = float(f1["chisq.scaling.factor"]) if r1 > 0 else 1.0
        if r1 > 0 and abs(T1) < 1.5e-8:       # a perfect fit: c₁ cancels (lavaan)
            c1 = 0.0
        cd = (r0 * float(f0["chisq.scaling.factor"]) - r1 * c1) / m
        if cd < 0:
            warnings.warn("the scaling factor of the difference is negative (small sample?): the scaled "
                          "difference test cannot be computed", stacklevel=3)
            cd = np.nan
        out["scaling_factor"] = cd
        out["delta_chisq"] = (T0 - T1) / cd
    elif method == "satorra.2000":
        t1, t2 = _traces(free, restricted)
        a = np.sqrt(m / t2)
        b = m - a * t1
        out.update({"shift_a": a, "shift_b": b, "delta_chisq": (T0 - T1) * a + b})
    from scipy.stats import chi2        # scipy.stats costs a second at import; fitting does not need it

    d = out["delta_chisq"]
    out["delta_pvalue"] = float(chi2.sf(d, m)) if np.isfinite(d) else np.nan
    # RMSEA of the difference (RMSEA_D; Savalei, Brace & Fouladi, 2023), lavTestLRT's "RMSEA" column:
    # lavaan 0.6 gives it for unscaled differences only, and so does edu40
    out["rmsea"] = np.nan
    if method == "standard":
        n, groups = float(f1["nobs"]), free._spec.n_groups
        out["rmsea"] = float(np.sqrt(max((T0 - T1) / n / m - 1 / n, 0.0)) * np.sqrt(groups))
    return out


def chisq_difference(*fits, names=None) -> pd.DataFrame:
    """Chi-square difference tests of nested models (lavaan ``lavTestLRT``).

    Parameters
    ----------
    *fits : SEMResult
        Two or more models fitted to the same data with the same estimator, each
        nested in the next less restricted one. They are ordered by their degrees
        of freedom (fewest first), as ``lavTestLRT`` orders them.
    names : sequence of str, optional
        Model names for the table (default ``model 1``, ``model 2`` ... in the
        order given).

    Returns
    -------
    DataFrame
        One row per model: ``model``, ``df``, ``chisq`` (unscaled), ``aic``, ``bic``
        (ML only), and for every model after the first its comparison with the one
        before: ``delta_chisq``, ``delta_df``, ``delta_pvalue``, ``rmsea`` (the RMSEA
        of the difference, RMSEA_D: unscaled tests only, as lavaan 0.6),
        ``method``
        (``standard``, ``satorra.bentler.2001`` or ``satorra.2000``, chosen from the
        estimator as lavaan's default) and the correction used (``scaling_factor``
        or ``shift_a``, ``shift_b``).

    Notes
    -----
    See the module docstring for the formulas. The R call this agrees with is
    ``lavaan::lavTestLRT(fit1, fit2, ...)`` (lavaan 0.6, default ``method``):
    the scaled-and-shifted difference for WLSMV within 1e-6 on HS 1939 and
    ``psych::bfi`` (tests/reference/make_lrt_reference.R).

    Examples
    --------
    >>> import edu40, semopy
    >>> hs = semopy.examples.holzinger39.get_data()
    >>> free = edu40.fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6", hs)
    >>> equal = edu40.fit("visual =~ x1 + a*x2 + a*x3\\ntextual =~ x4 + x5 + x6", hs)
    >>> edu40.chisq_difference(free, equal)[["model", "df", "delta_chisq", "delta_df"]].round(3)
         model  df  delta_chisq  delta_df
    0  model 1   8          NaN       NaN
    1  model 2   9        1.901       1.0
    """
    if len(fits) < 2:
        raise ValueError("chisq_difference needs at least two fitted models")
    names = list(names) if names is not None else [f"model {i + 1}" for i in range(len(fits))]
    if len(names) != len(fits):
        raise ValueError(f"{len(names)} names for {len(fits)} models")
    order = sorted(range(len(fits)), key=lambda i: int(fits[i].fit_indices["df"]))
    rows = []
    for pos, i in enumerate(order):
        fi = fits[i].fit_indices
        row = {"model": names[i], "df": int(fi["df"]), "chisq": float(fi["chisq"]),
               "aic": float(fi.get("aic", np.nan)), "bic": float(fi.get("bic", np.nan))}
        if pos:
            row.update(difference_test(fits[order[pos - 1]], fits[i]))
        rows.append(row)
    cols = ["model", "df", "aic", "bic", "chisq", "delta_chisq", "delta_df", "delta_pvalue", "rmsea",
            "method", "scaling_factor", "shift_a", "shift_b"]
    return pd.DataFrame(rows).reindex(columns=cols)


# --- Satorra (2000) -----------------------------------------------------------------------------------
def _estimation(res) -> WLSEstimation:
    stats_ = getattr(res._prep, "stats", None)
    if stats_ is None or res.estimator.upper() not in WLS_ESTIMATORS:
        raise ValueError(f"the Satorra (2000) difference test needs models fitted by a least-squares "
                         f"estimator with ordered indicators, not {res.estimator}")
    return WLSEstimation(res._spec, res._model, stats_, estimator_settings(res.estimator)[0])


def _labels(st) -> list:
    """A name for each sample statistic of a group, to line the statistics of two models up."""
    out = []
    for v, name in enumerate(st.names):
        k = len(st.thresholds[v])
        out += [("t", name, j) for j in range(k)] if st.ordered[v] else [("m", name, 0)]
    out += [("v", st.names[v], 0) for v in st.numeric]
    i, j = pair_index(st.p)
    out += [("r", *sorted((st.names[a], st.names[b]))) for a, b in zip(i, j)]
    return out


def _traces(free, restricted):
    """tr(UΓ) and tr((UΓ)²) of the difference (lavaan ``lav_test_diff_Satorra2000``, global second trace)."""
    e1, e0 = _estimation(free), _estimation(restricted)
    if [s.label for s in e1.stats] != [s.label for s in e0.stats]:
        raise ValueError("the two models were fitted to different groups")
    D1 = e1.jacobians(free._theta)
    D0 = e0.jacobians(restricted._theta)
    # the restricted model may list the variables in another order: line its rows up with M₁'s
    for g, (s1, s0) in enumerate(zip(e1.stats, e0.stats)):
        l1, l0 = _labels(s1), _labels(s0)
        if sorted(l1) != sorted(l0):
            raise ValueError("the two models do not use the same observed variables and categories, so they "
                             "are not nested on the same data")
        pos = {lab: r for r, lab in enumerate(l0)}
        D0[g] = D0[g][[pos[lab] for lab in l1]]
    P = e1.information(free._theta, D1)
    P_inv = np.linalg.pinv(P) if free._singular_information else np.linalg.inv(P)
    H = np.linalg.pinv(np.vstack(D1)) @ np.vstack(D0)
    # orthogonal complement of the column space of H (lavaan: the last columns of a complete QR)
    U, s, _ = linalg.svd(H)
    rank = int(np.sum(s > 1e-7 * max(s[0], 1e-300))) if len(s) else 0
    A = U[:, rank:].T
    APA = A @ P_inv @ A.T
    keep = ~((np.abs(APA.sum(0)) < np.sqrt(np.finfo(float).eps)) &
             (np.abs(APA.sum(1)) < np.sqrt(np.finfo(float).eps)))
    A = A[keep]
    if not len(A):
        return np.nan, np.nan
    M = P_inv @ A.T @ np.linalg.pinv(A @ P_inv @ A.T) @ A @ P_inv
    K = np.zeros_like(P)
    t1 = 0.0
    for g, Dg in enumerate(D1):
        W = e1.W[g]
        WD = W[:, None] * Dg if W.ndim == 1 else W @ Dg
        Kg = WD.T @ e1.gamma[g] @ WD
        t1 += e1.f[g] * float(np.sum(M * Kg))
        K += e1.f[g] * Kg
    MK = M @ K
    return t1, float(np.sum(MK * MK.T))
