"""Standardized solution (lavaan's ``std.all``), R², and the Jacobian of implied moments.

std.all rules (lavaan ``lav_standardize_all``):

* ``f =~ x``:   lambda * sd(f) / sd(x)
* ``y ~ x``:    b * sd(x) / sd(y)
* ``v ~~ v``:   variance / total variance of v  (1 - R² for an outcome)
* ``a ~~ b``:   covariance / sqrt(var_a var_b) of the two (residual) variances
  in the model, i.e. a (residual) correlation
* ``v ~1``:     mean / sd(v)

where sd() are model-implied standard deviations.
"""

from __future__ import annotations

import numpy as np

__all__ = ["standardize", "r_squared", "moment_jacobian"]


def standardize(model, theta, table, values=None):
    """std.all value of every row of ``table`` (``values`` overrides the estimates)."""
    out = np.full(len(table), np.nan)
    pos = {v: i for i, v in enumerate(model.spec.variables)}
    cache = {}
    for k, row in enumerate(table.itertuples()):
        gi = row.group
        if gi not in cache:
            A, S, m = model.matrices(theta, gi)
            S_all, Em = model.all_moments(theta, gi)
            cache[gi] = (np.sqrt(np.clip(np.diag(S_all), 0, None)), S)
        sd, S = cache[gi]
        est = row.est if values is None else values[k]
        if row.op == "=~":
            out[k] = est * sd[pos[row.lhs]] / sd[pos[row.rhs]]
        elif row.op == "~":
            out[k] = est * sd[pos[row.rhs]] / sd[pos[row.lhs]]
        elif row.op == "~~":
            i, j = pos[row.lhs], pos[row.rhs]
            if i == j:
                out[k] = est / sd[i] ** 2 if sd[i] > 0 else np.nan
            else:
                denom = S[i, i] * S[j, j]
                out[k] = est / np.sqrt(denom) if denom > 0 else np.nan
        elif row.op == "~1":
            i = pos[row.lhs]
            out[k] = est / sd[i] if sd[i] > 0 else np.nan
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


def moment_jacobian(model, theta, gi):
    """d vech(Sigma) / d theta (rows: lower-triangle elements, column-major as lavaan) and d mu / d theta."""
    X, Y, Z, idx, sigma, mu = model._vectors(theta, gi)
    p = model.p
    rows, cols = np.tril_indices(p)
    # dSigma_ij = x_i y_j + y_i x_j for each location, summed into its parameter
    dS = X[:, rows] * Y[:, cols] + Y[:, rows] * X[:, cols]
    J = np.zeros((len(rows), model.q))
    np.add.at(J.T, idx, dS)
    Jm = np.zeros((p, model.q))
    np.add.at(Jm.T, idx, Z)
    return J, Jm, (rows, cols)
