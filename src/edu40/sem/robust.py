"""Robust test statistics and fit indices: scaled, scaled-and-shifted, Yuan-Bentler, robust CFI/RMSEA.

All corrections of the chi-square start from the matrix UΓ of Satorra &
Bentler (1994), with V the weight of the estimator, Δ = ∂σ/∂θ', E = Δ'VΔ the
information and Γ the asymptotic covariance of the sample statistics, all
stacked over groups (V_g weighted by n_g/N, Γ_g divided by it):

    U = V - VΔ E⁻¹ Δ'V,        c = tr(UΓ) / df

* ``satorra.bentler`` (MLM, WLSM):        T_SB = T / c
* ``scaled.shifted`` (WLSMV, ULSMV):      a = √(df / tr((UΓ)²)),  T_SS = a T + df - a tr(UΓ)
  (Asparouhov & Muthén, 2010; lavaan's default for WLSMV)
* ``yuan.bentler.mplus`` (MLR):           c = [tr(B₁A₁⁻¹) - tr(B₀E⁻¹)] / df, A₁, B₁ the
  expected and first-order information of the saturated model, B₀ that of the
  model (Yuan & Bentler, 2000; the Mplus variant of lavaan)

Fit indices, as lavaan's ``fitMeasures``:

* ``*.scaled``: the usual formulas with the scaled statistics (baseline scaled too);
* ``cfi.robust``, ``tli.robust``: CFI = 1 - max(T - ĉ df, 0) / max(T - ĉ df, T_B - ĉ_B df_B, 0)
  (Brosseau-Liard & Savalei, 2014), with ĉ = c for SB / YB and ĉ = (df - b)/(df a) ... see
  :func:`c_hat`; for categorical data T, T_B and ĉ come from the ML discrepancy of the
  correlation structure at the DWLS estimates (Savalei, 2021; lavaan's ``catML``);
* ``rmsea.robust``: √max(T/(N df) - ĉ/(N), 0) √G (Brosseau-Liard, Savalei & Li, 2012),
  its interval from T/ĉ by inverting the noncentral chi-square and multiplying λ by ĉ.

References
----------
Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics and
standard errors in covariance structure analysis. In A. von Eye & C. C.
Clogg (Eds.), *Latent variables analysis* (pp. 399-419). Sage.
Asparouhov, T., & Muthén, B. (2010). *Simple second order chi-square
correction.* Mplus technical appendix.
Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for
mean and covariance structure analysis with nonnormal missing data.
*Sociological Methodology, 30*, 165-200.
Brosseau-Liard, P. E., Savalei, V., & Li, L. (2012). An investigation of the
sample performance of two nonnormality corrections for RMSEA.
*Multivariate Behavioral Research, 47*, 904-930.
Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit
indices for nonnormality. *Multivariate Behavioral Research, 49*, 460-470.
Savalei, V. (2021). Improving fit indices in structural equation modeling
with categorical data. *Multivariate Behavioral Research, 56*, 390-407.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, stats

from .indices import rmsea_ci

__all__ = ["ug_matrix", "scaled_test", "cfi", "tli", "rmsea", "robust_rmsea_block", "block_diag"]


def block_diag(blocks):
    return linalg.block_diag(*blocks) if len(blocks) > 1 else np.asarray(blocks[0])


def _as_matrix(W):
    W = np.asarray(W, float)
    return np.diag(W) if W.ndim == 1 else W


def ug_matrix(V_blocks, D_blocks, E_inv, Gamma_blocks, f):
    """UΓ with U = V - VΔE⁻¹Δ'V over the stacked groups (V_g f_g, Γ_g / f_g)."""
    G = block_diag([np.asarray(Gm) / fg for fg, Gm in zip(f, Gamma_blocks)])
    D = np.vstack(D_blocks)
    if all(np.ndim(W) == 1 for W in V_blocks):       # diagonal weights (DWLS, ULS): scale rows
        v = np.concatenate([fg * np.asarray(W, float) for fg, W in zip(f, V_blocks)])
        VD, VG = v[:, None] * D, v[:, None] * G
    else:
        V = block_diag([fg * _as_matrix(W) for fg, W in zip(f, V_blocks)])
        VD, VG = V @ D, V @ G
    return VG - VD @ (E_inv @ (VD.T @ G))


