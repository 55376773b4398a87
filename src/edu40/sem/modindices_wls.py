"""Modification indices of least-squares fits with ordered indicators (WLSMV, DWLS, ULS ...).

The score test of :mod:`edu40.sem.modindices`, with the least-squares
discrepancy in place of the likelihood (lavaan's ``modindices`` on a WLSMV
fit).  The model is extended by every candidate parameter, freed at its
current value (0 for a parameter the model leaves out); at the estimates,
with Δ_g the Jacobian of group g's thresholds and polychoric correlations
with respect to the extended parameters, W_g the weights, e_g = s_g - σ̂_g,
f_g = n_g / N:

    score = -Σ_g (n_g - 1)/N · Δ_g' W_g e_g        (the gradient of the fit function)
    I     =  Σ_g f_g Δ_g' W_g Δ_g                  (the expected information)
    V     = I_ee - I_em I_mm⁻¹ I_me
    mi    = N score² / V,   epc = -score / V        (Saris, Satorra & Sörbom, 1987)

Candidates are those lavaan lists for ordered indicators: loadings of each
factor on each indicator, covariances of the indicators' latent responses
and of the factors, and regressions among the structural variables;
candidates that would not be identified if freed (V < ε^(1/3)) are dropped.
A score test on a robust (WLSMV) fit is still a one-degree-of-freedom
statistic on the unscaled discrepancy, as in lavaan: read it as a screening
device, not as a test.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .modindices import _candidates, _norm, score_tests
from .ordinal import DeltaRAMModel, WLSEstimation, estimator_settings

__all__ = ["wls_modification_indices"]

_OPS = ("=~", "~~", "~")


def wls_modification_indices(result, *, sort=True, minimum=0.0) -> pd.DataFrame:
    """lavaan's ``modindices(fit)`` for a fit with ordered indicators; see the module docstring."""
    spec, theta = result._spec, np.asarray(result._theta, float)
    stats = result._prep.stats
    ordered = set(spec.ordered)
    q = spec.n_free
    table = spec.table
    rows, added, refreed, start = [], [], [], []     # candidates; new table rows; fixed rows freed
    k = q
    for gi in range(spec.n_groups):
        t = table[table["group"] == gi]
        free = {_norm(r.lhs, r.op, r.rhs) for r in t.itertuples() if r.free > 0}
        fixed = {_norm(r.lhs, r.op, r.rhs): r for r in t.itertuples() if r.free == 0 and r.op in _OPS}
        cands = [c for c in dict.fromkeys(_candidates(spec, gi, False)) if c[1] in _OPS]
        cands += [(r.lhs, r.op, r.rhs) for r in fixed.values() if (r.lhs, r.op, r.rhs) not in cands]
        for lhs, op, rhs in cands:
            key = _norm(lhs, op, rhs)
            # an ordered indicator's residual variance follows from its scale (delta parameterization)
            if key in free or (op == "~~" and lhs == rhs and lhs in ordered):
                continue
            k += 1
            row = fixed.get(key)
            if row is None:
                added.append({"lhs": lhs, "op": op, "rhs": rhs, "group": gi, "user": 10, "free": k,
                              "value": np.nan, "label": "", "start": 0.0, "exo": False})
            else:
                refreed.append((row.Index, k))
            start.append(0.0 if row is None else float(row.value))
            rows.append({"lhs": lhs, "op": op, "rhs": rhs, "group": gi})
    cols = ["lhs", "op", "rhs", "mi", "epc", "sepc.all"]
    if not rows:
        return pd.DataFrame(columns=cols)
    ext = table.copy()
    for index, free_k in refreed:
        ext.loc[index, "free"] = free_k
        ext.loc[index, "start"] = ext.loc[index, "value"]
        ext.loc[index, "value"] = np.nan
    if added:
        ext = pd.concat([ext, pd.DataFrame(added).reindex(columns=ext.columns)], ignore_index=True)
    spec_ext = dataclasses.replace(spec, table=ext)
    model_ext = DeltaRAMModel(spec_ext, result._prep.groups, weights=[st.n for st in stats])
    est = WLSEstimation(spec_ext, model_ext, stats, estimator_settings(result.estimator)[0])
    theta_ext = np.concatenate([theta, np.array(start, float)])
    N = est.N
    score = np.zeros(k)
    info = np.zeros((k, k))
    for gi, st in enumerate(stats):
        implied, D = est.implied(theta_ext, gi)
        W = est.W[gi]
        WD = W[:, None] * D if W.ndim == 1 else W @ D
        score -= (st.n - 1) / N * (WD.T @ (est.obs[gi] - implied))
        info += est.f[gi] * (D.T @ WD)
    return score_tests(result, rows, info, score[q:], sort=sort, minimum=minimum)
