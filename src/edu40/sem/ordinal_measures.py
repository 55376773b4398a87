"""Fit measures of a categorical model (lavaan's ``fitMeasures`` for WLSMV, DWLS, ULSMV ...).

Split from :mod:`edu40.sem.ordinal_fit` so that the bootstrap of ordinal fits
(:mod:`edu40.sem.bootstrap_ordinal`) can compute them for every draw without
importing the fitting front end.  See :mod:`edu40.sem.ordinal_fit` for the
list of measures and their definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from .ordinal import WLSEstimation, group_data
from .polychoric import pair_index
from .robust import block_diag, cfi, robust_rmsea_block, scaled_test, tli, ug_matrix

__all__ = ["ORDINAL_INDEX_NAMES", "catml_robust", "ordinal_indices", "scaled_rmsea"]

ORDINAL_INDEX_NAMES = [
    "npar", "nobs", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
    "chisq.scaling.factor", "chisq.shift.parameter", "cmin/df", "baseline.chisq", "baseline.df",
    "baseline.pvalue", "baseline.chisq.scaled", "baseline.df.scaled", "baseline.pvalue.scaled",
    "baseline.chisq.scaling.factor", "cfi", "tli", "nfi", "ifi", "rfi", "cfi.scaled", "tli.scaled",
    "nfi.scaled", "ifi.scaled", "rfi.scaled", "cfi.robust", "tli.robust", "gfi", "agfi", "pgfi", "rmr",
    "srmr", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "rmsea.scaled",
    "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled", "rmsea.robust",
    "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "rmsea.pvalue.robust", "aic", "bic", "logl",
    "unrestricted.logl"]


# --- fit measures ------------------------------------------------------------------------------------
def ordinal_indices(est: WLSEstimation, theta, D, E_inv, test_kind, npar, ndat):
    G = len(est.stats)
    N = est.N - G              # lavaan's N for the RMSEA of least-squares estimators (lav_utils_get_ntotal)
    f = est.f
    group_vals = est.group_values(theta)
    n = np.array([st.n for st in est.stats], float)
    T = float((n - 1) @ group_vals)
    df = ndat - npar
    out = {"npar": npar, "nobs": est.N, "chisq": T, "df": df,
           "pvalue": float(sps.chi2.sf(T, df)) if df > 0 else np.nan, "cmin/df": T / df if df > 0 else np.nan}
    # baseline: thresholds (and means, variances) free, correlations 0
    Tb, Db = 0.0, []
    n_pairs = 0
    for gi, st in enumerate(est.stats):
        s = est.obs[gi]
        m1 = len(s) - len(pair_index(st.p)[0])
        e = np.concatenate([np.zeros(m1), s[m1:]])
        Tb += (n[gi] - 1) * (float(e @ est._weighted(gi, e)) if est.W[gi].ndim == 1 else
                             _baseline_wls(est, gi, m1))
        Dg = np.zeros((len(s), m1))
        Dg[:m1] = np.eye(m1)
        Db.append(Dg)
        n_pairs += len(s) - m1
    dfb = n_pairs
    out.update({"baseline.chisq": Tb, "baseline.df": dfb, "baseline.pvalue": float(sps.chi2.sf(Tb, dfb))})
    if est.discrepancy == "ULS":     # the ULS statistic has no known distribution (lavaan: NA)
        out["pvalue"] = out["baseline.pvalue"] = np.nan
    scaled = test_kind != "standard"
    if scaled:
        UG = ug_matrix(est.W, D, E_inv, est.gamma, f)
        test = scaled_test(T, df, UG, test_kind)
        if all(np.ndim(W) == 1 for W in est.W):
            # diagonal weights: the baseline reproduces the univariate statistics exactly, so U is V on
            # the correlations and 0 elsewhere; UΓ is block-diagonal with blocks f_g V_rr Γ_rr / f_g
            UGb = block_diag([est.W[g][-(len(est.obs[g]) - Db[g].shape[1]):][:, None]
                              * est.gamma[g][Db[g].shape[1]:, Db[g].shape[1]:] for g in range(G)])
        else:
            Eb = block_diag([f[g] * (Db[g].T @ (_mat(est.W[g]) @ Db[g])) for g in range(G)])
            Db_all = [np.hstack([np.zeros((len(Db[g]), sum(d.shape[1] for d in Db[:g]))), Db[g],
                                 np.zeros((len(Db[g]), sum(d.shape[1] for d in Db[g + 1:])))])
                      for g in range(G)]
            UGb = ug_matrix(est.W, Db_all, np.linalg.inv(Eb), est.gamma, f)
        test_b = scaled_test(Tb, dfb, UGb, test_kind)
        out.update({"chisq.scaled": test["stat"], "df.scaled": test["df"], "pvalue.scaled": test["pvalue"],
                    "chisq.scaling.factor": test["scaling.factor"],
                    "chisq.shift.parameter": test["shift.parameter"],
                    "baseline.chisq.scaled": test_b["stat"], "baseline.df.scaled": test_b["df"],
                    "baseline.pvalue.scaled": test_b["pvalue"],
                    "baseline.chisq.scaling.factor": test_b["scaling.factor"]})
    out.update(_incremental(T, df, Tb, dfb, ""))
    if scaled:
        out.update(_incremental(out["chisq.scaled"], df, out["baseline.chisq.scaled"], dfb, ".scaled"))
        out.update(scaled_rmsea(T, test, N, G))
        rob = catml_robust(est, theta, D, E_inv, df, dfb)
        out["cfi.robust"] = cfi(rob["XX3"], df, rob["XX3.null"], dfb, rob["c"], rob["c.null"])
        out["tli.robust"] = tli(rob["XX3"], df, rob["XX3.null"], dfb, rob["c"], rob["c.null"])
        out.update(robust_rmsea_block(rob["XX3"], rob["df3"], N, G, rob["c"], ".robust",
                                      X2_scaled=rob["XX3"] / rob["c"]))
    out.update(robust_rmsea_block(T, df, N, G))
    out.update(_residual_indices(est, theta, n, df))
    for k in ("aic", "bic", "logl", "unrestricted.logl"):
        out[k] = np.nan
    names = [k for k in ORDINAL_INDEX_NAMES if k in out]
    series = pd.Series({k: out[k] for k in names}, name="value", dtype=float)
    moments = []
    for gi, st in enumerate(est.stats):
        sigma, mu, *_ = est.model.moments(theta, gi)
        d = est.model.scales(theta, gi, sigma)
        moments.append({"S": st.cov, "sigma": sigma * np.outer(d, d), "mu": mu,
                        "mean": group_data(st).mean, "n": st.n})
    return series, {"groups": moments}


def scaled_rmsea(T, test, N, G):
    """rmsea.scaled as lavaan: the scaled statistic with df (scaled-and-shifted), or the unscaled
    statistic with df = tr(UΓ) (Satorra-Bentler, Yuan-Bentler)."""
    if test["test"] == "scaled.shifted":
        block = robust_rmsea_block(test["stat"], test["df"], N, G)
    else:
        tr = test.get("trace.UGamma", np.nan)
        block = robust_rmsea_block(T, tr, N, G) if np.isfinite(tr) and tr > 0 else \
            robust_rmsea_block(np.nan, test["df"], N, G)
    return {f"{k}.scaled": v for k, v in block.items()}


def _mat(W):
    return np.diag(W) if np.ndim(W) == 1 else W


def _baseline_wls(est, gi, m1):
    """Full-WLS baseline: the univariate statistics re-estimated with the correlations at 0."""
    W = est.W[gi]
    s = est.obs[gi]
    Wtt, Wtc = W[:m1, :m1], W[:m1, m1:]
    shift = np.linalg.solve(Wtt, Wtc @ s[m1:])       # the best univariate statistics given r = 0
    e = np.concatenate([-shift, s[m1:]])
    return float(e @ W @ e)


def _incremental(T, df, Tb, dfb, suffix):
    out = {f"cfi{suffix}": cfi(T, df, Tb, dfb), f"tli{suffix}": tli(T, df, Tb, dfb)}
    out[f"nfi{suffix}"] = (Tb - T) / Tb if Tb > 0 else np.nan
    out[f"ifi{suffix}"] = (Tb - T) / (Tb - df) if Tb != df else np.nan
    out[f"rfi{suffix}"] = ((Tb / dfb - T / df) / (Tb / dfb)) if df > 0 and dfb > 0 and Tb > 0 else np.nan
    return out


def _residual_indices(est, theta, n, df):
    N = n.sum()
    gfi_g, srmr, rmr = [], 0.0, 0.0
    for gi, st in enumerate(est.stats):
        implied, _ = est.implied(theta, gi, jacobian=False)
        s = est.obs[gi]
        e = s - implied
        gfi_g.append(1 - float(e @ est._weighted(gi, e)) / float(s @ est._weighted(gi, s)))
        pi, pj = pair_index(st.p)
        pairs = e[len(s) - len(pi):]
        th = e[:len(st.th_owner)][st.ordered[st.th_owner]]       # thresholds, not means
        # lavaan averages over the p(p+1)/2 elements of the correlation matrix (the diagonal's
        # residuals are 0) and, for rmr, the thresholds too
        srmr += n[gi] / N * np.sqrt(np.sum((pairs / np.sqrt(st.var[pi] * st.var[pj])) ** 2)
                                    / (len(pi) + st.p))
        rmr += n[gi] / N * np.sqrt((np.sum(pairs ** 2) + np.sum(th ** 2)) / (len(pi) + st.p + len(th)))
    gfi = float(n @ np.array(gfi_g) / N)
    nel = sum(len(o) for o in est.obs)
    return {"gfi": gfi, "agfi": 1 - (nel / df) * (1 - gfi) if df > 0 else np.nan,
            "pgfi": (df / nel) * gfi, "srmr": srmr, "rmr": rmr}


def catml_robust(est, theta, D, E_inv, df, dfb) -> dict:
    """Savalei's (2021) robust CFI/RMSEA ingredients: the ML fit of the correlation structure at the
    DWLS estimates and its scaling, as lavaan's ``lav_fit_catml_dwls``; NaN with continuous variables
    or a non-positive-definite polychoric matrix."""
    nan = {"XX3": np.nan, "df3": np.nan, "c": np.nan, "XX3.null": np.nan, "c.null": np.nan}
    if any((~st.ordered).any() for st in est.stats):
        return nan
    # lavaan builds the ML fit from the parameter table without thresholds and intercepts; with
    # those held equal across groups its equality constraints break and it gives NA: so do we
    t = est.spec.table
    dropped = t[t["op"].isin(["|", "~1"]) & (t["free"] > 0)]
    if dropped["free"].duplicated().any():
        return nan
    f = est.f
    XX3 = XX3_null = 0.0
    V, Wc, Dc, Gc = [], [], [], []
    for gi, st in enumerate(est.stats):
        R = st.cor
        if np.linalg.eigvalsh(R)[0] < np.sqrt(np.finfo(float).eps):
            return nan
        sigma, *_ = est.model.moments(theta, gi)
        d = est.model.scales(theta, gi, sigma)
        S = sigma * np.outer(d, d)
        W = np.linalg.inv(S)
        p = st.p
        XX3 += st.n * (np.linalg.slogdet(S)[1] + np.trace(R @ W) - np.linalg.slogdet(R)[1] - p)
        XX3_null += st.n * (-np.linalg.slogdet(R)[1])
        pi, pj = pair_index(p)
        # normal-theory information of the correlations (off-diagonal elements only)
        V.append(W[np.ix_(pi, pi)] * W[np.ix_(pj, pj)] + W[np.ix_(pi, pj)] * W[np.ix_(pj, pi)])
        m1 = len(est.obs[gi]) - len(pi)
        Wc.append(f[gi] * _mat(est.W[gi])[m1:, m1:])
        Dc.append(D[gi][m1:])
        Gc.append(est.gamma[gi][m1:, m1:] / f[gi])
    V_all = block_diag([f[g] * V[g] for g in range(len(V))])
    W_all = block_diag(Wc)
    G_all = block_diag(Gc)
    D_all = np.vstack(Dc)
    WiU = np.eye(len(W_all)) - D_all @ E_inv @ D_all.T @ W_all
    ks = float(np.sum((WiU.T @ V_all @ WiU) * G_all.T))
    n_th_params = len({int(r.free) for r in est.spec.table.itertuples() if r.free > 0 and r.op in ("|", "~1")})
    df3 = len(W_all) - (est.q - n_th_params)
    c = ks / df3 if df3 > 0 else np.nan        # a saturated model has no scaling to estimate
    c_null = float(np.trace(G_all)) / dfb
    return {"XX3": XX3, "df3": df3, "c": c, "XX3.null": XX3_null, "c.null": c_null}
