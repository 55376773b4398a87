"""Robust maximum likelihood: MLM (Satorra-Bentler) and MLR (Yuan-Bentler, Huber-White; FIML too).

The ML estimates are those of :mod:`edu40.sem.engine`; what changes is how
their uncertainty and the fit are judged when the data are not normal
(Likert answers rarely are).  With m = (μ, vech Σ) the moments, Δ = ∂m/∂θ',
V the normal-theory weight blockdiag(Σ⁻¹, ½ D'(Σ⁻¹ ⊗ Σ⁻¹) D) at the model
(Browne, 1974), per group and summed with weights f_g = n_g / N:

MLM (lavaan ``estimator = "MLM"``)
    Γ the asymptotic covariance of the sample moments from the fourth
    moments of the data, Γ = (1/n) Σ_i (z_i - z̄)(z_i - z̄)', z_i = vech((y_i - ȳ)(y_i - ȳ)')
    (Browne, 1984);  Cov(θ̂) = E⁻¹ Δ'VΓVΔ E⁻¹ / N with E = Δ'VΔ;
    T_SB = T / c, c = tr(UΓ)/df  (Satorra & Bentler, 1994).

MLR (lavaan ``estimator = "MLR"``)
    A the observed information (Hessian), B = (1/N) Σ_i s_i s_i' the cross-products
    of the casewise scores s_i = Δ' ∂ log f(y_i)/∂m (missing data: the observed part of
    each case, FIML);  Cov(θ̂) = A⁻¹ B A⁻¹ / N (Huber, 1967; White, 1982);
    T_YB = T / c, c = [Σ_g tr(B₁ A₁⁻¹) - f_g tr(B₀ A⁻¹)] / df with A₁, B₁ the observed
    and first-order information of the saturated model (at the EM estimates with
    missing data) and B₀ = Δ' B(Σ̂) Δ (Yuan & Bentler, 2000; lavaan's Mplus variant).

Robust CFI/TLI/RMSEA use ĉ = c (Brosseau-Liard, Savalei & Li, 2012; Brosseau-
Liard & Savalei, 2014); with FIML they come from the complete-data fit to the
EM moments and the correction of Zhang & Savalei (2020; lavaan's FIML-C V3).

References
----------
Browne, M. W. (1974). Generalized least squares estimators in the analysis of
covariance structures. *South African Statistical Journal, 8*, 1-24.
Huber, P. J. (1967). The behavior of maximum likelihood estimates under
nonstandard conditions. *Proc. Fifth Berkeley Symposium, 1*, 221-233.
White, H. (1982). Maximum likelihood estimation of misspecified models.
*Econometrica, 50*, 1-25.
Zhang, X., & Savalei, V. (2020). Examining the effect of missing data on RMSEA
and CFI under normal theory full-information maximum likelihood. *Structural
Equation Modeling, 27*, 219-239.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import block_diag

from .indices import saturated_fiml, vech_weight
from .robust import c_hat, cfi, robust_rmsea_block, scaled_test, tli, ug_matrix
from .standardize import moment_jacobian

__all__ = ["robust_ml"]


def _vech_index(p):
    return np.tril_indices(p)


def normal_weight(sigma, meanstructure):
    """blockdiag(Σ⁻¹, ½ D'(Σ⁻¹ ⊗ Σ⁻¹) D): the unit information of (μ, vech Σ) under normality."""
    W = np.linalg.inv(sigma)
    rows, cols = _vech_index(len(sigma))
    V = vech_weight(W, rows, cols)
    if not meanstructure:
        return V
    p = len(sigma)
    out = np.zeros((p + len(V), p + len(V)))
    out[:p, :p] = W
    out[p:, p:] = V
    return out


def casewise_scores(X, mu, sigma, meanstructure):
    """∂ log f(y_i)/∂(μ, vech Σ) for every row; NaN cells are missing (only the observed part counts)."""
    n, p = X.shape
    rows, cols = _vech_index(p)
    twice = np.where(rows == cols, 1.0, 2.0)
    S = np.zeros((n, (p if meanstructure else 0) + len(rows)))
    observed = ~np.isnan(X)
    keys, inverse = np.unique(observed, axis=0, return_inverse=True)
    for k, mask in enumerate(keys):
        idx = np.flatnonzero(inverse.ravel() == k)
        o = np.flatnonzero(mask)
        W = np.linalg.inv(sigma[np.ix_(o, o)])
        d = X[np.ix_(idx, o)] - mu[o]
        Wd = d @ W                                   # (cases, |o|)
        Wfull = np.zeros((p, p))
        Wfull[np.ix_(o, o)] = W
        G = np.zeros((len(idx), p, p))
        G[:, o[:, None], o[None, :]] = 0.5 * (Wd[:, :, None] * Wd[:, None, :] - W[None])
        S[idx, -len(rows):] = G[:, rows, cols] * twice
        if meanstructure:
            S[np.ix_(idx, o)] = Wd
    return S


def adf_gamma(X, meanstructure):
    """Γ from the fourth moments (lavaan's ``lav_samplestats_Gamma``, divisor n)."""
    n, p = X.shape
    rows, cols = _vech_index(p)
    Xc = X - X.mean(axis=0)
    Z = Xc[:, rows] * Xc[:, cols]
    Z = Z - Z.mean(axis=0)
    if meanstructure:
        Z = np.hstack([Xc, Z])
    return Z.T @ Z / n


def h1_observed_information(patterns, mu, sigma, n, meanstructure=True):
    """Observed information (per case) of the saturated normal model with missing data at (μ, Σ).

    Pattern by pattern with W = Σ_oo⁻¹ and C the pattern's average (y - μ)(y - μ)':
    I_μμ = W, I_μσ = (W d̄ ⊗ W) D, I_σσ = D'[½(W ⊗ WCW) + ½(WCW ⊗ W) - ½(W ⊗ W)]D.
    """
    p = len(mu)
    rows, cols = _vech_index(p)
    k = len(rows)
    Dmat = np.zeros((p * p, k))
    Dmat[rows * p + cols, np.arange(k)] = 1.0
    Dmat[cols * p + rows, np.arange(k)] = 1.0
    I_mm = np.zeros((p, p))
    I_ms = np.zeros((p, p * p))
    I_ss = np.zeros((p * p, p * p))
    for obs, n_p, mean, cov in patterns:
        o = np.asarray(obs)
        W = np.zeros((p, p))
        W[np.ix_(o, o)] = np.linalg.inv(sigma[np.ix_(o, o)])
        d = np.zeros(p)
        d[o] = mean - mu[o]
        C = np.zeros((p, p))
        C[np.ix_(o, o)] = cov + np.outer(mean - mu[o], mean - mu[o])
        WCW = W @ C @ W
        I_mm += n_p * W
        I_ms += n_p * np.kron((W @ d)[None, :], W).reshape(p, p * p)
        I_ss += n_p * (0.5 * np.kron(W, WCW) + 0.5 * np.kron(WCW, W) - 0.5 * np.kron(W, W))
    I_ms = I_ms @ Dmat
    I_ss = Dmat.T @ I_ss @ Dmat
    if not meanstructure:
        return I_ss / n
    return np.block([[I_mm, I_ms], [I_ms.T, I_ss]]) / n


def _group_jacobian(ram, theta, gi, meanstructure):
    J, Jm, _ = moment_jacobian(ram, theta, gi)
    return np.vstack([Jm, J]) if meanstructure else J


def robust_ml(estimator, ram, theta, prep, spec, indices, *, fiml=False, information=None):
    """Robust standard errors and test statistics for ``estimator`` ("MLM" or "MLR").

    Returns ``(vcov, extra)`` with ``extra`` the lavaan-named fit measures to add.
    """
    ms = ram.meanstructure
    groups = prep.groups
    n = np.array([g.n for g in groups], float)
    N = n.sum()
    f = n / N
    df = indices["df"]
    T = indices["chisq"]
    D = [_group_jacobian(ram, theta, gi, ms) for gi in range(len(groups))]
    V = []
    for gi in range(len(groups)):
        sigma, *_ = ram.moments(theta, gi)
        V.append(normal_weight(sigma, ms))
    if estimator == "MLM":
        E = sum(f[g] * D[g].T @ V[g] @ D[g] for g in range(len(groups)))
        E_inv = np.linalg.inv(E)
        Gamma = [adf_gamma(g.raw, ms) for g in groups]
        middle = sum(f[g] * D[g].T @ V[g] @ Gamma[g] @ V[g] @ D[g] for g in range(len(groups)))
        vcov = E_inv @ middle @ E_inv / N
        test = scaled_test(T, df, ug_matrix(V, D, E_inv, Gamma, f), "satorra.bentler")
        base = _baseline_sb(groups, f, ms, indices)
    else:
        A = ram.observed_information(theta) if information is None else information
        A_inv = np.linalg.inv(A)
        B0 = []
        for gi, g in enumerate(groups):
            sigma, mu, *_ = ram.moments(theta, gi)
            mu_used = mu if ms else np.nanmean(g.raw, axis=0)
            sc = casewise_scores(g.raw, mu_used, sigma, ms) @ D[gi]
            B0.append(sc.T @ sc / g.n)
        B = sum(f[g] * B0[g] for g in range(len(groups)))
        vcov = A_inv @ B @ A_inv / N
        trace = 0.0
        h1 = []
        for gi, g in enumerate(groups):
            A1, B1, h1_moments = _h1_information(g, ms, fiml)
            h1.append((A1, B1, h1_moments))
            trace += np.sum(B1 * np.linalg.inv(A1).T) - f[gi] * np.sum(B0[gi] * A_inv.T)
        test = scaled_test(T, df, kind="yuan.bentler.mplus", trace=trace)
        base = _baseline_yb(groups, f, ms, indices, h1, fiml)
    extra = {"chisq.scaled": test["stat"], "df.scaled": df, "pvalue.scaled": test["pvalue"],
             "chisq.scaling.factor": test["scaling.factor"],
             "baseline.chisq.scaled": base["stat"], "baseline.df.scaled": base["df"],
             "baseline.pvalue.scaled": base["pvalue"], "baseline.chisq.scaling.factor": base["scaling.factor"]}
    Tb, dfb = indices["baseline.chisq"], indices["baseline.df"]
    G = len(groups)
    extra.update(_incremental(test["stat"], df, base["stat"], dfb))
    if fiml:
        rob = fiml_corrected(ram, theta, groups, f, D, h1, ms, indices)
        XX3, df3, c, XX3b, cb = rob["XX3"], df, rob["c"], rob["XX3.null"], rob["c.null"]
    else:
        XX3, df3, c, XX3b, cb = T, df, c_hat(test), Tb, c_hat(base)
    extra["cfi.robust"] = cfi(XX3, df, XX3b, dfb, c, cb)
    extra["tli.robust"] = tli(XX3, df, XX3b, dfb, c, cb)
    tr = test.get("trace.UGamma", np.nan)
    block = robust_rmsea_block(T, tr, N, G)
    extra.update({f"{k}.scaled": v for k, v in block.items()})
    extra.update(robust_rmsea_block(XX3, df3, N, G, c, ".robust", X2_scaled=XX3 / c))
    return vcov, extra


def _incremental(T, df, Tb, dfb):
    return {"cfi.scaled": cfi(T, df, Tb, dfb), "tli.scaled": tli(T, df, Tb, dfb),
            "nfi.scaled": (Tb - T) / Tb if Tb > 0 else np.nan,
            "ifi.scaled": (Tb - T) / (Tb - df) if Tb != df else np.nan,
            "rfi.scaled": (Tb / dfb - T / df) / (Tb / dfb) if df > 0 and dfb > 0 and Tb > 0 else np.nan}


def _baseline_jacobian(p, ms):
    """∂(μ, vech Σ)/∂(means, variances) of the independence model."""
    rows, cols = _vech_index(p)
    diag = np.flatnonzero(rows == cols)
    off = p if ms else 0
    D = np.zeros((off + len(rows), off + p))
    if ms:
        D[np.arange(p), np.arange(p)] = 1.0
    D[off + diag, off + np.arange(p)] = 1.0
    return D


def _baseline_sb(groups, f, ms, indices):
    """The Satorra-Bentler scaling of the independence model (fitted by MLM itself, as lavaan)."""
    V, D, Gm = [], [], []
    q = 0
    blocks = []
    for g in groups:
        p = g.p
        sigma_b = np.diag(np.diag(g.cov))
        V.append(normal_weight(sigma_b, ms))
        blocks.append(_baseline_jacobian(p, ms))
        Gm.append(adf_gamma(g.raw, ms))
        q += blocks[-1].shape[1]
    col = 0
    for b in blocks:
        Dg = np.zeros((b.shape[0], q))
        Dg[:, col:col + b.shape[1]] = b
        D.append(Dg)
        col += b.shape[1]
    E = sum(fg * Dg.T @ Vg @ Dg for fg, Dg, Vg in zip(f, D, V))
    return scaled_test(indices["baseline.chisq"], indices["baseline.df"],
                       ug_matrix(V, D, np.linalg.inv(E), Gm, f), "satorra.bentler")


def _h1_information(g, ms, fiml):
    """A₁ (observed = expected at the saturated estimates) and B₁ of one group, and those estimates."""
    if g.patterns is None:
        mu = g.raw.mean(axis=0)
        Xc = g.raw - mu
        sigma = Xc.T @ Xc / g.n
        A1 = normal_weight(sigma, ms)
    else:
        mu, sigma, _ = saturated_fiml(g.raw)
        A1 = h1_observed_information(g.patterns, mu, sigma, g.n, ms)
    sc = casewise_scores(g.raw, mu, sigma, ms)
    return A1, sc.T @ sc / g.n, (mu, sigma)


def _baseline_yb(groups, f, ms, indices, h1, fiml):
    """The Yuan-Bentler (Mplus) scaling of the independence model, fitted by MLR as lavaan does."""
    trace = 0.0
    infos, B0s = [], []
    for gi, g in enumerate(groups):
        p = g.p
        if g.patterns is None:
            mu_b = g.raw.mean(axis=0)
            var_b = g.raw.var(axis=0)
        else:
            mu_b = np.nanmean(g.raw, axis=0)
            var_b = np.nanvar(g.raw, axis=0)
        sigma_b = np.diag(var_b)
        Db = _baseline_jacobian(p, ms)
        sc = casewise_scores(g.raw, mu_b if ms else np.nanmean(g.raw, axis=0), sigma_b, ms) @ Db
        B0s.append(sc.T @ sc / g.n)
        # observed information of the independence model: per variable, -d² log L of N(μ, σ²)
        obs = ~np.isnan(g.raw)
        info = np.zeros((Db.shape[1], Db.shape[1]))
        for j in range(p):
            x = g.raw[obs[:, j], j]
            dj = x - mu_b[j]
            v = var_b[j]
            iv = (p if ms else 0) + j
            info[iv, iv] = np.sum(-0.5 / v ** 2 + dj ** 2 / v ** 3) / g.n
            if ms:
                info[j, j] = len(x) / v / g.n
                info[j, iv] = info[iv, j] = np.sum(dj) / v ** 2 / g.n
        infos.append(info)
    A = np.zeros((sum(i.shape[0] for i in infos),) * 2)
    col = 0
    for gi, info in enumerate(infos):
        k = info.shape[0]
        A[col:col + k, col:col + k] = f[gi] * info
        col += k
    A_inv = np.linalg.inv(A)
    col = 0
    for gi, (A1, B1, _) in enumerate(h1):
        k = infos[gi].shape[0]
        A_g = A_inv[col:col + k, col:col + k]
        trace += np.sum(B1 * np.linalg.inv(A1).T) - f[gi] * np.sum(B0s[gi] * A_g.T)
        col += k
    return scaled_test(indices["baseline.chisq"], indices["baseline.df"], kind="yuan.bentler.mplus",
                       trace=trace)


def fiml_corrected(ram, theta, groups, f, D, h1, ms, indices):
    """lavaan's ``lav_fit_fiml_corrected`` (version V3) for the robust CFI/RMSEA under FIML."""
    XX3 = 0.0
    Wm, Wc, Jm = [], [], []
    for gi, g in enumerate(groups):
        A1, B1, (mu_t, sigma_t) = h1[gi]
        sigma, mu, *_ = ram.moments(theta, gi)
        W = np.linalg.inv(sigma)
        p = len(mu)
        d = mu_t - mu
        XX3 += g.n * (np.linalg.slogdet(sigma)[1] + np.trace(sigma_t @ W) - np.linalg.slogdet(sigma_t)[1]
                      - p + d @ W @ d)
        Wm.append(A1)
        Jm.append(B1)
        Wc.append(normal_weight(sigma_t, ms))
    df3 = indices["df"]
    E = sum(f[g] * D[g].T @ Wm[g] @ D[g] for g in range(len(groups)))

    def k_value(Dlist, E):
        U_blocks = _u_blocks(Wm, Dlist, np.linalg.inv(E), f)
        Wmi = [np.linalg.inv(w) for w in Wm]
        Wmi_all = block_diag(*[wi / fg for wi, fg in zip(Wmi, f)])
        Wc_all = block_diag(*[fg * w for w, fg in zip(Wc, f)])
        Gam = block_diag(*[(wi @ j @ wi) / fg for wi, j, fg in zip(Wmi, Jm, f)])
        return float(np.trace(U_blocks @ Wmi_all @ Wc_all @ Wmi_all @ U_blocks @ Gam))

    k = k_value(D, E)
    # independence model: variances and means of each variable (FIML estimates)
    XX3b = 0.0
    Db_list = []
    qb = 0
    for g in groups:
        qb += g.p * (2 if ms else 1)
    col = 0
    Eb = np.zeros((qb, qb))
    for gi, g in enumerate(groups):
        mu_t, sigma_t = h1[gi][2]
        mu_b = np.nanmean(g.raw, axis=0)
        var_b = np.nanvar(g.raw, axis=0)
        p = g.p
        d = mu_t - mu_b
        XX3b += g.n * (np.sum(np.log(var_b)) + np.sum(np.diag(sigma_t) / var_b) - np.linalg.slogdet(sigma_t)[1]
                       - p + np.sum(d * d / var_b))
        b = _baseline_jacobian(p, ms)
        Dg = np.zeros((b.shape[0], qb))
        Dg[:, col:col + b.shape[1]] = b
        col += b.shape[1]
        Db_list.append(Dg)
        Eb += f[gi] * Dg.T @ Wm[gi] @ Dg
    kb = k_value(Db_list, Eb)
    c = k / df3
    c_null = kb / indices["baseline.df"]
    return {"XX3": XX3, "c": c, "XX3.null": XX3b, "c.null": c_null}


def _u_blocks(Wm, D, E_inv, f):
    W_all = block_diag(*[fg * w for fg, w in zip(f, Wm)])
    D_all = np.vstack(D)
    WD = W_all @ D_all
    return W_all - WD @ E_inv @ WD.T
