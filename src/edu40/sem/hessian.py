"""The analytic Hessian of the ML discrepancy: observed information, complete data and FIML.

For a group (or a missing-data pattern) with ``W = Sigma^-1``, ``C = S + d d'``,
``d = ybar - mu``, ``V = W C W``, ``e = W d`` and ``G = W - V``, the Hessian of
``F = log|Sigma| + tr(C W)`` with respect to parameters ``r, s`` is

    H_rs = - tr(W Sigma_s W Sigma_r) + 2 tr(W Sigma_s V Sigma_r)
           + 2 e'Sigma_r W mu_s + 2 e'Sigma_s W mu_r + 2 mu_r' W mu_s          (first-derivative terms)
           + tr(G Sigma_rs) - 2 e' mu_rs                                        (second-derivative terms)

(Sigma_r = dSigma/dtheta_r, Sigma_rs = d2Sigma/dtheta_r dtheta_s; Magnus &
Neudecker, 1999, ch. 9; the same expression summed over the patterns gives
the FIML observed information of lavaan's ``information = "observed"``,
Savalei, 2010).  At ``C = Sigma`` it reduces to the expected information.

*First-derivative terms.*  Each free location has ``Sigma_r = x_r y_r' +
y_r x_r'`` and ``mu_r = z_r`` (see :mod:`edu40.sem.engine`), so with
``P^M_ab[r, s] = a_r' M b_s``

    tr(W Sigma_s B Sigma_r) = P^B_xy o P^W_yx + P^B_yy o P^W_xx + P^B_xx o P^W_yy + P^B_yx o P^W_xy

(``o`` the elementwise product): a few products of the stacked vectors, per
group, or per pattern on its observed variables under FIML.

*Second-derivative terms* are linear in ``G`` and ``e`` and need only their
sums over patterns, the same sums as the gradient.  In node space, with
``Omega = E'F'G F E``, ``Lambda = Sigma_all F'G F E``, ``u = E'F'e`` and a
location ``a`` of ``A`` at row ``i_a``, column ``j_a`` (``S``: ``k, l``; ``m``: ``k``):

    H_{A_a A_b} = 2 [E_{j_b i_a} Lambda_{j_a i_b} + E_{j_a i_b} Lambda_{j_b i_a}
                     + Sigma_all_{j_a j_b} Omega_{i_a i_b}]
                  - 2 [u_{i_b} E_{j_b i_a} (Em)_{j_a} + u_{i_a} E_{j_a i_b} (Em)_{j_b}]
    H_{A_a S_b} = 2 h_b [E_{j_a k} Omega_{l i_a} + E_{j_a l} Omega_{k i_a}]     (h = 1/2 on the diagonal)
    H_{A_a m_b} = -2 u_{i_a} E_{j_a k}

and zero between ``S`` and ``m`` parameters (``Sigma`` is linear in them).
"""

from __future__ import annotations

import numpy as np

from .patterns import chol_inverse

__all__ = ["observed_hessian"]


def _product_terms(X, Y, Z, W, C, d, meanstructure):
    """First-derivative terms of the Hessian over one block of variables (locations x locations)."""
    XW, YW = X @ W, Y @ W
    Pxx, Pxy, Pyy = XW @ X.T, XW @ Y.T, YW @ Y.T
    XWC, YWC = XW @ C, YW @ C
    Vxx, Vxy, Vyy = XWC @ XW.T, XWC @ YW.T, YWC @ YW.T
    Pyx = Pxy.T
    T = 2.0 * (Vxy * Pyx + Vyy * Pxx + Vxx * Pyy + Vxy.T * Pxy) - 2.0 * (Pxy * Pyx + Pyy * Pxx)
    if meanstructure:
        e = W @ d
        ZW = Z @ W
        M1 = 2.0 * ((X @ e)[:, None] * (YW @ Z.T) + (Y @ e)[:, None] * (XW @ Z.T))
        T += M1 + M1.T + 2.0 * (ZW @ Z.T)
    return T


def _second_derivative_terms(model, gi, E, S_all, Em, G, wd):
    """tr(G Sigma_rs) - 2 w' mu_rs over the free locations (A, S, m order of ``_vectors``)."""
    lay = model._layout[gi]
    p = model.p
    rA, cA, rS, cS, rM = lay.rA, lay.cA, lay.rS, lay.cS, lay.rM
    nA, nS = len(rA), len(rS)
    nM = len(rM) if model.meanstructure else 0
    FE = E[:p]
    R = G @ FE
    Om = FE.T @ R
    Lam = S_all[:, :p] @ R
    T = np.zeros((nA + nS + nM, nA + nS + nM))
    Ecr = E[np.ix_(cA, rA)]
    K = Ecr.T * Lam[np.ix_(cA, rA)]
    AA = 2.0 * (K + K.T + S_all[np.ix_(cA, cA)] * Om[np.ix_(rA, rA)])
    half = np.where(rS == cS, 0.5, 1.0)
    AS = 2.0 * half[None, :] * (E[np.ix_(cA, rS)] * Om[np.ix_(rA, cS)]
                                + E[np.ix_(cA, cS)] * Om[np.ix_(rA, rS)])
    if model.meanstructure:
        u = FE.T @ wd
        Mm = Em[cA][:, None] * Ecr.T * u[rA][None, :]
        AA -= 2.0 * (Mm + Mm.T)
        AM = -2.0 * u[rA][:, None] * E[np.ix_(cA, rM)]
        T[:nA, nA + nS:] = AM
        T[nA + nS:, :nA] = AM.T
    T[:nA, :nA] = AA
    T[:nA, nA:nA + nS] = AS
    T[nA:nA + nS, :nA] = AS.T
    return T


def observed_hessian(model, theta) -> np.ndarray:
    """Analytic Hessian of the discrepancy ``F`` (groups weighted as in F); ``q x q``.

    The unit observed information is half of it.  Under FIML the
    first-derivative terms are summed over the missing-data patterns (cost
    proportional to the number of patterns); the second-derivative terms
    use the pattern sums of the gradient.
    """
    q = model.q
    H = np.zeros((q, q))
    ms = model.meanstructure
    for gi, g in enumerate(model.groups):
        X, Y, Z, idx, sigma, mu = model._vectors(theta, gi)
        _, _, E, S_all, Em = model.moments(theta, gi)
        _, G, wd = model._group_terms(sigma, mu, gi)
        T = _second_derivative_terms(model, gi, E, S_all, Em, G, wd)
        if g.patterns is None:
            W = chol_inverse(sigma)[0]
            d = (g.mean - mu) if ms else np.zeros(model.p)
            T += _product_terms(X, Y, Z, W, g.cov + np.outer(d, d), d, ms)
        else:
            for obs, share, Wo, C, d in model._psets[gi].blocks(sigma, mu):
                T += share * _product_terms(X[:, obs], Y[:, obs], Z[:, obs], Wo, C, d, ms)
        P = np.zeros((q, len(idx)))
        P[idx, np.arange(len(idx))] = 1.0
        H += model.weights[gi] * (P @ T @ P.T)
    return (H + H.T) / 2.0
