"""Missing-data patterns for FIML: the pattern sums of the likelihood, its gradient and information.

With FIML each missing-data pattern ``p`` (``n_p`` respondents answering the
variables ``o``) contributes

    F_p = n_p [log|Sigma_oo| + tr(W_p C_p)],   W_p = (Sigma_oo)^-1,
    C_p = S_p + d_p d_p',   d_p = ybar_p - mu_o                      (Arbuckle, 1996)

to ``-2 logL`` (without constants), ``S_p`` and ``ybar_p`` the pattern's
covariance (divisor ``n_p``) and means.  Everything here works on those
pattern moments, computed once from the rows: the cost of an evaluation
grows with the number of distinct patterns, not with the number of
respondents.  The gradient needs only two sums over patterns,

    G = sum_p n_p/N embed(W_p - W_p C_p W_p),   w = sum_p n_p/N embed(W_p d_p),

(``embed`` puts a pattern's matrix into the rows and columns of its observed
variables), so that ``dF = tr(G dSigma) - 2 w' dmu`` as with complete data.

Each pattern's inverse comes from one Cholesky factor of the full ``Sigma``:
a pattern missing the set ``m`` has ``W_p = W_oo - W_om (W_mm)^-1 W_mo`` and
``log|Sigma_oo| = log|Sigma| + log|W_mm|`` (Schur complement, W =
Sigma^-1), a ``k x k`` solve when ``k`` answers are missing.  Patterns with
the same number of missing answers are processed together as stacked
arrays, so the Python work per evaluation is a loop over the distinct
counts of missing answers, not over patterns.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack

__all__ = ["chol_inverse", "pattern_index", "pattern_inverses", "PatternSet", "group_patterns",
           "pairwise_moments"]

_LOWER: dict = {}


def _lower_mask(p: int) -> np.ndarray:
    m = _LOWER.get(p)
    if m is None:
        m = _LOWER[p] = np.tri(p, dtype=bool)
    return m


def chol_inverse(M):
    """Inverse and log-determinant of a symmetric positive-definite matrix.

    LAPACK potrf/potri directly: several times faster than generic inversion
    for the 20-200 variable matrices of survey models.  Raises LinAlgError
    when ``M`` is not positive definite.
    """
    c, info = lapack.dpotrf(M, lower=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError("matrix is not positive definite")
    logdet = 2.0 * np.log(c.diagonal()).sum()
    inv, info = lapack.dpotri(c, lower=1)
    if info != 0:
        raise np.linalg.LinAlgError("matrix is singular")
    # potri fills the lower triangle only: mirror it
    return np.where(_lower_mask(len(inv)), inv, inv.T), logdet


def pattern_index(patterns, p):
    """Index arrays of each missing-data pattern, computed once: (obs, miss, ix_oo, ix_om, ix_mm)."""
    out = []
    for obs, *_ in patterns:
        miss = np.setdiff1d(np.arange(p), obs, assume_unique=True)
        out.append((obs, miss, np.ix_(obs, obs), np.ix_(obs, miss), np.ix_(miss, miss)))
    return out


def pattern_inverses(sigma, index):
    """Inverse and log-determinant of Sigma over each pattern's observed variables.

    One Cholesky of the full Sigma, then the Schur-complement identities of
    the module docstring; patterns missing more than half the variables are
    factorized directly.  ``index`` comes from :func:`pattern_index`.
    """
    p = len(sigma)
    W, logdet = chol_inverse(sigma)
    out = []
    for obs, miss, ix_oo, ix_om, ix_mm in index:
        k = len(miss)
        if k == 0:
            out.append((W, logdet))
        elif k == 1:
            w = W[miss[0], miss[0]]
            if not w > 0:
                raise np.linalg.LinAlgError("matrix is not positive definite")
            Wom = W[ix_om]
            out.append((W[ix_oo] - (Wom @ Wom.T) / w, logdet + np.log(w)))
        elif 2 * k <= p:
            Wmm_inv, logdet_wmm = chol_inverse(W[ix_mm])
            Wom = W[ix_om]
            out.append((W[ix_oo] - Wom @ Wmm_inv @ Wom.T, logdet + logdet_wmm))
        else:
            out.append(chol_inverse(sigma[ix_oo]))
    return out


def group_patterns(X):
    """``(obs, n, mean, cov)`` of each missing-data pattern of the rows ``X`` (cov divisor n).

    The rows' missing-answer masks are packed into bytes and sorted once
    (``O(N log N)``), then each pattern's rows are one slice: the same
    patterns, in the same order, as ``numpy.unique(mask, axis=0)``.
    """
    observed = ~np.isnan(X)
    packed = np.ascontiguousarray(np.packbits(observed, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse, counts = np.unique(keys, return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.argsort(inverse.ravel(), kind="stable")
    out = []
    for k, (start, n_p) in enumerate(zip(np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)):
        mask = observed[first[k]]
        rows = X[order[start:start + n_p]][:, mask]
        m = rows.mean(axis=0)
        out.append((np.flatnonzero(mask), int(n_p), m, (rows - m).T @ (rows - m) / n_p))
    return out


def pairwise_moments(patterns, p):
    """Available-case means and pairwise covariances (divisors n_ij and n_ij - 1) from the patterns.

    What ``DataFrame.mean()`` and ``DataFrame.cov(ddof=0 / 1)`` give on the
    rows, from the patterns' sums, centred at the available-case means.
    """
    n = np.zeros(p)
    sx = np.zeros(p)
    for obs, n_p, mean, _ in patterns:
        n[obs] += n_p
        sx[obs] += n_p * mean
    centre = sx / n
    N = np.zeros((p, p))
    Sx = np.zeros((p, p))          # Sx[i, j]: sum of x_i - centre_i over rows answering i and j
    Sxx = np.zeros((p, p))
    for obs, n_p, mean, cov in patterns:
        ix = np.ix_(obs, obs)
        d = mean - centre[obs]
        N[ix] += n_p
        Sx[ix] += n_p * d[:, None]
        Sxx[ix] += n_p * (cov + np.outer(d, d))
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = Sxx - Sx * Sx.T / N
        return centre, centred / N, centred / (N - 1)


class PatternSet:
    """The missing-data patterns of one group, arranged for stacked evaluation.

    Built once per sample from ``GroupData.patterns`` (``(obs, n, mean, cov)``
    per pattern).  Patterns missing ``k`` answers, ``1 <= 2k <= p``, form
    one stack per ``k`` (embedded ``p``-vectors and ``p x p`` matrices with
    zeros at the missing variables); the complete pattern and patterns
    missing more than half the variables are handled one by one.
    """

    def __init__(self, patterns, p: int, n: int):
        self.p, self.n = p, n
        self.patterns = patterns
        self.index = pattern_index(patterns, p)
        self.complete = None          # (n, mean, cov) of the complete pattern
        self.sparse = []              # patterns factorized directly: (obs, n, mean, cov)
        by_k: dict = {}
        for (obs, n_p, mean, cov), (_, miss, *_rest) in zip(patterns, self.index):
            k = len(miss)
            if k == 0:
                self.complete = (n_p, mean, cov)
            elif 2 * k <= p:
                by_k.setdefault(k, []).append((obs, miss, n_p, mean, cov))
            else:
                self.sparse.append((obs, n_p, mean, cov))
        self.stacks = []
        for k, items in sorted(by_k.items()):
            P = len(items)
            miss = np.array([it[1] for it in items])                 # P x k
            nn = np.array([it[2] for it in items], float)            # P
            obs_mask = np.ones((P, p), bool)
            np.put_along_axis(obs_mask, miss, False, axis=1)
            mean = np.zeros((P, p))
            cov = np.zeros((P, p, p))
            for j, (obs, _, _, m, c) in enumerate(items):
                mean[j, obs] = m
                cov[j][np.ix_(obs, obs)] = c
            # sum_p n_p embed(S_p): the part of sum_p n_p C_p that does not move with mu
            self.stacks.append({"k": k, "miss": miss, "n": nn, "obs": obs_mask.astype(float),
                                "mean": mean, "cov": cov, "ncov_sum": np.einsum("p,pij->ij", nn, cov)})

    def terms(self, sigma, mu, gradient=True):
        """``(F, G, w)``: the group's FIML discrepancy (per respondent) and its gradient sums.

        ``G`` and ``w`` are ``None`` when ``gradient`` is False.
        """
        p, N = self.p, self.n
        W, logdet = chol_inverse(sigma)
        f = 0.0
        G = np.zeros((p, p)) if gradient else None
        wd = np.zeros(p) if gradient else None
        if self.complete is not None:
            n_p, mean, cov = self.complete
            d = mean - mu
            C = cov + np.outer(d, d)
            WC = W @ C
            f += n_p * (logdet + np.trace(WC))
            if gradient:
                G += n_p * (W - WC @ W)
                wd += n_p * (W @ d)
        for st in self.stacks:
            f_k, G_k, w_k = _stack_terms(st, W, logdet, mu, gradient)
            f += f_k
            if gradient:
                G += G_k
                wd += w_k
        for obs, n_p, mean, cov in self.sparse:
            ix = np.ix_(obs, obs)
            Wo, ld = chol_inverse(sigma[ix])
            d = mean - mu[obs]
            C = cov + np.outer(d, d)
            WC = Wo @ C
            f += n_p * (ld + np.trace(WC))
            if gradient:
                G[ix] += n_p * (Wo - WC @ Wo)
                wd[obs] += n_p * (Wo @ d)
        if gradient:
            return f / N, G / N, wd / N
        return f / N, None, None

    def blocks(self, sigma, mu):
        """Each pattern's ``(obs, n_p / N, W_p, C_p, d_p)``, for the per-pattern information terms."""
        out = []
        for (obs, n_p, mean, cov), (Wo, _) in zip(self.patterns, pattern_inverses(sigma, self.index)):
            d = mean - mu[obs]
            out.append((obs, n_p / self.n, Wo, cov + np.outer(d, d), d))
        return out


