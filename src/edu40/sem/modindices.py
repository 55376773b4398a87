"""Modification indices: the score test of each parameter the model leaves out.

For every candidate parameter (lavaan's ``lav_partable_full``: loadings of
each latent variable on each indicator not in a regression, covariances
among indicator residuals and among latent variables, regressions among the
variables of the structural part, and every fixed parameter freed), with
the unit expected information ``I`` of the extended model at the estimates,

    V   = I_ee - I_em I_mm^-1 I_me            (e: candidate, m: model)
    mi  = N * score^2 / V,   score = 1/2 dF/dtheta_e
    epc = -score / V                                      (Saris, Satorra & Sörbom, 1987)

and ``sepc.all`` is the EPC standardized like ``std.all``.  Candidates with
V < eps^(1/3) (not identified when freed) are dropped, as lavaan does.
Agrees with lavaan's ``modindices(fit)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .standardize import exo_free_information, standardize

__all__ = ["modification_indices", "score_tests"]


def _candidates(spec, gi, meanstructure):
    roles = spec.roles
    ov_x = set(roles["ov.x"]) if spec.table["exo"].any() else set()
    ov_nox = [v for v in spec.ov if v not in ov_x]
    eqs = list(dict.fromkeys(roles["eqs.y"] + roles["eqs.x"]))
    ind = set(roles["ov.ind"])
    out = []
    for f in spec.lv:
        for v in ov_nox:
            if v not in eqs:
                out.append((f, "=~", v))
    other = [v for v in spec.ov if v not in ind]
    for j, b in enumerate(ov_nox):
        for a in ov_nox[j:]:
            if a in other or b in other:
                continue
            out.append((b, "~~", a))
    for j, b in enumerate(spec.lv):
        for a in spec.lv[j:]:
            out.append((b, "~~", a))
    for y in eqs:
        for x in eqs:
            if x == y or (y in ind and x in spec.lv):
                continue
            out.append((y, "~", x))
    if meanstructure:
        for v in spec.ov + spec.lv:
            out.append((v, "~1", ""))
    return out


def _norm(lhs, op, rhs):
    return (min(lhs, rhs), op, max(lhs, rhs)) if op == "~~" else (lhs, op, rhs)


def modification_indices(result, *, sort=True, minimum=0.0) -> pd.DataFrame:
    model, theta, spec = result._model, result._theta, result._spec
    pos = {v: i for i, v in enumerate(spec.variables)}
    q = model.q
    rows, extra = [], []
    k = q
    for gi in range(len(model.groups)):
        t = spec.table[spec.table["group"] == gi]
        free = {_norm(r.lhs, r.op, r.rhs) for r in t.itertuples() if r.free > 0}
        ex = {"A": ([], [], []), "S": ([], [], []), "M": ([], [], [])}
        cands = list(dict.fromkeys(_candidates(spec, gi, model.meanstructure)))
        # fixed parameters are freed too (lavaan: all.free = TRUE)
        cands += [(r.lhs, r.op, r.rhs) for r in t.itertuples()
                  if r.free == 0 and (r.lhs, r.op, r.rhs) not in cands]
        for lhs, op, rhs in cands:
            if _norm(lhs, op, rhs) in free:
                continue
            if op == "=~":
                key, i, j = "A", pos[rhs], pos[lhs]
            elif op == "~":
                key, i, j = "A", pos[lhs], pos[rhs]
            elif op == "~~":
                key, i, j = "S", pos[lhs], pos[rhs]
            else:
                if not model.meanstructure:
                    continue
                key, i, j = "M", pos[lhs], 0
            ex[key][0].append(i), ex[key][1].append(j), ex[key][2].append(k)
            rows.append({"lhs": lhs, "op": op, "rhs": rhs, "group": gi})
            k += 1
        extra.append({key: tuple(np.array(v, dtype=int) for v in val) for key, val in ex.items()})
    cols = ["lhs", "op", "rhs", "mi", "epc", "sepc.all"]
    if not rows:
        return pd.DataFrame(columns=cols)
    K = k - q
    exo = bool(spec.table["exo"].any())
    _, grad, H = model.derivatives(theta, fisher=not exo, q=q + K, extra=extra)
    info = (H / 2.0 if H is not None
            else exo_free_information(model, theta, extra=extra, q=q + K))
    return score_tests(result, rows, info, grad[q:] / 2.0, sort=sort, minimum=minimum)


def score_tests(result, rows, info, score, *, sort=True, minimum=0.0) -> pd.DataFrame:
    """MI, EPC and sepc.all of the candidates ``rows`` from the unit information of the extended
    model (model parameters first) and the score of the candidates; sorted and labelled as lavaan."""
    spec, model, theta = result._spec, result._model, result._theta
    q = len(info) - len(score)
    m_idx, e_idx = np.arange(q), np.arange(q, len(info))
    I22inv = np.linalg.pinv(info[np.ix_(m_idx, m_idx)])
    I12 = info[np.ix_(e_idx, m_idx)]
    V = np.diag(info[np.ix_(e_idx, e_idx)]) - np.einsum("ij,jk,ik->i", I12, I22inv, I12)
    # freed, a candidate with V < eps^(1/3) would not be identified: lavaan drops it
    ok = V >= np.finfo(float).eps ** (1 / 3)
    N = result.fit_indices["nobs"]
    frame = pd.DataFrame(rows)
    frame["mi"] = np.where(ok, N * score ** 2 / np.where(ok, V, 1.0), np.nan)
    frame["epc"] = np.where(ok, -score / np.where(ok, V, 1.0), np.nan)
    frame["sepc.all"] = _standardize_epc(model, theta, frame)
    frame = frame[frame["mi"].notna()]
    cols = ["lhs", "op", "rhs", "mi", "epc", "sepc.all"]
    if spec.n_groups > 1:
        labels = spec.group_labels
        frame["group"] = [labels[g] for g in frame["group"]]
        cols = ["lhs", "op", "rhs", "group", "mi", "epc", "sepc.all"]
    if minimum > 0:
        frame = frame[frame["mi"] > minimum]
    if sort:
        frame = frame.sort_values("mi", ascending=False, kind="stable")
    return frame[cols].reset_index(drop=True)


def _standardize_epc(model, theta, frame):
    """sepc.all: the EPC standardized by the std.all rules of :func:`standardize`."""
    out = standardize(model, theta, frame, frame["epc"].to_numpy(float))
    # covariates fixed at their sample moments have no residual variance to standardize by (lavaan: NA)
    if model.spec.table["exo"].any():
        exo = set(model.spec.roles["ov.x"])
        cov_of_exo = ((frame["op"] == "~~") & (frame["lhs"] != frame["rhs"])
                      & (frame["lhs"].isin(exo) | frame["rhs"].isin(exo))).to_numpy()
        out[cov_of_exo] = np.nan
    return out
