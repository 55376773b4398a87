"""Thresholds, polychoric and polyserial correlations, and their asymptotic covariance.

The sample statistics of categorical SEM (Muthén, 1984), computed as lavaan
0.6 computes them (``lavCor``, ``lav_samplestats_step1/2``, ``muthen1984``),
in two steps:

1. **Univariate.**  An ordered variable with K observed categories has K - 1
   thresholds τ_k = Φ⁻¹(P(y <= k)), the cumulative proportions mapped to the
   normal scale (the ML estimates of the probit model without predictors).
   A continuous variable has its mean and ML variance (divisor N).
2. **Bivariate, thresholds fixed.**  For two ordered variables, ρ maximises
   the multinomial log-likelihood of their two-way table,

       ℓ(ρ) = Σ_ab n_ab log π_ab(ρ),
       π_ab = Φ₂(τ_a, τ'_b; ρ) - Φ₂(τ_{a-1}, τ'_b; ρ) - Φ₂(τ_a, τ'_{b-1}; ρ) + Φ₂(τ_{a-1}, τ'_{b-1}; ρ)

   (the polychoric correlation, Olsson, 1979, two-step estimator); for an
   ordered and a continuous variable ρ maximises Σ_n log P(y₂ = b | y₁),
   P(b | y₁) = Φ((τ_b - ρz)/√(1-ρ²)) - Φ((τ_{b-1} - ρz)/√(1-ρ²)), z the
   standardised continuous value (the polyserial correlation, Olsson,
   Drasgow & Dorans, 1982); two continuous variables get the Pearson r.

All pairs are estimated at once: the two-way tables are counted with one
``np.bincount`` per variable on combined codes, and ρ of every pair is found
by Newton's method in arrays (analytic first and second derivatives of ℓ).

**Asymptotic covariance (NACOV, Γ).**  With s_i the casewise scores of the
step-1 parameters and of each ρ, A the matrix of their cross-products
(block-triangular: A₁₁ the univariate blocks, A₂₁ = Σ s_ρ s_τ', A₂₂ =
diag Σ s_ρ²), Γ = N · A⁻¹ (Σ_i s_i s_i') A⁻ᵀ (Muthén & Satorra, 1995; the
sandwich of the two-step M-estimator), transformed to the covariance metric
for continuous variables (H of lavaan).  The vector of sample statistics
is ordered as lavaan's ``WLS.obs``: thresholds (means of continuous
variables in their place), variances of continuous variables, then the
correlations below the diagonal, column by column.

References
----------
Olsson, U. (1979). Maximum likelihood estimation of the polychoric
correlation coefficient. *Psychometrika, 44*, 443-460.
Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial correlation
coefficient. *Psychometrika, 47*, 337-347.
Muthén, B. (1984). A general structural equation model with dichotomous,
ordered categorical, and continuous latent variable indicators.
*Psychometrika, 49*, 115-132.
Muthén, B., & Satorra, A. (1995). Technical aspects of Muthén's LISCOMP
approach to estimation of latent variable relations with a comprehensive
measurement model. *Psychometrika, 60*, 489-503.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.linalg import blas
from scipy.special import ndtr, ndtri

from .bivariate import cell_probabilities

__all__ = ["OrdinalStats", "ordinal_statistics", "recode_ordered", "pair_index"]

_SQRT_EPS = np.sqrt(np.finfo(float).eps)
_DNORM = 1.0 / np.sqrt(2 * np.pi)


def _dnorm(x):
    x = np.asarray(x, float)
    return np.where(np.isfinite(x), _DNORM * np.exp(-0.5 * np.where(np.isfinite(x), x, 0.0) ** 2), 0.0)


def pair_index(p: int):
    """Pairs (i, j), i > j, in lavaan's order: below the diagonal, column by column."""
    j, i = np.triu_indices(p, 1)
    return i, j


def recode_ordered(values: np.ndarray, levels) -> np.ndarray:
    """Category codes 0..K-1 of ``values`` among sorted ``levels``; -1 for missing."""
    codes = np.full(len(values), -1, dtype=np.int64)
    ok = ~pd.isna(values)
    codes[ok] = np.searchsorted(np.asarray(levels, float), values[ok].astype(float))
    return codes


