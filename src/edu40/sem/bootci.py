"""Bootstrap confidence intervals from the draws: percentile, BC and BCa.

:func:`norm_inter` reads quantiles as ``boot:::norm.inter`` does (the
percentile interval, and the end points of the others); ``_interval`` gives
each statistic's interval of a kind in :data:`CI_TYPES`; the BCa
acceleration comes from empirical influence values
(``_acceleration_from_influence``).  The formulas and references are in
:mod:`edu40.sem.bootstrap`, which computes the draws and the influence values
and re-exports everything here.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["norm_inter", "CI_TYPES"]

# the interval kinds of bootstrap(ci=...)
CI_TYPES = ("percentile", "bc", "bca")


# -- confidence intervals --------------------------------------------------------------------
def norm_inter(t, alpha) -> np.ndarray:
    """Quantiles of ``t`` at ``alpha`` with interpolation on the normal scale.

    The estimator of ``boot:::norm.inter`` and of lavaan's bootstrap
    intervals: with ``R`` finite values sorted, ``r = (R + 1) alpha``; an
    integer ``r`` gives ``t_(r)``; otherwise ``t_(k) + (Phi^-1(alpha) -
    Phi^-1(k/(R+1))) / (Phi^-1((k+1)/(R+1)) - Phi^-1(k/(R+1))) (t_(k+1) -
    t_(k))`` with ``k = floor(r)``, and the extremes beyond ``t_(1)`` or
    ``t_(R)``.

    Examples
    --------
    >>> from edu40.sem.bootstrap import norm_inter
    >>> [round(float(v), 4) for v in norm_inter(range(1, 100), [0.025, 0.975])]
    [2.5422, 97.4578]
    """
    t = np.sort(np.asarray(t, float)[np.isfinite(np.asarray(t, float))])
    alpha = np.atleast_1d(np.asarray(alpha, float))
    R = len(t)
    out = np.full(len(alpha), np.nan)
    if R == 0:
        return out
    rk = (R + 1) * alpha
    k = np.trunc(rk).astype(int)
    for j in range(len(alpha)):
        if not np.isfinite(alpha[j]):
            continue
        kj = k[j]
        if kj <= 0:
            out[j] = t[0]
        elif kj >= R:
            out[j] = t[R - 1]
        elif kj == rk[j]:
            out[j] = t[kj - 1]
        else:
            z = special.ndtri(np.array([alpha[j], kj / (R + 1), (kj + 1) / (R + 1)]))
            out[j] = t[kj - 1] + (z[0] - z[1]) / (z[2] - z[1]) * (t[kj] - t[kj - 1])
    return out


def _interval(draws, t0, level, kind, accel=None):
    """CI of each column of ``draws`` (R x k) around the estimates ``t0``."""
    lo, hi = np.array(t0, float), np.array(t0, float)
    a2 = np.array([(1 - level) / 2, (1 + level) / 2])
    z = special.ndtri(a2)
    for j in range(draws.shape[1]):
        t = draws[:, j]
        t = t[np.isfinite(t)]
        if len(t) < 2 or not np.isfinite(t0[j]):
            lo[j] = hi[j] = np.nan if len(t) < 2 else t0[j]
            continue
        if np.ptp(t) == 0:          # a fixed parameter: no sampling variability
            continue
        if kind == "percentile":
            alpha = a2
        else:
            with np.errstate(divide="ignore"):
                w = special.ndtri(np.mean(t < t0[j]))
            a = 0.0 if kind == "bc" else accel[j]
            with np.errstate(invalid="ignore", divide="ignore"):
                alpha = special.ndtr(w + (w + z) / (1 - a * (w + z)))
            if not np.all(np.isfinite(alpha)):   # t0 outside the draws: the extreme draw
                alpha = np.where(np.isfinite(alpha), alpha, 0.0 if w < 0 else 1.0)
        lo[j], hi[j] = norm_inter(t, alpha)
    return lo, hi


def _acceleration_from_influence(L):
    L = L - L.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (L ** 3).sum(axis=0) / (6 * ((L ** 2).sum(axis=0)) ** 1.5)
