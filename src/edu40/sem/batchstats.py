"""Replication statistics for a stack of fitted draws, and the stacked sample moments.

The same quantities as :meth:`Refitter.statistics` (estimates, defined
effects, std.all, R², fit indices) for every draw of a chunk at once, from
the stacked arrays of :class:`edu40.sem.batch.BatchModel`; the formulas are
those of :mod:`edu40.sem.standardize` and :mod:`edu40.sem.indices`, each
applied along the draw axis.

Bootstrap moments come from the resampling counts ``c_b`` of each draw: with
the rows centred at the full-sample mean, ``X0 = X - xbar``, a draw's means
and covariance are ``m_b = c_b'X0 / n`` and ``c_b'(x0 x0') / n - m_b m_b'``,
so a whole chunk is one matrix product of the counts with the rows' cross
products.  The Bollen-Stine data ``Z = X0 T (+ mu)`` are an affine map of the
same rows, so a draw of them has moments ``T'C_b T`` and ``m_b T (+ mu)``
without touching the rows again.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .batch import cholesky_rows
from .indices import rmsea_ci_many

__all__ = ["BootMoments", "batch_statistics", "standardize_many", "central_jacobian"]

_LOG2PI = np.log(2 * np.pi)
# the counts-times-cross-products product is used while the cross products fit in this many numbers
_CROSS_LIMIT = 2e7


class BootMoments:
    """Moments of bootstrap draws of one group's rows, computed a chunk at a time."""

    def __init__(self, X, divisor_offset=0):
        self.X = X
        self.n, self.p = X.shape
        self.xbar = X.mean(axis=0)
        self.X0 = X - self.xbar
        self.off = divisor_offset                  # 1 for the Wishart (n - 1) covariance
        self.rows, self.cols = np.tril_indices(self.p)
        self.cross = None
        if self.n * len(self.rows) <= _CROSS_LIMIT:
            self.cross = self.X0[:, self.rows] * self.X0[:, self.cols]

    def draws(self, idx):
        """``(cov, m0)`` of the draws with row indices ``idx`` (B x n); ``m0`` = mean - xbar."""
        B, n, p = len(idx), self.n, self.p
        if self.cross is not None:
            flat = (idx + n * np.arange(B)[:, None]).ravel()
            counts = np.bincount(flat, minlength=B * n).reshape(B, n).astype(float)
            m0 = counts @ self.X0 / n
            vech = counts @ self.cross / n
            cov = np.empty((B, p, p))
            cov[:, self.rows, self.cols] = vech
            cov[:, self.cols, self.rows] = vech
            cov -= m0[:, :, None] * m0[:, None, :]
        else:                                       # many rows: one product per draw
            cov = np.empty((B, p, p))
            m0 = np.empty((B, p))
            for b in range(B):
                Xb = self.X0[idx[b]]
                m0[b] = Xb.mean(axis=0)
                Xc = Xb - m0[b]
                cov[b] = Xc.T @ Xc / n
        if self.off:
            cov *= n / (n - self.off)
        return cov, m0


def sample_stack(cov, mean):
    """``{"cov", "mean", "logdet"}`` of a stack of sample moments, and which are positive definite."""
    L, ok = cholesky_rows(cov)
    logdet = 2.0 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    return {"cov": cov, "mean": mean, "logdet": logdet}, ok