@dataclass
class OrdinalStats:
    """Sample statistics of one group for categorical SEM (lavaan's ``WLS.obs`` and ``NACOV``).

    ``thresholds[i]`` holds the thresholds of an ordered variable, or the mean
    of a continuous one; ``var`` the ML variances (1 for ordered variables);
    ``cor`` the polychoric / polyserial / Pearson correlations; ``cov`` the
    same with continuous variables on their own scale.
    """

    names: list
    ordered: np.ndarray
    n: int
    levels: list
    thresholds: list
    var: np.ndarray
    cor: np.ndarray
    codes: np.ndarray = field(repr=False)     # category codes (ordered) / values (continuous)
    tables: dict = field(default_factory=dict, repr=False)
    zero_cells: list = field(default_factory=list)
    not_converged: list = field(default_factory=list)
    _nacov: np.ndarray | None = field(default=None, repr=False)

    @property
    def p(self) -> int:
        return len(self.names)

    @property
    def cov(self) -> np.ndarray:
        sd = np.sqrt(self.var)
        return self.cor * np.outer(sd, sd)

    @property
    def th_owner(self) -> np.ndarray:
        """The variable each threshold entry belongs to."""
        return np.concatenate([np.full(len(t), i) for i, t in enumerate(self.thresholds)])

    @property
    def numeric(self) -> np.ndarray:
        return np.flatnonzero(~self.ordered)

    def obs_vector(self) -> np.ndarray:
        """Thresholds (+ means), variances of continuous variables, correlations below the diagonal."""
        i, j = pair_index(self.p)
        return np.concatenate([np.concatenate(self.thresholds), self.var[self.numeric], self.cov[i, j]])

    def nacov(self) -> np.ndarray:
        """Γ: N times the asymptotic covariance matrix of :meth:`obs_vector` (lavaan's ``NACOV``)."""
        if self._nacov is None:
            self._nacov = _nacov(self)
        return self._nacov


# --- step 1 -----------------------------------------------------------------------------
def _thresholds(codes: np.ndarray, K: int) -> np.ndarray:
    counts = np.bincount(codes[codes >= 0], minlength=K)
    return ndtri(np.cumsum(counts)[:-1] / counts.sum())


def _limits(th_list, idx, Kmax):
    """(m, Kmax + 1) category limits -inf, τ_1 .. τ_{K-1}, +inf, padded with +inf."""
    out = np.full((len(idx), Kmax + 1), np.inf)
    out[:, 0] = -np.inf
    for r, v in enumerate(idx):
        t = th_list[v]
        out[r, 1:len(t) + 1] = t
    return out


# --- step 2: ordinal x ordinal ---------------------------------------------------------------
def _count_tables(codes, pi, pj, Kmax):
    """Two-way tables of the pairs (pi, pj): one ``np.bincount`` per second variable on combined
    codes.  A missing answer (code -1) counts in an extra category that is dropped afterwards, so
    the tables are pairwise complete without masks."""
    K1 = Kmax + 1
    cm = np.where(codes < 0, Kmax, codes).astype(np.int32)
    tables = np.zeros((len(pi), Kmax, Kmax))
    order = np.argsort(pj, kind="stable")
    for j in np.unique(pj):
        sel = order[pj[order] == j]
        flat = cm[:, pi[sel]] * K1 + cm[:, j][:, None] + (np.arange(len(sel), dtype=np.int32) * K1 * K1)
        counts = np.bincount(flat.ravel(), minlength=len(sel) * K1 * K1).reshape(len(sel), K1, K1)
        tables[sel] = counts[:, :Kmax, :Kmax]
    return tables


def _table_correlations(tables):
    """Pearson correlations of the category codes of each table (lavaan's starting values)."""
    Kmax = tables.shape[1]
    c = np.arange(Kmax, dtype=float)
    n = tables.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ra, rb = tables.sum(axis=2) / n[:, None], tables.sum(axis=1) / n[:, None]
        ma, mb = ra @ c, rb @ c
        va, vb = ra @ c ** 2 - ma ** 2, rb @ c ** 2 - mb ** 2
        cab = np.einsum("kab,a,b->k", tables, c, c) / n - ma * mb
        r = cab / np.sqrt(va * vb)
    r = np.nan_to_num(r)
    return np.where(np.abs(r) >= 1, 0.0, r)


