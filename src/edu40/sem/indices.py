"""Fit indices exactly as lavaan 0.6 computes them (``fitMeasures``).

All indices come from the sample and implied moments, computed once.

=================  =============================================================
chisq              T = sum_g c_g F_g, c_g = n_g (normal likelihood) or n_g - 1 (Wishart,
                   the AMOS/LISREL convention); FIML: 2 (logL_h1 - logL_h0)
baseline.chisq     the same for the independence model (diagonal Sigma; observed
                   exogenous covariates keep their covariances)
cfi                1 - max(T - df, 0) / max(T - df, Tb - dfb, 0)            (Bentler, 1990)
tli                (Tb/dfb - T/df) / (Tb/dfb - 1)                       (Tucker & Lewis, 1973)
nfi, ifi, rfi      (Tb - T)/Tb; (Tb - T)/(Tb - df); (Tb/dfb - T/df)/(Tb/dfb)  (Bentler & Bonett
                   1980; Bollen, 1989; Bollen, 1986)
gfi                1 - e'V e / s'V s with e = s - sigma(theta) (vech of covariances,
                   plus means if any) and V the ML weight 1/2 D'(W x W)D, W = Sigma^-1
                   (Joreskog & Sorbom, 1984; Tanaka & Huba, 1985), weighted over groups
agfi, pgfi         1 - (nel/df)(1 - gfi); (df/nel) gfi, nel = number of sample moments
rmr, srmr          root mean square of the raw / the Bentler-standardized residuals
                   (s_ij - sigma_ij) / sqrt(s_ii s_jj), diagonal and means included
rmsea              sqrt(max(T/(N df) - 1/N, 0)) sqrt(G), N = n (normal) or n - G (Wishart)
rmsea.ci.*         90% interval by inverting the noncentral chi-square (Browne & Cudeck, 1993)
rmsea.pvalue       P(T >= t | RMSEA = .05), the test of close fit (PCLOSE in AMOS)
aic, bic, logl     -2 logL + 2 npar; -2 logL + npar log N; the normal log-likelihood
=================  =============================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from .engine import chol_inverse, pattern_index, pattern_inverses
from .patterns import group_patterns, pairwise_moments

__all__ = ["compute_fit_indices", "fit_index_values", "FIT_INDEX_NAMES", "saturated_fiml", "rmsea_ci",
           "rmsea_ci_many"]

FIT_INDEX_NAMES = ["npar", "nobs", "chisq", "df", "pvalue", "cmin/df", "baseline.chisq",
                   "baseline.df", "baseline.pvalue", "cfi", "tli", "nfi", "ifi", "rfi", "gfi",
                   "agfi", "pgfi", "rmr", "srmr", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
                   "rmsea.pvalue", "aic", "bic", "logl", "unrestricted.logl"]

_LOG2PI = np.log(2 * np.pi)


def saturated_fiml(X: np.ndarray | None = None, tol=1e-10, max_iter=10000, *, patterns=None, p=None,
                   index=None):
    """EM estimates of the mean vector and covariance matrix with missing data.

    The unrestricted (h1) model under FIML (Dempster, Laird & Rubin, 1977);
    returns ``(mean, cov, loglik)``.  Each iteration works on the
    missing-data patterns' moments (``GroupData.patterns``: observed
    variables, n, mean, covariance), not on the rows: with ``W_p`` the
    inverse of Sigma over a pattern's observed variables (Schur complements,
    :func:`pattern_inverses`), ``B = Sigma_mo W_p`` and the completed means
    ``z_m = mu_m + B (ybar_o - mu_o)``, the pattern adds ``n_p`` times

        [ybar_o; z_m] to T1,   [[S + ybar ybar', .], [z_m ybar' + B S, z_m z_m' + B S B' + C_mm]] to T2

    with ``C_mm = Sigma_mm - B Sigma_om``; then ``mu = T1 / n``,
    ``Sigma = T2 / n - mu mu'``.
    """
    if patterns is None:
        patterns = group_patterns(X)
    n = sum(pn for _, pn, _, _ in patterns)
    p = p if p is not None else max(int(o.max()) for o, *_ in patterns) + 1
    index = pattern_index(patterns, p) if index is None else index
    # starting values: available-case means and variances
    T1 = np.zeros(p)
    cnt = np.zeros(p)
    for obs, pn, mean, cov in patterns:
        T1[obs] += pn * mean
        cnt[obs] += pn
    mu = T1 / cnt
    ss = np.zeros(p)
    for obs, pn, mean, cov in patterns:
        ss[obs] += pn * (np.diag(cov) + (mean - mu[obs]) ** 2)
    sigma = np.diag(ss / cnt)
    prev = -np.inf
    for _ in range(max_iter):
        # the log-likelihood of the current estimates and the next E-step share the inverses
        inverses = pattern_inverses(sigma, index)
        ll = _pattern_loglik(patterns, mu, sigma, index, inverses)
        if abs(ll - prev) < tol * max(1.0, abs(ll)):
            break
        prev = ll
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for (obs, pn, mean, cov), (_, miss, ix_oo, ix_om, ix_mm), (Wo, _) in zip(
                patterns, index, inverses):
            T1[obs] += pn * mean
            T2[ix_oo] += pn * (cov + np.outer(mean, mean))
            if len(miss):
                B = sigma[np.ix_(miss, obs)] @ Wo
                zm = mu[miss] + B @ (mean - mu[obs])
                BS = B @ cov
                T1[miss] += pn * zm
                cross = pn * (np.outer(zm, mean) + BS)
                T2[np.ix_(miss, obs)] += cross
                T2[ix_om] += cross.T
                T2[ix_mm] += pn * (np.outer(zm, zm) + BS @ B.T + sigma[ix_mm] - B @ sigma[ix_om])
        mu = T1 / n
        sigma = T2 / n - np.outer(mu, mu)
        sigma = (sigma + sigma.T) / 2
    return mu, sigma, ll


def _pattern_loglik(patterns, mu, sigma, index=None, inverses=None) -> float:
    ll = 0.0
    index = pattern_index(patterns, len(sigma)) if index is None else index
    inverses = pattern_inverses(sigma, index) if inverses is None else inverses
    for (obs, n, mean, cov), (W, logdet) in zip(patterns, inverses):
        d = mean - mu[obs]
        ll += -0.5 * n * (len(obs) * _LOG2PI + logdet + np.einsum("ij,ji->", cov, W) + d @ W @ d)
    return ll


def rmsea_ci(X2, df, N, G=1, level=0.90):
    """Lower and upper limits of the RMSEA interval (lavaan's lav_fit_rmsea_ci).

    The noncentrality ``lam`` with ``P(chi2(df, lam) <= X2) = (1 +- level)/2``,
    as ``sqrt(lam / (N df)) sqrt(G)``; 0 when the interval reaches zero.
    """
    lower, upper = rmsea_ci_many(np.array([X2], float), df, N, G, level)
    return float(lower[0]), float(upper[0])


def _root_decreasing(fun, lo, hi, rtol=1e-11, max_iter=300):
    """Roots of decreasing functions bracketed by ``[lo, hi]`` (arrays): Illinois false position.

    Stops when the bracket is narrower than ``rtol * max(1, root)`` (an RMSEA
    limit then moves by less than 1e-11) or the function is zero to its
    rounding; a bisection step whenever false position moves the same end
    three times keeps the bracket shrinking.
    """
    a, b = lo.astype(float).copy(), hi.astype(float).copy()
    fa, fb = fun(a), fun(b)
    run = np.zeros(len(a), int)           # +k: a moved k times in a row; -k: b moved
    for _ in range(max_iter):
        todo = (b - a) > rtol * np.maximum(1.0, np.abs(b))
        if not todo.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            x = b - fb * (b - a) / (fb - fa)
        bisect = ~((x > a) & (x < b)) | (np.abs(run) >= 3)
        x = np.where(bisect, 0.5 * (a + b), x)
        fx = fun(x)
        right = fx > 0                    # decreasing: the root lies above x
        move_a, move_b = todo & right, todo & ~right
        # Illinois: when the same end moves again, halve the value kept at the other end
        fa = np.where(move_a, fx, np.where(move_b & (run < 0), 0.5 * fa, fa))
        fb = np.where(move_b, fx, np.where(move_a & (run > 0), 0.5 * fb, fb))
        a = np.where(move_a, x, a)
        b = np.where(move_b, x, b)
        exact = todo & (np.abs(fx) <= 1e-15)          # the value is zero to its rounding: done
        a = np.where(exact, x, a)
        b = np.where(exact, x, b)
        run = np.where(move_a, np.where(run > 0, run + 1, 1), np.where(move_b, np.where(run < 0, run - 1, -1), run))
        run = np.where(todo & bisect, 0, run)
    return 0.5 * (a + b)


def rmsea_ci_many(X2, df, N, G=1, level=0.90):
    """:func:`edu40.sem.indices.rmsea_ci` for an array of chi-squares (same rules, same limits)."""
    X2 = np.asarray(X2, float)
    lower = np.zeros(len(X2))
    upper = np.zeros(len(X2))
    if df < 1:
        return lower, upper
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    finite = np.isfinite(X2)
    x = np.where(finite, X2, 0.0)

    def lo(lam, sel):
        return np.where(lam > 0, special.chndtr(x[sel], df, lam), special.chdtr(df, x[sel])) - upper_p

    def up(lam, sel):
        return np.where(lam > 0, special.chndtr(x[sel], df, lam), special.chdtr(df, x[sel])) - lower_p

    zero = np.zeros(len(x))
    has_lo = np.flatnonzero(finite & (lo(zero, slice(None)) >= 0))
    if len(has_lo):
        lam = _root_decreasing(lambda v: lo(v, has_lo), *_bracket(
            lambda v: lo(v, has_lo), x[has_lo], df, upper_p, zero[has_lo], x[has_lo]))
        lower[has_lo] = np.sqrt(lam / (N * df)) * np.sqrt(G)
    n_rmsea = np.maximum(N, x * 4)
    has_up = np.flatnonzero(finite & ~(up(n_rmsea, slice(None)) > 0) & ~(up(zero, slice(None)) < 0))
    if len(has_up):
        lam = _root_decreasing(lambda v: up(v, has_up), *_bracket(
            lambda v: up(v, has_up), x[has_up], df, lower_p, zero[has_up], n_rmsea[has_up]))
        upper[has_up] = np.sqrt(lam / (N * df)) * np.sqrt(G)
    return lower, upper


def _bracket(fun, X2, df, prob, lo, hi):
    """A narrow bracket around the noncentrality with P(chi2(df, lam) <= X2) = prob.

    From the normal approximation X2 = df + lam + z sqrt(2 (df + 2 lam)),
    widened by 5 %; where it does not bracket the root, the full ``[lo, hi]``.
    """
    z = special.ndtri(prob)
    c = X2 - df + 2 * z * z
    with np.errstate(invalid="ignore"):
        guess = c - np.sign(z) * np.sqrt(np.maximum(c * c - (X2 - df) ** 2 + 2 * z * z * df, 0.0))
    guess = np.clip(np.nan_to_num(guess), lo, hi)
    a = np.clip(0.95 * guess - 1.0, lo, hi)
    b = np.clip(1.05 * guess + 1.0, lo, hi)
    good = (fun(a) >= 0) & (fun(b) <= 0)
    return np.where(good, a, lo), np.where(good, b, hi)


def _vech(M):
    return M[np.tril_indices(len(M))]


def vech_weight(W, rows, cols):
    """1/2 D'(W x W) D over the vech elements (rows, cols); D is the duplication matrix.

    The normal-theory weight of the covariance moments (Browne, 1974).
    """
    p = len(W)
    k = len(rows)
    D = np.zeros((p * p, k))
    D[rows * p + cols, np.arange(k)] = 1.0
    D[cols * p + rows, np.arange(k)] = 1.0
    return 0.5 * D.T @ np.kron(W, W) @ D


def _gfi_terms_exo(m, meanstructure, xi):
    """GFI terms without the moments of the fixed.x covariates (lavaan drops them from s and V)."""
    S, ybar, sigma, mu = m["S"], m["mean"], m["sigma"], m["mu"]
    p = len(S)
    rows, cols = np.tril_indices(p)
    x = np.zeros(p, dtype=bool)
    x[xi] = True
    keep = ~(x[rows] & x[cols])
    W = chol_inverse(sigma)[0]
    V = vech_weight(W, rows[keep], cols[keep])
    e = (S - sigma)[rows[keep], cols[keep]]
    s = S[rows[keep], cols[keep]]
    t1, t2 = e @ V @ e, s @ V @ s
    if meanstructure:
        Wn = W[np.ix_(~x, ~x)]
        d = (ybar - mu)[~x]
        t1 += d @ Wn @ d
        t2 += ybar[~x] @ Wn @ ybar[~x]
    return t1, t2


def _gfi_terms(g, m, meanstructure, W=None):
    """e'Ve and s'Vs of the LISREL GFI with the ML weight V at the implied moments.

    Complete data: V = blockdiag(W, 1/2 D'(W x W)D), W = Sigma^-1, and s the
    sample moments.  FIML (as lavaan): V is the expected information of the
    missing-data patterns, sum_p n_p/n blockdiag(W_p, 1/2 D'(W_p x W_p)D) with
    W_p the inverse of Sigma over the observed variables of pattern p, and s
    the available-case means and pairwise covariances (rescaled by (n-1)/n).
    ``W``: Sigma^-1 when already computed (complete data).
    """
    sigma, mu = m["sigma"], m["mu"]
    if g.patterns is None:
        S, ybar = m["S"], m["mean"]
        blocks = [(np.arange(len(S)), 1.0)]
    else:
        ybar, _, S = pairwise_moments(g.patterns, len(sigma))      # DataFrame.mean() and .cov()
        S = S * (g.n - 1) / g.n
        blocks = [(obs, n / g.n) for obs, n, _, _ in g.patterns]
    E = S - sigma
    t1 = t2 = 0.0
    for obs, weight in blocks:
        if W is None or g.patterns is not None:
            W = chol_inverse(sigma[np.ix_(obs, obs)])[0]
            Eo, So = E[np.ix_(obs, obs)], S[np.ix_(obs, obs)]
        else:
            Eo, So = E, S
        a = 0.5 * np.einsum("ij,ji->", W @ Eo, W @ Eo)
        b = 0.5 * np.einsum("ij,ji->", W @ So, W @ So)
        if meanstructure:
            d = (ybar - mu)[obs]
            a += d @ W @ d
            b += ybar[obs] @ W @ ybar[obs]
        t1 += weight * a
        t2 += weight * b
    return t1, t2


def compute_fit_indices(model, theta, prep, spec, *, likelihood="normal", fiml=False,
                        npar=None) -> tuple[pd.Series, dict]:
    """All fit indices, plus the per-group moments used (for residuals)."""
    out, moments = fit_index_values(model, theta, prep, spec, likelihood=likelihood, fiml=fiml,
                                    npar=npar)
    return pd.Series({k: out[k] for k in FIT_INDEX_NAMES}, name="value", dtype=float), moments


def fit_index_values(model, theta, prep, spec, *, likelihood="normal", fiml=False,
                     npar=None) -> tuple[dict, dict]:
    """:func:`compute_fit_indices` as a dict of floats (replications need no Series)."""
    groups = prep.groups
    G = len(groups)
    p = len(spec.ov)
    nx = len(spec.roles["ov.x"]) if spec.table["exo"].any() else 0
    ms = model.meanstructure
    npar = model.q if npar is None else npar
    per_group_moments = p * (p + 1) // 2 + (p if ms else 0)
    x_moments = nx * (nx + 1) // 2 + (nx if ms else 0)
    ndat = G * (per_group_moments - x_moments)
    df = ndat - npar
    wish = likelihood == "wishart"
    N = prep.n_total
    moments = []
    logl = unres = 0.0
    chisq = base = 0.0
    inverses = []
    for gi, g in enumerate(groups):
        sigma, mu = model._sigma_mu(theta, gi)
        if g.patterns is None:
            S, ybar = g.cov, g.mean
            c = g.n - 1 if wish else g.n
            W, logdet = chol_inverse(sigma)
            inverses.append(W)
            d = (ybar - mu) if ms else np.zeros(p)
            trace, dwd = np.vdot(S, W), d @ W @ d
            logdet_s = (model._logdet_s[gi] if model.groups[gi] is g and np.isfinite(model._logdet_s[gi])
                        else np.linalg.slogdet(S)[1])
            # F of the group (RAMModel._group_f), from the same inverse
            chisq += c * (logdet + trace - logdet_s - p + (dwd if ms else 0.0))
            logl += -0.5 * g.n * (p * _LOG2PI + logdet + trace + dwd)
            unres += -0.5 * g.n * (p * _LOG2PI + logdet_s + p)
            xi = [spec.ov.index(v) for v in spec.roles["ov.x"]] if nx else []
            if nx:   # lavaan's logL is conditional on the fixed.x covariates: drop their marginal
                x_marginal = -0.5 * g.n * (nx * _LOG2PI + np.linalg.slogdet(S[np.ix_(xi, xi)])[1] + nx)
                logl -= x_marginal
                unres -= x_marginal
            base_logdet = np.log(np.diag(S)).sum()
            if nx:
                noxi = [i for i in range(p) if i not in xi]
                base_logdet = (np.log(np.diag(S)[noxi]).sum()
                               + np.linalg.slogdet(S[np.ix_(xi, xi)])[1])
            base += c * (base_logdet - logdet_s)
        else:
            pset = model._psets[gi] if model.groups[gi] is g else None
            index = pset.index if pset is not None else pattern_index(g.patterns, g.p)
            mu_h1, S, ll_h1 = saturated_fiml(patterns=g.patterns, p=g.p, index=index)
            ybar = mu_h1
            ll = _pattern_loglik(g.patterns, mu, sigma, index)
            logl += ll
            unres += ll_h1
            chisq += 2 * (ll_h1 - ll)
            # independence model: each variable's own ML mean and variance
            mu_b = np.nanmean(g.raw, axis=0)
            var_b = np.nanvar(g.raw, axis=0)
            base += 2 * (ll_h1 - _pattern_loglik(g.patterns, mu_b, np.diag(var_b), index))
            inverses.append(None)
        moments.append({"S": S, "mean": ybar, "sigma": sigma, "mu": mu, "n": g.n})
    chisq = max(chisq, 0.0)
    base_df = G * (p * (p - 1) // 2 - nx * (nx - 1) // 2)
    # special.chdtrc is the ufunc behind scipy.stats.chi2.sf
    out = {"npar": npar, "nobs": N, "chisq": chisq, "df": df,
           "pvalue": special.chdtrc(df, chisq) if df > 0 else np.nan,
           "cmin/df": chisq / df if df > 0 else np.nan,
           "baseline.chisq": base, "baseline.df": base_df,
           "baseline.pvalue": special.chdtrc(base_df, base) if base_df > 0 else np.nan}
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, base - base_df, 0.0)
    out["cfi"] = 1.0 if np.isclose(t1, 0) and np.isclose(t2, 0) else 1 - t1 / t2
    if df > 0 and base_df > 0:
        a, b = base / base_df - chisq / df, base / base_df - 1
        out["tli"] = 1.0 if (a < 0 and b < 0) else a / b
        out["rfi"] = (base / base_df - chisq / df) / (base / base_df)
    else:
        out["tli"] = out["rfi"] = 1.0 if df == 0 else np.nan
    out["nfi"] = (base - chisq) / base if base > 0 else np.nan
    out["ifi"] = (base - chisq) / (base - df) if base - df != 0 else np.nan
    gfi_num, gfi_w, rmr, srmr, nel = 0.0, 0.0, 0.0, 0.0, 0
    for m, g, W in zip(moments, groups, inverses):
        S, sigma = m["S"], m["sigma"]
        E = S - sigma
        if nx and g.patterns is None:
            t1, t2 = _gfi_terms_exo(m, ms, [spec.ov.index(v) for v in spec.roles["ov.x"]])
        else:
            t1, t2 = _gfi_terms(g, m, ms, W)
        gfi_num += m["n"] * (1 - t1 / t2)
        gfi_w += m["n"]
        nel += per_group_moments   # lavaan counts every moment here, covariates' included
        sd = np.sqrt(np.diag(S))
        low = np.tri(len(S), dtype=bool)
        raw, std = E[low], (E / np.outer(sd, sd))[low]
        if ms:
            dm = m["mean"] - m["mu"]
            raw, std = np.concatenate([raw, dm]), np.concatenate([std, dm / sd])
        rmr += m["n"] / N * np.sqrt(np.mean(np.square(raw)))
        srmr += m["n"] / N * np.sqrt(np.mean(np.square(std)))
    gfi = gfi_num / gfi_w
    out["gfi"] = gfi
    out["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else 1.0
    out["pgfi"] = (df / nel) * gfi if nel else np.nan
    out["rmr"] = rmr
    out["srmr"] = srmr
    n_rmsea = N - G if wish else N
    out["rmsea"] = np.sqrt(max(chisq / n_rmsea / df - 1 / n_rmsea, 0.0)) * np.sqrt(G) if df > 0 else 0.0
    lo, up = rmsea_ci(chisq, df, n_rmsea, G)
    out["rmsea.ci.lower"], out["rmsea.ci.upper"] = lo, up
    # P(T >= chisq | RMSEA = .05); lavaan computes it as 1 - pchisq(chisq, df, ncp)
    out["rmsea.pvalue"] = (1.0 - special.chndtr(chisq, df, n_rmsea * df * 0.05 ** 2 / G)
                           if df > 0 else np.nan)
    out["logl"] = logl
    out["unrestricted.logl"] = unres
    out["aic"] = -2 * logl + 2 * npar
    out["bic"] = -2 * logl + npar * np.log(N)
    return out, {"groups": moments}
