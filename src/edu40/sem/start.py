"""Starting values from the sample moments.

Good starts make Fisher scoring converge in a handful of steps.  For each
factor a one-factor principal-axis solution of its indicators' covariance
matrix (uniquenesses started at 1 / diag(C^-1), Guttman's lower bound) gives
loadings and the factor variance on the marker's scale; factor covariances
are averages of ``s_ij / (l_i l_j)`` over indicator pairs; structural paths
are the regressions implied by that factor covariance matrix.  Residual
covariances, cross-loadings added by the user, and latent means start at 0.
"""

from __future__ import annotations

import numpy as np

__all__ = ["start_values"]


def _one_factor(C: np.ndarray) -> np.ndarray:
    """Principal-axis loadings of a covariance matrix (one factor)."""
    k = len(C)
    if k == 1:
        return np.sqrt(np.maximum(C.diagonal(), 1e-6))
    try:
        uniq = 1.0 / np.diag(np.linalg.inv(C))
    except np.linalg.LinAlgError:
        uniq = 0.5 * C.diagonal()
    R = C - np.diag(uniq)
    vals, vecs = np.linalg.eigh(R)
    lam = vecs[:, -1] * np.sqrt(max(vals[-1], 1e-6))
    return lam if lam.sum() >= 0 else -lam


def _group_starts(spec, table, cov, mean):
    ov = spec.ov
    pos = {v: i for i, v in enumerate(ov)}
    # the table's rows as plain tuples, grouped once (pandas filtering per factor is slow)
    by_factor: dict = {}
    predictors: dict = {}
    for op, lhs, rhs, value in zip(table["op"], table["lhs"], table["rhs"], table["value"]):
        if op == "=~":
            by_factor.setdefault(lhs, []).append((rhs, value))
        elif op == "~":
            predictors.setdefault(lhs, []).append(rhs)
    loading = {}
    lv_var = {}
    scale = {}  # latent -> the loading vector on the variance scale, per indicator
    for f in spec.lv:
        rows = by_factor.get(f, [])
        ind = [v for v, _ in rows if v in pos]
        if not ind:
            lv_var[f] = 0.05
            continue
        idx = [pos[v] for v in ind]
        lam = _one_factor(cov[np.ix_(idx, idx)])
        marker_rhs, marker_value = rows[0]
        if not spec.std_lv and not np.isnan(marker_value) and marker_rhs in pos:
            m = lam[ind.index(marker_rhs)]
            m = m if abs(m) > 1e-3 else 1e-3
            fixed = marker_value if marker_value != 0 else 1.0
            for v, l in zip(ind, lam):
                loading[(f, v)] = l / m * fixed
            lv_var[f] = (m / fixed) ** 2
        else:
            for v, l in zip(ind, lam):
                loading[(f, v)] = l
            lv_var[f] = 1.0
        scale[f] = {v: loading[(f, v)] for v in ind}
    # covariances among latent variables (and observed variables of the structural part)
    nodes = list(spec.lv) + [v for v in spec.roles["eqs.y"] + spec.roles["eqs.x"]
                             if v in pos and v not in spec.lv]
    nodes = list(dict.fromkeys(nodes))
    phi = np.zeros((len(nodes), len(nodes)))
    for a_i, a in enumerate(nodes):
        for b_i, b in enumerate(nodes):
            if b_i < a_i:
                continue
            if a == b:
                phi[a_i, a_i] = lv_var.get(a, cov[pos[a], pos[a]] if a in pos else 0.05)
                continue
            ia = scale.get(a, {a: 1.0} if a in pos else {})
            ib = scale.get(b, {b: 1.0} if b in pos else {})
            vals = [cov[pos[x], pos[y]] / (la * lb) for x, la in ia.items() for y, lb in ib.items()
                    if x != y and abs(la * lb) > 1e-6]
            phi[a_i, b_i] = phi[b_i, a_i] = np.mean(vals) if vals else 0.0
    # keep it a proper covariance matrix
    d = np.sqrt(np.maximum(np.diag(phi), 1e-6))
    corr = np.clip(phi / np.outer(d, d), -0.95, 0.95)
    np.fill_diagonal(corr, 1.0)
    phi = corr * np.outer(d, d)
    node = {v: i for i, v in enumerate(nodes)}
    regress = {}
    resid = {}
    for y in spec.roles["eqs.y"]:
        xs = [r for r in predictors.get(y, []) if r in node]
        if y not in node or not xs:
            continue
        iy, ix = node[y], [node[x] for x in xs]
        try:
            b = np.linalg.solve(phi[np.ix_(ix, ix)], phi[ix, iy])
        except np.linalg.LinAlgError:
            b = np.zeros(len(ix))
        for x, bb in zip(xs, b):
            regress[(y, x)] = bb
        resid[y] = max(phi[iy, iy] - b @ phi[ix, iy], 0.1 * phi[iy, iy])
    return loading, lv_var, phi, node, regress, resid, pos


def start_values(spec, groups) -> np.ndarray:
    """A starting vector for the free parameters (averaged over groups when shared)."""
    q = spec.n_free
    total = np.zeros(q)
    count = np.zeros(q)
    for gi, g in enumerate(groups):
        table = spec.table[spec.table["group"] == gi]
        loading, lv_var, phi, node, regress, resid, pos = _group_starts(spec, table, g.cov, g.mean)
        for row in table.itertuples():
            if row.free == 0:
                continue
            k = row.free - 1
            if not np.isnan(row.start):
                value = row.start
            elif row.op == "=~":
                value = loading.get((row.lhs, row.rhs), 1.0)
            elif row.op == "~":
                value = regress.get((row.lhs, row.rhs), 0.0)
            elif row.op == "~1":
                value = g.mean[pos[row.lhs]] if row.lhs in pos else 0.0
            elif row.lhs == row.rhs:
                v = row.lhs
                if v in resid:
                    value = resid[v]
                elif v in spec.lv:
                    value = lv_var.get(v, 0.05)
                else:
                    s = g.cov[pos[v], pos[v]]
                    common = sum(loading.get((f, v), 0.0) ** 2 * lv_var.get(f, 0.0) for f in spec.lv)
                    value = max(s - common, 0.1 * s) if common else 0.5 * s
            elif row.lhs in node and row.rhs in node and (row.lhs in spec.lv or row.rhs in spec.lv
                                                          or row.lhs in resid or row.rhs in resid):
                value = 0.0 if (row.lhs in resid or row.rhs in resid) else phi[node[row.lhs], node[row.rhs]]
            else:
                value = 0.0
            total[k] += value
            count[k] += 1
    return total / np.maximum(count, 1)