# -- statistics -------------------------------------------------------------------------------
def standardize_many(bm, theta, table, est, moments=None):
    """:func:`edu40.sem.standardize.standardize` for each row of ``theta`` (B x q), ``est`` (B x rows)."""
    from .standardize import _index

    moments = moments or [bm.node_variances(theta, gi) for gi in range(len(bm.plans))]
    idx = _index(bm.model, table)
    std = np.full(est.shape, np.nan)
    lhs, rhs = idx["lhs"], idx["rhs"]
    for gi, (load, reg, var, cov, mean, thr, scale) in idx["classes"]:
        node_var, S = moments[gi]
        sd = np.sqrt(np.clip(node_var, 0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            std[:, load] = est[:, load] * sd[:, lhs[load]] / sd[:, rhs[load]]
            std[:, reg] = est[:, reg] * sd[:, rhs[reg]] / sd[:, lhs[reg]]
            std[:, var] = est[:, var] / sd[:, lhs[var]] ** 2
            denom = S[:, lhs[cov], lhs[cov]] * S[:, rhs[cov], rhs[cov]]
            std[:, cov] = np.where(denom != 0, est[:, cov] / np.sqrt(np.abs(denom)), np.nan)
            std[:, mean] = est[:, mean] / sd[:, lhs[mean]]
            std[:, thr] = est[:, thr] / sd[:, lhs[thr]]
            std[:, scale] = 1.0
    std[~np.isfinite(std)] = np.nan
    return std


def central_jacobian(fun, theta, rel_step=1e-6):
    """Central-difference Jacobian of a function that takes a stack of parameter vectors.

    ``fun(Theta) -> (B x m)``; all ``2q`` perturbed vectors go in one call.
    The steps are those of the one-at-a-time loop it replaces,
    ``h_k = rel_step * max(1, |theta_k|)``.
    """
    q = len(theta)
    h = rel_step * np.maximum(1.0, np.abs(theta))
    stack = np.vstack([theta, theta + np.diag(h), theta - np.diag(h)])
    values = fun(stack)
    return values[0], ((values[1:q + 1] - values[q + 1:]) / (2 * h)[:, None]).T


def batch_statistics(rf, bm, theta, samples, fmin, fit_info):
    """Statistic vectors (B x width, the layout of ``Refitter.statistics``) and improper flags."""
    model = bm.model
    table = model.spec.table
    free = table["free"].to_numpy()
    fixed = table["value"].to_numpy(float)
    est = np.where(free > 0, theta[:, np.maximum(free - 1, 0)], fixed)
    parts = [theta]
    if rf.want_defined and rf.defs:
        parts.append(_defined(rf, est))
    moments = [bm.node_variances(theta, gi) for gi in range(len(bm.plans))]
    if rf.want_std:
        std = standardize_many(bm, theta, table, est, moments)
        parts.append(std)
        if rf.defs:
            parts.append(_defined(rf, std))
    if rf.want_r2:
        r2 = np.empty((len(theta), len(rf.r2_nodes)))
        for k, (gi, node) in enumerate(rf.r2_nodes):
            node_var, S = moments[gi]
            total = node_var[:, node]
            with np.errstate(divide="ignore", invalid="ignore"):
                r2[:, k] = np.where(total > 0, 1 - S[:, node, node] / total, np.nan)
        parts.append(r2)
    if rf.fit_measures:
        ind = fit_indices_many(bm, theta, samples, fmin, fit_info, rf.likelihood)
        parts.append(np.column_stack([ind[k] for k in rf.fit_measures]))
    nv = len(rf.ov)
    improper = np.zeros(len(theta), bool)
    for _, S in moments:
        improper |= (np.diagonal(S, axis1=1, axis2=2) < 0).any(axis=1)
        if S.shape[1] > nv:
            improper |= np.linalg.eigvalsh(S[:, nv:, nv:])[:, 0] < 0
    return np.concatenate(parts, axis=1), improper


def _defined(rf, values):
    """``:=`` parameters per draw: the expressions are arithmetic, so they take arrays."""
    if rf._codes is None:
        rf.defined(values[0])              # compiles the expressions once
    env = {}
    for label, row, _, _ in rf.label_rows:
        env.setdefault(label, values[:, row])
    out = []
    for name, code in rf._codes:
        value = np.asarray(eval(code, {"__builtins__": {}}, env), float) * np.ones(len(values))
        env[name] = value
        out.append(value)
    return np.column_stack(out)


def fit_indices_many(bm, theta, samples, fmin, info, likelihood):
    """The varying fit indices of :func:`edu40.sem.indices.fit_index_values`, per draw."""
    model = bm.model
    ms, p = bm.ms, bm.p
    wish = likelihood == "wishart"
    B = len(theta)
    chisq = np.zeros(B)
    logl = np.zeros(B)
    base = np.zeros(B)
    gfi_num = np.zeros(B)
    rmr = np.zeros(B)
    srmr = np.zeros(B)
    N = info["nobs"]
    G = len(bm.plans)
    rows, cols = np.tril_indices(p)
    for gi in range(G):
        n_g = info["n"][gi]
        c = n_g - 1 if wish else n_g
        smp = samples[gi]
        S, ybar, logdet_s = smp["cov"], smp["mean"], smp["logdet"]
        sigma, mu, Ns, _, _, Smat = bm.moments(theta, gi)
        W, logdet, _ = bm.sigma_inverse(sigma, Ns, Smat, bm.plans[gi])
        d = (ybar - mu) if ms else np.zeros((B, p))
        WS = W @ S
        trace = np.einsum("bii->b", WS)
        dwd = np.einsum("bi,bij,bj->b", d, W, d)
        chisq += c * (logdet + trace - logdet_s - p + (dwd if ms else 0.0))
        logl += -0.5 * n_g * (p * _LOG2PI + logdet + trace + dwd)
        base += c * (np.log(np.diagonal(S, axis1=1, axis2=2)).sum(axis=1) - logdet_s)
        E = S - sigma
        WE = W @ E
        t1 = 0.5 * np.einsum("bij,bji->b", WE, WE)
        t2 = 0.5 * np.einsum("bij,bji->b", WS, WS)
        if ms:
            t1 = t1 + dwd
            t2 = t2 + np.einsum("bi,bij,bj->b", ybar, W, ybar)
        gfi_num += n_g * (1 - t1 / t2)
        sd = np.sqrt(np.diagonal(S, axis1=1, axis2=2))
        raw = E[:, rows, cols]
        std = raw / (sd[:, rows] * sd[:, cols])
        if ms:
            dm = ybar - mu
            raw, std = np.concatenate([raw, dm], axis=1), np.concatenate([std, dm / sd], axis=1)
        rmr += n_g / N * np.sqrt(np.mean(np.square(raw), axis=1))
        srmr += n_g / N * np.sqrt(np.mean(np.square(std), axis=1))
    chisq = np.maximum(chisq, 0.0)
    df, base_df, npar, nel = info["df"], info["baseline.df"], info["npar"], info["nel"]
    out = {"chisq": chisq, "pvalue": special.chdtrc(df, chisq) if df > 0 else np.full(B, np.nan),
           "cmin/df": chisq / df if df > 0 else np.full(B, np.nan), "baseline.chisq": base}
    t1 = np.maximum(chisq - df, 0.0)
    t2 = np.maximum(np.maximum(chisq - df, base - base_df), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cfi"] = np.where(np.isclose(t1, 0) & np.isclose(t2, 0), 1.0, 1 - t1 / t2)
        if df > 0 and base_df > 0:
            a, b = base / base_df - chisq / df, base / base_df - 1
            out["tli"] = np.where((a < 0) & (b < 0), 1.0, a / b)
            out["rfi"] = (base / base_df - chisq / df) / (base / base_df)
        else:
            out["tli"] = out["rfi"] = np.full(B, 1.0 if df == 0 else np.nan)
        out["nfi"] = np.where(base > 0, (base - chisq) / base, np.nan)
        out["ifi"] = np.where(base - df != 0, (base - chisq) / (base - df), np.nan)
    n_w = sum(info["n"])
    gfi = gfi_num / n_w
    out["gfi"] = gfi
    out["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else np.ones(B)
    out["pgfi"] = (df / nel) * gfi if nel else np.full(B, np.nan)
    out["rmr"], out["srmr"] = rmr, srmr
    n_rmsea = N - G if wish else N
    if df > 0:
        out["rmsea"] = np.sqrt(np.maximum(chisq / n_rmsea / df - 1 / n_rmsea, 0.0)) * np.sqrt(G)
        out["rmsea.pvalue"] = 1.0 - special.chndtr(chisq, df, n_rmsea * df * 0.05 ** 2 / G)
    else:
        out["rmsea"], out["rmsea.pvalue"] = np.zeros(B), np.full(B, np.nan)
    out["rmsea.ci.lower"], out["rmsea.ci.upper"] = rmsea_ci_many(chisq, df, n_rmsea, G)
    out["logl"] = logl
    out["aic"] = -2 * logl + 2 * npar
    out["bic"] = -2 * logl + npar * np.log(N)
    return out