def _loglik(tables, pi):
    return np.sum(tables * np.log(np.maximum(pi, _SQRT_EPS)), axis=(1, 2))


def _polychoric_rho(tables, lim1, lim2, start, lower=-0.999, upper=0.999, tol=1e-10, max_iter=100):
    """ML ρ of every table at once: Newton steps, halved (for the tables concerned only) while the
    log-likelihood falls, kept inside (lower, upper)."""
    rho = np.clip(start, lower, upper)
    pi, d1, d2 = cell_probabilities(lim1, lim2, rho)
    ll = _loglik(tables, pi)
    active = np.ones(len(rho), bool)
    converged = np.zeros(len(rho), bool)
    for _ in range(max_iter):
        if not active.any():
            break
        a = np.flatnonzero(active)
        P = np.maximum(pi[a], _SQRT_EPS)
        n = tables[a]
        g = np.sum(n * d1[a] / P, axis=(1, 2))
        h = np.sum(n * (d2[a] / P - (d1[a] / P) ** 2), axis=(1, 2))
        # Newton where the curvature is negative, else a gradient step of bounded size
        step = np.where(h < 0, -g / np.where(h < 0, h, -1.0), np.sign(g) * 0.05)
        new = np.clip(rho[a] + step, lower, upper)
        pn, d1n, d2n = cell_probabilities(lim1[a], lim2[a], new)
        lln = _loglik(n, pn)
        t = np.ones(len(a))
        for _half in range(30):
            worse = np.flatnonzero(lln < ll[a] - 1e-12 * np.abs(ll[a]))
            if not len(worse):
                break
            t[worse] /= 2
            new[worse] = np.clip(rho[a[worse]] + t[worse] * step[worse], lower, upper)
            pw, d1w, d2w = cell_probabilities(lim1[a[worse]], lim2[a[worse]], new[worse])
            pn[worse], d1n[worse], d2n[worse] = pw, d1w, d2w
            lln[worse] = _loglik(n[worse], pw)
        moved = np.abs(new - rho[a])
        rho[a], ll[a] = new, lln
        pi[a], d1[a], d2[a] = pn, d1n, d2n
        done = (moved < tol) | (np.abs(g) < 1e-8 * np.maximum(1.0, n.sum(axis=(1, 2))))
        converged[a[done]] = True
        active[a[done]] = False
    return rho, converged


# --- step 2: continuous x ordinal (polyserial) --------------------------------------------------
def _polyserial_parts(z, codes, lim, rho):
    """P(y2 | y1) pieces of every observation for a polyserial pair (z standardised y1)."""
    R = np.sqrt(1.0 - rho * rho)
    up = lim[codes + 1]
    lo = lim[codes]
    tu = (up - rho * z) / R
    tl = (lo - rho * z) / R
    p = np.maximum(ndtr(tu) - ndtr(tl), np.finfo(float).eps)
    return up, lo, tu, tl, p, R


def _polyserial_rho(z, codes, lim, start):
    """ML ρ of one polyserial pair: Newton on the score (derivative by central difference)."""
    def score(r):
        up, lo, tu, tl, p, R = _polyserial_parts(z, codes, lim, r)
        a = _dnorm(tu) * np.where(np.isfinite(up), up * r - z, 0.0)
        b = _dnorm(tl) * np.where(np.isfinite(lo), lo * r - z, 0.0)
        return np.sum((a - b) / p) / R ** 3

    def loglik(r):
        return np.sum(np.log(_polyserial_parts(z, codes, lim, r)[4]))

    rho = float(np.clip(start, -0.99, 0.99))
    ll = loglik(rho)
    for _ in range(100):
        g = score(rho)
        h = (score(min(rho + 1e-6, 0.995)) - score(max(rho - 1e-6, -0.995))) / (
            min(rho + 1e-6, 0.995) - max(rho - 1e-6, -0.995))
        step = -g / h if h < 0 else np.sign(g) * 0.05
        t = 1.0
        while True:
            new = float(np.clip(rho + t * step, -0.995, 0.995))
            lln = loglik(new)
            if lln >= ll - 1e-12 * abs(ll) or t < 1e-8:
                break
            t /= 2
        moved = abs(new - rho)
        rho, ll = new, lln
        if moved < 1e-11:
            return rho, True
    return rho, False


