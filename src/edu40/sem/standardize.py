"""Standardized solution (lavaan's ``std.all``), R², and the Jacobian of implied moments.

std.all rules (lavaan ``lav_standardize_all``):

* ``f =~ x``:   lambda * sd(f) / sd(x)
* ``y ~ x``:    b * sd(x) / sd(y)
* ``v ~~ v``:   variance / total variance of v  (1 - R² for an outcome)
* ``a ~~ b``:   covariance / sqrt(var_a var_b) of the two (residual) variances
  in the model, i.e. a (residual) correlation
* ``v ~1``:     mean / sd(v)
* ``u | t``:     threshold / sd(u*)  (the latent response of an ordered variable)
* ``u ~*~ u``:   1

where sd() are model-implied standard deviations.
"""

from __future__ import annotations

import numpy as np

__all__ = ["standardize", "r_squared", "moment_jacobian"]


def _index(model, table):
    """Positions and row classes of each row of ``table``, computed once per table.

    Kept on the model's spec, which replications of one model share, so a
    bootstrap draw does not rebuild it.
    """
    holder = model.spec
    cache = getattr(holder, "_std_index", None)
    if cache is not None and cache[0] is table:   # the object itself: an id() can be reused
        return cache[1]
    pos = {v: i for i, v in enumerate(model.spec.variables)}
    op = table["op"].to_numpy()
    lhs = np.array([pos.get(v, -1) for v in table["lhs"]], int)
    rhs = np.array([pos.get(v, -1) for v in table["rhs"]], int)
    grp = table["group"].to_numpy()
    classes = []
    for gi in np.unique(grp):
        g = grp == gi
        classes.append((gi, [np.flatnonzero(g & k) for k in (
            op == "=~", op == "~", (op == "~~") & (lhs == rhs), (op == "~~") & (lhs != rhs),
            op == "~1", op == "|", op == "~*~")]))
    idx = {"op": op, "lhs": lhs, "rhs": rhs, "group": grp, "classes": classes}
    holder._std_index = (table, idx)
    return idx


def standardize(model, theta, table, values=None):
    """std.all value of every row of ``table`` (``values`` overrides the estimates)."""
    idx = _index(model, table)
    est = np.asarray(table["est"] if values is None else values, float)
    out = np.full(len(est), np.nan)
    lhs, rhs = idx["lhs"], idx["rhs"]
    for gi, (load, reg, var, cov, mean, thr, scale) in idx["classes"]:
        _, S, _ = model.matrices(theta, gi)
        S_all, _ = model.all_moments(theta, gi)
        sd = np.sqrt(np.clip(np.diag(S_all), 0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            out[load] = est[load] * sd[lhs[load]] / sd[rhs[load]]
            out[reg] = est[reg] * sd[rhs[reg]] / sd[lhs[reg]]
            out[var] = est[var] / sd[lhs[var]] ** 2
            denom = S[lhs[cov], lhs[cov]] * S[rhs[cov], rhs[cov]]
            # lavaan divides by √|θ_i θ_j|: a negative (Heywood) variance still standardizes its covariances
            out[cov] = np.where(denom != 0, est[cov] / np.sqrt(np.abs(denom)), np.nan)
            out[mean] = est[mean] / sd[lhs[mean]]
            out[thr] = est[thr] / sd[lhs[thr]]     # thresholds of an ordered variable: on the scale of y*
            out[scale] = 1.0
    out[~np.isfinite(out)] = np.nan
    return out


def r_squared(model, theta, gi=0):
    """R² of every variable with an incoming path: 1 - residual variance / total variance."""
    A, S, m = model.matrices(theta, gi)
    S_all, _ = model.all_moments(theta, gi)
    names = model.spec.variables
    out = {}
    for i, v in enumerate(names):
        if np.any(A[i] != 0) or v in _endogenous(model.spec, gi):
            total = S_all[i, i]
            out[v] = 1 - S[i, i] / total if total > 0 else np.nan
    return out


def _endogenous(spec, gi):
    t = spec.table[spec.table["group"] == gi]
    ends = set(t.loc[t["op"] == "=~", "rhs"]) | set(t.loc[t["op"] == "~", "lhs"])
    return ends


def moment_jacobian(model, theta, gi, *, extra=None, q=None):
    """d vech(Sigma) / d theta (rows: lower-triangle elements) and d mu / d theta.

    ``extra``/``q`` add candidate parameters as in :meth:`RAMModel.derivatives`.
    """
    q = model.q if q is None else q
    X, Y, Z, idx, sigma, mu = model._vectors(theta, gi, extra=extra)
    p = model.p
    rows, cols = np.tril_indices(p)
    # dSigma_ij = x_i y_j + y_i x_j for each location, summed into its parameter
    dS = X[:, rows] * Y[:, cols] + Y[:, rows] * X[:, cols]
    J = np.zeros((len(rows), q))
    np.add.at(J.T, idx, dS)
    Jm = np.zeros((p, q))
    np.add.at(Jm.T, idx, Z)
    return J, Jm, (rows, cols)


def exo_free_information(model, theta, *, extra=None, q=None):
    """Unit expected information without the moments among fixed.x covariates.

    With ``fixed.x`` lavaan gives the moments among exogenous covariates no
    weight (they are not modelled); this matters only for parameters that
    would change them, such as a covariate regressed on a factor in
    modification indices.  Information = sum_g w_g Delta' V Delta with V the
    normal-theory weight, its covariate rows and columns set to zero.
    """
    from .indices import vech_weight

    spec = model.spec
    x = np.isin(np.array(spec.ov), spec.roles["ov.x"])
    q = model.q if q is None else q
    info = np.zeros((q, q))
    for gi in range(len(model.groups)):
        J, Jm, (rows, cols) = moment_jacobian(model, theta, gi, extra=extra[gi] if extra else None, q=q)
        sigma, *_ = model.moments(theta, gi)
        W = np.linalg.inv(sigma)
        V = vech_weight(W, rows, cols)
        keep = ~(x[rows] & x[cols])
        V = V * np.outer(keep, keep)
        part = J.T @ V @ J
        if model.meanstructure:
            Wm = W * np.outer(~x, ~x)
            part += Jm.T @ Wm @ Jm
        info += model.weights[gi] * part
    return info