def scaled_test(T, df, UG=None, kind="scaled.shifted", trace=None):
    """The scaled statistic of ``kind``; ``trace`` gives tr(UΓ) directly (Yuan-Bentler)."""
    out = {"test": kind}
    if df <= 0:
        return {**out, "stat": T, "df": df, "pvalue": np.nan, "scaling.factor": np.nan,
                "shift.parameter": np.nan}
    tr1 = float(np.trace(UG)) if trace is None else float(trace)
    if kind == "scaled.shifted":
        tr2 = float(np.sum(UG * UG.T))
        a = np.sqrt(df / tr2)
        shift = df - a * tr1
        stat = T * a + shift
        out.update({"stat": stat, "df": df, "scaling.factor": 1 / a, "shift.parameter": shift,
                    "trace.UGamma": tr1, "trace.UGamma2": tr2})
    else:   # satorra.bentler, yuan.bentler.mplus
        c = tr1 / df
        out.update({"stat": T / c, "df": df, "scaling.factor": c, "shift.parameter": np.nan,
                    "trace.UGamma": tr1})
    out["pvalue"] = float(stats.chi2.sf(out["stat"], df))
    return out


def c_hat(test) -> float:
    """ĉ of the robust indices: c for SB / YB; a(df - b)/df for scaled-and-shifted (lavaan)."""
    if test["test"] == "scaled.shifted":
        return test["scaling.factor"] * (test["df"] - test["shift.parameter"]) / test["df"]
    return test["scaling.factor"]


def cfi(X2, df, X2_null, df_null, c=1.0, c_null=1.0):
    """lavaan's lav_fit_cfi (with ĉ, ĉ_B for the robust version)."""
    if any(np.isnan(v) for v in (X2, df, X2_null, df_null, c, c_null)):
        return np.nan
    t1 = max(X2 - c * df, 0.0)
    t2 = max(X2 - c * df, X2_null - c_null * df_null, 0.0)
    if np.isclose(t1, 0, rtol=0, atol=1.5e-8) and np.isclose(t2, 0, rtol=0, atol=1.5e-8):
        return 1.0
    return 1 - t1 / t2


def tli(X2, df, X2_null, df_null, c=1.0, c_null=1.0):
    """lavaan's lav_fit_tli."""
    if any(np.isnan(v) for v in (X2, df, X2_null, df_null, c, c_null)):
        return np.nan
    t1 = (X2 - c * df) * df_null
    t2 = (X2_null - c_null * df_null) * df
    if df > 0 and abs(t2) > 0:
        return 1 - t1 / t2
    return 1.0


def rmsea(X2, df, N, G=1, c=1.0):
    """lavaan's lav_fit_rmsea: √max(X2/(N df) - c/N, 0) √G."""
    if np.isnan(X2) or np.isnan(c):
        return np.nan
    return float(np.sqrt(max(X2 / N / df - c / N, 0.0)) * np.sqrt(G)) if df > 0 else 0.0


def robust_rmsea_block(X2, df, N, G, c=1.0, suffix="", X2_scaled=None):
    """rmsea, its 90% interval and the close-fit p-value, named with ``suffix``.

    For the robust version (``c`` given) the value uses the unscaled X2 and
    the interval and p-value the scaled X2/ĉ, as lavaan.
    """
    Xs = X2 if X2_scaled is None else X2_scaled
    out = {f"rmsea{suffix}": rmsea(X2, df, N, G, c)}
    if np.isnan(Xs) or np.isnan(c):
        lo = up = p = np.nan
    else:
        lo, up = rmsea_ci(Xs, df, N, G)
        lo, up = lo * np.sqrt(c), up * np.sqrt(c)
        p = float(stats.ncx2.sf(Xs, df, N * df / c * 0.05 ** 2 / G)) if df > 0 else np.nan
    out[f"rmsea.ci.lower{suffix}"] = lo
    out[f"rmsea.ci.upper{suffix}"] = up
    out[f"rmsea.pvalue{suffix}"] = p
    return out