# --- the sample statistics ------------------------------------------------------------------
def ordinal_statistics(X: np.ndarray, names: list, ordered: np.ndarray, levels: list, *,
                       correct: float = 0.0) -> OrdinalStats:
    """Thresholds and polychoric/polyserial/Pearson correlations of one group (complete rows).

    ``X`` holds the raw values (NaN = missing: pairs use the rows where both
    are present); ``levels[i]`` the sorted categories of an ordered variable
    (from all groups, as lavaan's ``ov.levels``).  ``correct`` is added to empty cells
    before ρ is estimated (psych's continuity correction; lavaan uses none).
    """
    n, p = X.shape
    ordered = np.asarray(ordered, bool)
    codes = np.zeros((n, p))
    th, var = [], np.ones(p)
    for v in range(p):
        col = X[:, v]
        if ordered[v]:
            c = recode_ordered(col, levels[v])
            codes[:, v] = c
            th.append(_thresholds(c, len(levels[v])))
        else:
            codes[:, v] = col
            ok = ~np.isnan(col)
            th.append(np.array([col[ok].mean()]))
            var[v] = col[ok].var()
    cor = np.eye(p)
    pi_, pj_ = pair_index(p)
    ord_pair = ordered[pi_] & ordered[pj_]
    stats = OrdinalStats(list(names), ordered, n, list(levels), th, var, cor, codes)
    # ordinal x ordinal: all at once
    if ord_pair.any():
        a, b = pi_[ord_pair], pj_[ord_pair]
        Kmax = max(len(levels[v]) for v in np.flatnonzero(ordered))
        icodes = codes.astype(np.int64)
        tables = _count_tables(icodes, a, b, Kmax)
        start = _table_correlations(tables)
        lim1, lim2 = _limits(th, a, Kmax), _limits(th, b, Kmax)
        counted = tables
        if correct > 0:
            real = (lim1[:, :-1] < np.inf)[:, :, None] & (lim2[:, :-1] < np.inf)[:, None, :]
            tables = np.where(real & (tables == 0), correct, tables)
        rho, conv = _polychoric_rho(tables, lim1, lim2, start)
        cor[a, b] = cor[b, a] = rho
        for k, (i, j) in enumerate(zip(a, b)):
            stats.tables[(i, j)] = tables[k]
            Ki, Kj = len(levels[i]), len(levels[j])
            empty = np.argwhere(counted[k][:Ki, :Kj] == 0)
            if len(empty):
                stats.zero_cells.append((names[j], names[i], [(levels[j][c], levels[i][r]) for r, c in empty]))
            if not conv[k]:
                stats.not_converged.append((names[j], names[i]))
    # continuous x ordinal (polyserial), continuous x continuous (Pearson)
    for i, j in zip(pi_[~ord_pair], pj_[~ord_pair]):
        x, y = X[:, i], X[:, j]
        ok = ~np.isnan(x) & ~np.isnan(y)
        if not ordered[i] and not ordered[j]:
            r = np.corrcoef(x[ok], y[ok])[0, 1]
        else:
            num, o = (i, j) if not ordered[i] else (j, i)
            xn = X[ok, num]
            z = (xn - th[num][0]) / np.sqrt(var[num])
            lim = np.concatenate([[-np.inf], th[o], [np.inf]])
            oc = codes[ok, o].astype(np.int64)
            start = _polyserial_start(X[ok, num], codes[ok, o], th[o])
            r, ok_conv = _polyserial_rho(z, oc, lim, start)
            if not ok_conv:
                stats.not_converged.append((names[j], names[i]))
        cor[i, j] = cor[j, i] = r
    return stats


