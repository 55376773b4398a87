"""The workers' side of the bootstrap: draw, refit, summarize, a chunk of draws at a time.

Each draw ``i`` resamples the respondents of each group with its own random
stream (so a draw is the same whichever worker runs it, in whichever chunk).
A chunk of complete-data draws is fitted as one stack
(:class:`edu40.sem.batch.BatchModel`): the draws' moments come from their
resampling counts, the Bollen-Stine draws' moments from the same counts by
the affine map of the transformed data, and the statistics are computed
along the draw axis (:mod:`edu40.sem.batchstats`).  Draws the stacked
iterations do not finish, FIML and fixed.x models take the one-draw path
(:meth:`Refitter.refit`), which gives the same estimates to its tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .batchstats import BootMoments, batch_statistics, sample_stack
from .refit import MAX_ITER, TOL, XTOL

# the one-draw engine's rules, so that a draw converges to the same tolerance on either path
_TOLERANCES = {"max_iter": MAX_ITER, "tol": TOL, "xtol": XTOL}

__all__ = []


@dataclass
class _Payload:
    refitter: object
    data: list                     # per group: rows to resample (ordinary)
    bs_data: list | None           # per group: Bollen–Stine transformed rows, or None
    bs_maps: list | None = None    # per group: (T, shift) with bs_data = (data - mean) T + shift
    _moments: list = field(default=None, repr=False)

    def moments(self):
        """Per group, the resampling-count machinery (built once per process)."""
        if self._moments is None:
            off = 1 if self.refitter.likelihood == "wishart" else 0
            self._moments = [BootMoments(X, off) for X in self.data]
        return self._moments

    def __getstate__(self):        # workers rebuild the cross products; do not ship them
        state = dict(self.__dict__)
        state["_moments"] = None
        return state


def _draw_indices(rng, sizes):
    return [rng.integers(0, n, n) for n in sizes]


def _bootstrap_chunk(payload: _Payload, indices, seeds):
    rf = payload.refitter
    if rf.batch:
        return _batched_chunk(payload, seeds)
    sizes = [len(X) for X in payload.data]
    return [_one_draw(payload, _draw_indices(np.random.default_rng(seed), sizes)) for seed in seeds]


def _one_draw(payload, idx):
    """One draw on the one-draw engine: ``(reason, values, improper, bs_reason, bs_T)``."""
    rf = payload.refitter
    reason, model, fit = rf.refit([X[i] for X, i in zip(payload.data, idx)])
    if reason:
        values, improper = None, False
    else:
        values = rf.statistics(model, fit.theta)
        improper = rf.improper(model, fit.theta)
    bs_reason, bs_T = "", np.nan
    if payload.bs_data is not None:
        bs_reason, bs_model, bs_fit = rf.refit([Z[i] for Z, i in zip(payload.bs_data, idx)],
                                               implied=True)
        if not bs_reason:
            bs_T = _chisq(rf, bs_model, bs_fit)
    return reason, values, improper, bs_reason, bs_T


def _batched_chunk(payload, seeds):
    rf = payload.refitter
    bm = rf.batch_model()
    sizes = [len(X) for X in payload.data]
    idx = [_draw_indices(np.random.default_rng(seed), sizes) for seed in seeds]
    B = len(seeds)
    bank = payload.moments()
    samples, bs_samples, usable = [], [], np.ones(B, bool)
    for gi, mom in enumerate(bank):
        cov, m0 = mom.draws(np.array([d[gi] for d in idx]))
        smp, ok = sample_stack(cov, m0 + mom.xbar)
        samples.append(smp)
        usable &= ok
        if payload.bs_maps is not None:
            T, shift = payload.bs_maps[gi]
            bs_cov = T.T @ cov @ T
            bs_smp, bs_ok = sample_stack(0.5 * (bs_cov + bs_cov.transpose(0, 2, 1)), m0 @ T + shift)
            bs_samples.append(bs_smp)
    out = [["sample covariance matrix not positive definite", None, False, "", np.nan]
           for _ in range(B)]
    rows = np.flatnonzero(usable)
    redo = set()
    if len(rows):
        sub = [{k: v[rows] for k, v in smp.items()} for smp in samples]
        theta, fmin, _, conv = bm.fit(rf.theta, rf.hinv_sample, sub, **_TOLERANCES)
        good = rows[conv]
        if len(good):
            keep = np.flatnonzero(conv)
            vals, improper = batch_statistics(rf, bm, theta[keep], [{k: v[keep] for k, v in s.items()}
                                                                    for s in sub], fmin[keep],
                                              rf.fit_info)
            for j, b in enumerate(good):
                out[b][:3] = ["", vals[j], bool(improper[j])]
        redo = set(rows[~conv].tolist())
    if payload.bs_maps is not None:
        out_bs = [("sample covariance matrix not positive definite", np.nan)] * B
        if len(rows):
            sub = [{k: v[rows] for k, v in smp.items()} for smp in bs_samples]
            _, fmin, _, conv = bm.fit(rf.theta, rf.hinv_model, sub, **_TOLERANCES)
            total = float(sum(rf._weights(rf.model.groups)))
            for j, b in enumerate(rows):
                if conv[j]:
                    out_bs[b] = ("", max(total * float(fmin[j]), 0.0))
                else:
                    redo.add(int(b))
        for b in range(B):
            out[b][3:] = out_bs[b]
    for b in sorted(redo):        # the stacked iterations did not finish: the one-draw engine
        out[b] = list(_one_draw(payload, idx[b]))
    return [tuple(o) for o in out]


def _chisq(rf, model, fit):
    """T = sum_g c_g F_g = (sum_g c_g) F, the weights of F summing to 1 (complete data)."""
    return max(float(sum(rf._weights(model.groups)) * fit.fmin), 0.0)


def _jackknife_chunk(payload: _Payload, indices, seeds):
    rf = payload.refitter
    sizes = np.cumsum([0] + [len(X) for X in payload.data])
    out = []
    for i in indices:
        g = int(np.searchsorted(sizes, i, side="right") - 1)
        Xs = list(payload.data)
        Xs[g] = np.delete(Xs[g], i - sizes[g], axis=0)
        reason, model, fit = rf.refit(Xs)
        out.append((reason, None if reason else rf.statistics(model, fit.theta)))
    return out


# -- the Bollen-Stine transform -----------------------------------------------------------
def _sqrtm(M):
    vals, vecs = np.linalg.eigh(M)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def _bollen_stine_maps(result):
    """Per group ``(T, shift)``: ``Z = (X - xbar) T + shift`` fits the model exactly."""
    out = []
    model = result._model
    for gi, g in enumerate(model.groups):
        sigma, mu, *_ = model.moments(result._theta, gi)
        T = np.linalg.inv(_sqrtm(g.cov)) @ _sqrtm(sigma)
        out.append((T, mu if model.meanstructure else np.zeros(len(mu))))
    return out


def _bollen_stine_data(result, maps=None):
    """Each group's rows transformed so that the model fits them exactly."""
    maps = _bollen_stine_maps(result) if maps is None else maps
    return [(g.raw - g.raw.mean(axis=0)) @ T + shift for g, (T, shift) in zip(result._model.groups, maps)]