def _stack_terms(st, W, logdet, mu, gradient):
    """FIML terms of the patterns missing ``k`` answers each, as stacked arrays.

    With ``U = W[:, m]`` and ``M = (W_mm)^-1`` the embedded inverse of a
    pattern is ``W~ = W - U M U'`` (zero on the missing rows and columns), so

        tr(W_p C_p)        = tr(W C~) - tr(M U' C~ U)
        W_p C_p W_p (emb.) = W C~ W - U M U'C~W - W C~ U M U' + U M U'C~U M U'

    with ``C~`` the embedded ``C_p``; the stacked products are ``P x k x p``.
    """
    miss, nn, obs = st["miss"], st["n"], st["obs"]
    P, k = miss.shape
    p = len(W)
    D = (st["mean"] - mu) * obs                       # embedded d_p (zero where missing)
    Wmm = W[miss[:, :, None], miss[:, None, :]]        # P x k x k
    if k == 1:
        wmm = Wmm[:, 0, 0]
        if not np.all(wmm > 0):
            raise np.linalg.LinAlgError("matrix is not positive definite")
        M = (1.0 / wmm)[:, None, None]
        logdet_mm = np.log(wmm)
    else:
        L = np.linalg.cholesky(Wmm)                    # raises LinAlgError if not PD
        logdet_mm = 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
        M = np.linalg.inv(Wmm)
    Ut = W[miss]                                       # P x k x p  (rows m of W = U')
    # C~ = S~ + d d': U'C~ = U'S~ + (U'd) d'
    UtS = Ut @ st["cov"]
    Utd = (Ut @ D[:, :, None])[:, :, 0]
    UtC = UtS + Utd[:, :, None] * D[:, None, :]        # P x k x p
    UtCU = UtC @ Ut.transpose(0, 2, 1)                 # P x k x k
    # sum_p n_p C~_p and the trace terms
    Csum = st["ncov_sum"] + (D * nn[:, None]).T @ D
    f = nn.sum() * logdet + nn @ logdet_mm + np.einsum("ij,ji->", W, Csum) \
        - np.einsum("p,pkl,plk->", nn, M, UtCU)
    if not gradient:
        return f, None, None
    # sum_p n_p W~_p = N W - W Q W with Q = sum_p n_p embed_mm(M_p)
    Q = np.zeros((p, p))
    np.add.at(Q, (miss[:, :, None], miss[:, None, :]), nn[:, None, None] * M)
    WQW = W @ Q @ W
    Wsum = nn.sum() * W - WQW
    # sum_p n_p W~ C~ W~ = W [Csum - sum n E M U'C~ - (.)' + sum n E M U'C~U M E'] W
    MUtC = (M @ UtC) * nn[:, None, None]                               # P x k x p
    B = np.zeros((p, p))
    np.add.at(B, miss, MUtC)                                           # rows m_p
    MCM = (M @ UtCU @ M) * nn[:, None, None]
    Mid = np.zeros((p, p))
    np.add.at(Mid, (miss[:, :, None], miss[:, None, :]), MCM)
    inner = Csum - B - B.T + Mid
    G = Wsum - W @ inner @ W
    # sum_p n_p W~_p d_p = W (sum n d) - W sum_p n_p E M U'd
    MUd = (M @ Utd[:, :, None])[:, :, 0] * nn[:, None]
    corr = np.zeros(p)
    np.add.at(corr, miss, MUd)
    wd = W @ (nn @ D - corr)
    return f, G, wd