def _polyserial_start(x, code, th):
    """lavaan's start: r(y1, y2) · sd(y2) / Σ φ(τ)."""
    if np.std(x) == 0 or np.std(code) == 0:
        return 0.0
    r = np.corrcoef(x, code)[0, 1]
    return float(np.clip(r * np.std(code) / np.sum(_dnorm(th)), -0.9, 0.9))


# --- NACOV ----------------------------------------------------------------------------------
def _univariate_scores(stats: OrdinalStats, rows: slice):
    """Casewise scores of thresholds (+ means) and of the variances of continuous variables."""
    C = stats.codes[rows]
    m = len(C)
    th_cols, var_cols = [], []
    for v in range(stats.p):
        if stats.ordered[v]:
            t = stats.thresholds[v]
            lim = np.concatenate([[-np.inf], t, [np.inf]])
            c = C[:, v].astype(np.int64)
            seen = c >= 0                      # a missing answer (-1) scores 0 (pairwise deletion)
            cs = np.where(seen, c, 0)
            pc = ndtr(lim[cs + 1]) - ndtr(lim[cs])
            S = np.zeros((m, len(t)))
            rr = np.arange(m)
            up = seen & (c < len(t))
            S[rr[up], c[up]] += _dnorm(t[c[up]]) / pc[up]
            lo = seen & (c > 0)
            S[rr[lo], c[lo] - 1] -= _dnorm(t[c[lo] - 1]) / pc[lo]
            th_cols.append(S)
        else:
            res = C[:, v] - stats.thresholds[v][0]
            ev = stats.var[v]
            th_cols.append((res / ev)[:, None])
            var_cols.append((-1 / (2 * ev) + res * res / (2 * ev * ev))[:, None])
    return np.hstack(th_cols), (np.hstack(var_cols) if var_cols else np.zeros((m, 0)))


def _ordinal_pairs(stats: OrdinalStats, a, b, th_start):
    """ρ-scores of every cell and the A21 entries of all ordinal pairs (a, b) at once.

    A21[pair, τ_a,k] = Σ_cells n s_ρ ∂log π/∂τ_a,k, with ∂π_ab/∂τ_k = ±φ(τ_k)[Φ((τ'_b - ρτ_k)/R) -
    Φ((τ'_{b-1} - ρτ_k)/R)] at the cell's upper (+) or lower (-) limit, R = √(1 - ρ²).
    """
    Kmax = max(len(stats.thresholds[v]) + 1 for v in np.concatenate([a, b]))
    lim_a, lim_b = _limits(stats.thresholds, a, Kmax), _limits(stats.thresholds, b, Kmax)
    rho = stats.cor[a, b]
    P, d1, _ = cell_probabilities(lim_a, lim_b, rho)
    ok = P > _SQRT_EPS
    Ps = np.where(ok, P, 1.0)
    s_rho = np.where(ok, d1 / Ps, 0.0)
    n = np.stack([stats.tables[(i, j)] [:Kmax, :Kmax] for i, j in zip(a, b)])
    w_over_p = np.where(ok, n * s_rho / Ps, 0.0)          # n s_ρ / π in each cell
    R = np.sqrt(1 - rho * rho)[:, None, None]
    r = rho[:, None, None]

    def side(lim_own, lim_other, wp):
        t = lim_own[:, 1:-1][:, :, None]                  # inner limits (m, Kmax-1, 1)
        fin = np.isfinite(t)
        tt = np.where(fin, t, 0.0)
        hi = (lim_other[:, None, 1:] - r * tt) / R
        lo = (lim_other[:, None, :-1] - r * tt) / R
        M = np.where(fin, _dnorm(tt) * (ndtr(hi) - ndtr(lo)), 0.0)   # (m, Kmax-1, Kmax)
        return np.sum(M * (wp[:, :-1, :] - wp[:, 1:, :]), axis=2)

    a21_a = side(lim_a, lim_b, w_over_p)
    a21_b = side(lim_b, lim_a, np.transpose(w_over_p, (0, 2, 1)))
    return s_rho.reshape(len(a), Kmax * Kmax), Kmax, a21_a, a21_b


def _pair_parts(stats: OrdinalStats):
    """The pairs with a continuous variable: a function of rows giving the casewise ρ-score, and the
    A21 / H entries of each."""
    th_start = np.concatenate([[0], np.cumsum([len(t) for t in stats.thresholds])])
    n_th = th_start[-1]
    var_pos = {v: n_th + k for k, v in enumerate(stats.numeric)}
    pi_, pj_ = pair_index(stats.p)
    sd = np.sqrt(stats.var)
    parts = {}
    for k, (i, j) in enumerate(zip(pi_, pj_)):
        rho = stats.cor[i, j]
        if stats.ordered[i] and stats.ordered[j]:
            continue
        if stats.ordered[i] != stats.ordered[j]:
            parts[k] = _mixed_pair(stats, i, j, rho, th_start, var_pos, sd)
        else:
            parts[k] = _numeric_pair(stats, i, j, rho, th_start, var_pos, sd)
    return parts


def _mixed_pair(stats, i, j, rho, th_start, var_pos, sd):
    num, o = (i, j) if not stats.ordered[i] else (j, i)
    mu, ev = stats.thresholds[num][0], stats.var[num]
    t = stats.thresholds[o]
    lim = np.concatenate([[-np.inf], t, [np.inf]])
    K = len(lim) - 1

    def pieces(C):
        z = (C[:, num] - mu) / np.sqrt(ev)
        c = C[:, o].astype(np.int64)
        up, lo, tu, tl, p, R = _polyserial_parts(z, c, lim, rho)
        pu, pl = _dnorm(tu), _dnorm(tl)
        dr = (pu * np.where(np.isfinite(up), up * rho - z, 0.0)
              - pl * np.where(np.isfinite(lo), lo * rho - z, 0.0)) / (p * R ** 3)
        return z, c, p, pu, pl, R, dr

    def score(C):
        return pieces(C)[-1]

    # A21 sums over all rows (the data of this group)
    z, c, p, pu, pl, R, dr = pieces(stats.codes)
    d_mu = (z + (rho / R) * (pu - pl) / p) / np.sqrt(ev)
    d_var = ((z * z - 1) + (rho * z / R) * (pu - pl) / p) / (2 * ev)
    a21 = {th_start[num]: np.sum(dr * d_mu), var_pos[num]: np.sum(dr * d_var)}
    for k in range(K - 1):
        d_th = (np.where(c == k, pu, 0.0) - np.where(c == k + 1, pl, 0.0)) / (R * p)
        a21[th_start[o] + k] = np.sum(dr * d_th)
    h21 = {var_pos[num]: rho / (2 * sd[num])}
    return score, a21, h21, sd[num]


def _numeric_pair(stats, i, j, rho, th_start, var_pos, sd):
    mi, mj = stats.thresholds[i][0], stats.thresholds[j][0]
    vi, vj = stats.var[i], stats.var[j]
    R = 1 - rho * rho

    def pieces(C):
        yi, yj = C[:, i] - mi, C[:, j] - mj
        zz = yi * yi / vi - 2 * rho * yi * yj / (sd[i] * sd[j]) + yj * yj / vj
        dr = rho / R + yi * yj / (sd[i] * sd[j] * R) - zz * rho / (R * R)
        return yi, yj, dr

    def score(C):
        return pieces(C)[2]

    yi, yj, dr = pieces(stats.codes)
    d_mi = (yi / vi - rho * yj / (sd[i] * sd[j])) / R
    d_mj = (yj / vj - rho * yi / (sd[i] * sd[j])) / R
    d_vi = -(0.5 / vi - (yi * yi / (vi * vi) - rho * yi * yj / (vi * sd[i] * sd[j])) / (2 * R))
    d_vj = -(0.5 / vj - (yj * yj / (vj * vj) - rho * yi * yj / (vj * sd[i] * sd[j])) / (2 * R))
    a21 = {th_start[i]: np.sum(dr * d_mi), th_start[j]: np.sum(dr * d_mj),
           var_pos[i]: np.sum(dr * d_vi), var_pos[j]: np.sum(dr * d_vj)}
    h21 = {var_pos[i]: sd[j] * rho / (2 * sd[i]), var_pos[j]: sd[i] * rho / (2 * sd[j])}
    return score, a21, h21, sd[i] * sd[j]


def _nacov(stats: OrdinalStats, chunk: int = 20000) -> np.ndarray:
    """Γ = N A⁻¹ (Σ s s') A⁻ᵀ (then H for continuous variables), in :meth:`obs_vector` order."""
    n, p = stats.n, stats.p
    if np.isnan(stats.codes).any():
        raise ValueError("the asymptotic covariance of the sample statistics needs complete rows of the "
                         "continuous variables (missing answers of ordered items may be left out pairwise)")
    th_start = np.concatenate([[0], np.cumsum([len(t) for t in stats.thresholds])])
    n_th = th_start[-1]
    num = list(stats.numeric)
    n1 = n_th + len(num)
    pi_, pj_ = pair_index(p)
    n2 = len(pi_)
    A21 = np.zeros((n2, n1))
    H21 = np.zeros((n2, n1))
    h22 = np.ones(n2)
    both = np.flatnonzero(stats.ordered[pi_] & stats.ordered[pj_])
    if len(both):
        a, b = pi_[both], pj_[both]
        s_table, Kmax, a21_a, a21_b = _ordinal_pairs(stats, a, b, th_start)
        for col in range(a21_a.shape[1]):
            real = col < np.array([len(stats.thresholds[v]) for v in a])
            A21[both[real], th_start[a[real]] + col] = a21_a[real, col]
            real = col < np.array([len(stats.thresholds[v]) for v in b])
            A21[both[real], th_start[b[real]] + col] = a21_b[real, col]
    parts = _pair_parts(stats)
    for k, (_, a21, h21, hdiag) in parts.items():
        for c, val in a21.items():
            A21[k, c] = val
        for c, val in h21.items():
            H21[k, c] = val
        h22[k] = hdiag
    # A11: per-variable blocks of the cross-products of the univariate scores
    S1_all = np.hstack(_univariate_scores(stats, slice(None)))
    inner11 = S1_all.T @ S1_all
    A11 = np.zeros((n1, n1))
    for v in range(p):
        idx = list(range(th_start[v], th_start[v + 1]))
        if not stats.ordered[v]:
            idx.append(n_th + num.index(v))
        A11[np.ix_(idx, idx)] = inner11[np.ix_(idx, idx)]
    A11_inv = np.linalg.inv(A11)
    G = A21 @ A11_inv                                   # n2 x n1
    a22 = np.zeros(n2)
    inner = np.zeros((n1 + n2, n1 + n2))
    for start in range(0, n, chunk):
        rows = slice(start, min(start + chunk, n))
        S1 = np.hstack(_univariate_scores(stats, rows))
        C = stats.codes[rows]
        S2 = np.zeros((len(S1), n2))
        if len(both):
            ca, cb = C[:, a].astype(np.int64), C[:, b].astype(np.int64)
            idx = np.maximum(ca, 0) * Kmax + np.maximum(cb, 0)
            # a pair with a missing answer scores 0: each ρ rests on the rows that answered both
            S2[:, both] = np.where((ca >= 0) & (cb >= 0), s_table[np.arange(len(both))[None, :], idx], 0.0)
        for k, part in parts.items():
            S2[:, k] = part[0](C)
        a22 += np.sum(S2 * S2, axis=0)
        IF = np.hstack([S1 @ A11_inv, S2 - S1 @ G.T])   # the casewise influence, before / a22
        inner += blas.dsyrk(1.0, IF.T, trans=0)        # IFᵀIF, upper triangle only: half the work
    inner = np.triu(inner) + np.triu(inner, 1).T
    scale = np.concatenate([np.ones(n1), 1.0 / a22])
    W = inner * np.outer(scale, scale)
    if len(num):
        H = np.eye(n1 + n2)
        H[n1:, :n1] = H21
        H[n1:, n1:] = np.diag(h22)
        W = H @ W @ H.T
    return n * W
