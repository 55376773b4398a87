"""Maximum likelihood estimation in RAM form, with analytic derivatives.

Every variable (observed first, then latent) is a node; ``A`` holds directed
paths (loadings, regressions), ``S`` (co)variances, ``m`` means/intercepts:

    Sigma = F E S E' F',   mu = F E m,   E = (I - A)^-1            (McArdle & McDonald, 1984)

The ML discrepancy of a group with sample moments ``(S, ybar)`` is

    F = log|Sigma| + tr(C Sigma^-1) - log|S| - p,   C = S + d d',  d = ybar - mu

and with FIML each missing-data pattern contributes the same terms on its
observed variables (Arbuckle, 1996; :mod:`edu40.sem.patterns`).  With
``W = Sigma^-1`` and ``G = W - W C W``, ``dF = tr(G dSigma) - 2 d'W dmu``;
in node space (``Gn = F'G F``, ``Omega = E'Gn E``, ``Lambda = Sigma_all Gn E``
with ``Sigma_all = E S E'``, ``u = E'F'W d``) the gradient is

    dF/dS_ij = (2 - [i = j]) Omega_ij,   dF/dA_ij = 2 Lambda_ji - 2 u_i (E m)_j,   dF/dm_i = -2 u_i

a handful of matrix products of the node dimension.  A recursive model
(no feedback loops) has a nilpotent ``A``, and ``E = I + A + ... + A^d``
needs ``d - 1`` products instead of an inversion.

The expected (Fisher) information uses the rank-two form of each free
location's moment derivative, ``dSigma = x_r y_r' + y_r x_r'``, ``dmu = z_r``:

    E[d2F]_{rs}  = 2 [(y_r'W x_s)(y_s'W x_r) + (y_r'W y_s)(x_s'W x_r)] + 2 z_r' W z_s

and the observed information is analytic (:mod:`edu40.sem.hessian`).

Estimation from start values is Fisher scoring with a backtracking line
search (the "expected information" Newton method of Lee & Jennrich, 1979),
with a quasi-Newton fallback.  Replications (bootstrap, Monte Carlo) start
from the full-sample estimates and use :meth:`RAMModel.fit_warm`: BFGS with
analytic gradients whose first inverse Hessian is the full-sample one,
computed once (Nocedal & Wright, 2006, ch. 6).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg

from .hessian import observed_hessian
from .patterns import PatternSet, chol_inverse, pattern_index, pattern_inverses

__all__ = ["GroupData", "RAMModel", "FitOutcome", "backtrack", "chol_inverse", "pattern_index",
           "pattern_inverses"]

_A, _S, _M = 0, 1, 2


@dataclass
class GroupData:
    """Sample information of one group.

    ``cov`` is the covariance used in the discrepancy (divided by n for the
    normal likelihood, n - 1 for Wishart); ``patterns`` holds, for FIML, one
    ``(observed index, n, mean, cov)`` tuple per missing-data pattern.
    """

    label: object
    n: int
    cov: np.ndarray
    mean: np.ndarray
    patterns: list | None = None
    raw: np.ndarray | None = field(default=None, repr=False)

    @property
    def p(self) -> int:
        return len(self.mean)


@dataclass
class FitOutcome:
    theta: np.ndarray
    fmin: float
    iterations: int
    converged: bool
    message: str
    gradient: np.ndarray


def backtrack(objective, theta, step, f, slope):
    """Armijo backtracking along ``step`` (halving from 1): the trial point, its value and the step
    length; ``t < 1e-10`` means no acceptable point was found."""
    t = 1.0
    while True:
        trial = theta + t * step
        f_new = objective(trial)
        if f_new <= f + 1e-4 * t * slope or t < 1e-10:
            return trial, f_new, t
        t *= 0.5


def _nilpotent_depth(pattern: np.ndarray, limit: int = 4):
    """Largest d with A^d possibly non-zero for A of this sparsity pattern (None: cyclic or deep)."""
    P = pattern.astype(np.int64)
    power = P.copy()
    for d in range(1, limit + 1):
        if not power.any():
            return d - 1
        power = (power @ P > 0).astype(np.int64)
    return None if power.any() else limit


class _Layout:
    """Where one group's parameters sit in ``A``, ``S`` and ``m`` (flat indices, computed once)."""

    def __init__(self, loc, n: int):
        fr, fx = loc["fr"], loc["fixed"]
        self.A0 = np.zeros((n, n))
        r, c, v = fx[_A]
        self.A0[r, c] = v
        self.S0 = np.zeros((n, n))
        r, c, v = fx[_S]
        self.S0[r, c] = v
        self.S0[c, r] = v
        self.m0 = np.zeros(n)
        r, _, v = fx[_M]
        self.m0[r] = v
        self.rA, self.cA, self.kA = (np.asarray(a, int) for a in fr[_A])
        self.rS, self.cS, self.kS = (np.asarray(a, int) for a in fr[_S])
        self.rM, _, self.kM = (np.asarray(a, int) for a in fr[_M])
        self.fA, self.fA_T = self.rA * n + self.cA, self.cA * n + self.rA
        self.fS, self.fS_T = self.rS * n + self.cS, self.cS * n + self.rS
        self.sfac = np.where(self.rS == self.cS, 1.0, 2.0)
        self.k_all = np.concatenate([self.kA, self.kS, self.kM])
        pattern = self.A0 != 0
        pattern[self.rA, self.cA] = True
        self.depth = _nilpotent_depth(pattern)
        self.eye = np.eye(n)


class RAMModel:
    """The moment structure of a (multi-group) model and its ML discrepancy."""

    def __init__(self, spec, groups: list[GroupData], *, weights=None, meanstructure=False,
                 fiml=False):
        self.spec = spec
        self.groups = groups
        self.meanstructure = meanstructure or fiml
        self.fiml = fiml
        self.p = len(spec.ov)
        self.n_nodes = len(spec.ov) + len(spec.lv)
        self.q = spec.n_free
        total = float(sum(weights)) if weights is not None else float(sum(g.n for g in groups))
        self.weights = np.array(weights if weights is not None else [g.n for g in groups], float) / total
        pos = {v: i for i, v in enumerate(spec.variables)}
        self.locations = []
        table = spec.table
        cols = [table[c].to_numpy() for c in ("group", "op", "lhs", "rhs", "free", "value")]
        for gi in range(len(groups)):
            kind, r, c, free, value = [], [], [], [], []
            for grp, op, lhs, rhs, fr, val in zip(*cols):
                if grp != gi:
                    continue
                if op == "=~":
                    k, i, j = _A, pos[rhs], pos[lhs]
                elif op == "~":
                    k, i, j = _A, pos[lhs], pos[rhs]
                elif op == "~~":
                    k, i, j = _S, pos[lhs], pos[rhs]
                elif op == "~1":
                    if not self.meanstructure:
                        continue
                    k, i, j = _M, pos[lhs], 0
                else:  # pragma: no cover - the parser has no other operators
                    continue
                kind.append(k), r.append(i), c.append(j), free.append(fr - 1)
                value.append(val)
            loc = {"kind": np.array(kind, int), "row": np.array(r, int), "col": np.array(c, int),
                   "free": np.array(free, int), "value": np.array(value, float)}
            f = loc["free"] >= 0
            loc["fr"] = {k: (loc["row"][f & (loc["kind"] == k)], loc["col"][f & (loc["kind"] == k)],
                             loc["free"][f & (loc["kind"] == k)]) for k in (_A, _S, _M)}
            loc["fixed"] = {k: (loc["row"][~f & (loc["kind"] == k)], loc["col"][~f & (loc["kind"] == k)],
                                loc["value"][~f & (loc["kind"] == k)]) for k in (_A, _S, _M)}
            self.locations.append(loc)
        self._layout = [_Layout(loc, self.n_nodes) for loc in self.locations]
        self._set_samples()

    def _set_samples(self):
        self._logdet_s = [self._sample_logdet(g) for g in self.groups]
        self._psets = [PatternSet(g.patterns, self.p, g.n) if g.patterns is not None else None
                       for g in self.groups]

    def with_groups(self, groups: list[GroupData]) -> "RAMModel":
        """The same model on other samples of the same sizes (bootstrap and Monte Carlo draws).

        Reuses the parameter locations, so a replication costs only the fit;
        the group weights stay those of this model (same ``n`` per group).
        """
        new = copy.copy(self)
        new.groups = list(groups)
        new._set_samples()
        return new

    # -- matrices ---------------------------------------------------------------
    def matrices(self, theta, gi):
        lay = self._layout[gi]
        A = lay.A0.copy()
        A.flat[lay.fA] = theta[lay.kA]
        S = lay.S0.copy()
        v = theta[lay.kS]
        S.flat[lay.fS] = v
        S.flat[lay.fS_T] = v
        m = lay.m0.copy()
        m[lay.rM] = theta[lay.kM]
        return A, S, m

    def _inverse(self, A, gi):
        """E = (I - A)^-1: a short power series when A is nilpotent (recursive models)."""
        lay = self._layout[gi]
        d = lay.depth
        if d is None:
            return np.linalg.inv(lay.eye - A)
        E = lay.eye + A if d >= 1 else lay.eye.copy()
        power = A
        for _ in range(d - 1):
            power = power @ A
            E += power
        return E

    def moments(self, theta, gi):
        """Implied (Sigma, mu, E, S_all, E m) of group ``gi``."""
        A, S, m = self.matrices(theta, gi)
        E = self._inverse(A, gi)
        S_all = E @ S @ E.T
        Em = E @ m
        return S_all[:self.p, :self.p], Em[:self.p], E, S_all, Em

    def all_moments(self, theta, gi):
        """Implied covariance and means of all nodes (observed and latent)."""
        _, _, _, S_all, Em = self.moments(theta, gi)
        return S_all, Em

    def _sigma_mu(self, theta, gi):
        A, S, m = self.matrices(theta, gi)
        FE = self._inverse(A, gi)[:self.p]
        return FE @ S @ FE.T, FE @ m

    # -- discrepancy ------------------------------------------------------------
    @staticmethod
    def _sample_logdet(g: GroupData):
        if g.patterns is not None:
            return 0.0
        sign, logdet = np.linalg.slogdet(g.cov)
        return logdet if sign > 0 else np.nan

    def _group_f(self, sigma, mu, g: GroupData, logdet_s, index=None):
        """Discrepancy of one group (complete data: the ML F; FIML: -2logL/n without constants)."""
        if g.patterns is None:
            W, logdet = chol_inverse(sigma)
            f = logdet + np.vdot(g.cov, W) - logdet_s - self.p
            if self.meanstructure:
                d = g.mean - mu
                f += d @ W @ d
            return f
        return PatternSet(g.patterns, self.p, g.n).terms(sigma, mu, gradient=False)[0]

    def _f(self, sigma, mu, gi):
        if self._psets[gi] is not None:
            return self._psets[gi].terms(sigma, mu, gradient=False)[0]
        return self._group_f(sigma, mu, self.groups[gi], self._logdet_s[gi])

    def objective(self, theta):
        f = 0.0
        try:
            for gi in range(len(self.groups)):
                f += self.weights[gi] * self._f(*self._sigma_mu(theta, gi), gi)
        except (np.linalg.LinAlgError, ValueError):
            return np.inf
        return f if np.isfinite(f) else np.inf

    def group_objectives(self, theta):
        return np.array([self._f(*self._sigma_mu(theta, gi), gi) for gi in range(len(self.groups))])

    def _group_terms(self, sigma, mu, gi):
        """``(F, G, w)`` of group ``gi``: its discrepancy and the sums of its gradient."""
        g = self.groups[gi]
        if g.patterns is not None:
            return self._psets[gi].terms(sigma, mu)
        W, logdet = chol_inverse(sigma)
        if self.meanstructure:
            d = g.mean - mu
            C = g.cov + np.outer(d, d)
        else:
            d, C = np.zeros(self.p), g.cov
        WC = W @ C
        f = logdet + np.trace(WC) - self._logdet_s[gi] - self.p
        return f, W - WC @ W, W @ d

    # -- derivatives ------------------------------------------------------------
    def value_and_gradient(self, theta):
        """F and its analytic gradient (node-space formulas of the module docstring)."""
        q, p = self.q, self.p
        f_total = 0.0
        grad = np.zeros(q)
        for gi in range(len(self.groups)):
            lay = self._layout[gi]
            A, S, m = self.matrices(theta, gi)
            E = self._inverse(A, gi)
            FE = E[:p]
            S_all_p = E @ (S @ FE.T)                # Sigma_all[:, :p]
            mu = FE @ m
            f, G, wd = self._group_terms(S_all_p[:p], mu, gi)
            R = G @ FE
            Lam = S_all_p @ R
            Om = FE.T @ R
            gA = 2.0 * Lam.flat[lay.fA_T]
            gS = Om.flat[lay.fS] * lay.sfac
            if self.meanstructure:
                u = FE.T @ wd
                gA -= 2.0 * u[lay.rA] * (E @ m)[lay.cA]
                gM = -2.0 * u[lay.rM]
            else:
                gM = np.zeros(len(lay.kM))
            w = self.weights[gi]
            f_total += w * f
            grad += w * np.bincount(lay.k_all, np.concatenate([gA, gS, gM]), minlength=q)
        return f_total, grad

    def _safe_fg(self, theta):
        try:
            f, g = self.value_and_gradient(theta)
        except (np.linalg.LinAlgError, ValueError):
            return np.inf, None
        return (f, g) if np.isfinite(f) else (np.inf, None)

    def _vectors(self, theta, gi, extra=None):
        """Stacked x, y, z vectors (one row per free location) and their parameter index."""
        sigma, mu, E, S_all, Em = self.moments(theta, gi)
        p = self.p
        FE = E[:p]
        loc = self.locations[gi]
        xs, ys, zs, idx = [], [], [], []
        r, c, k = loc["fr"][_A]
        if extra is not None:
            r = np.concatenate([r, extra["A"][0]]).astype(int)
            c = np.concatenate([c, extra["A"][1]]).astype(int)
            k = np.concatenate([k, extra["A"][2]]).astype(int)
        xs.append(FE[:, r].T)
        ys.append(S_all[:p, c].T)
        zs.append(FE[:, r].T * Em[c][:, None] if self.meanstructure else np.zeros((len(r), p)))
        idx.append(k)
        r, c, k = loc["fr"][_S]
        if extra is not None:
            r = np.concatenate([r, extra["S"][0]]).astype(int)
            c = np.concatenate([c, extra["S"][1]]).astype(int)
            k = np.concatenate([k, extra["S"][2]]).astype(int)
        half = np.where(r == c, 0.5, 1.0)
        xs.append(FE[:, r].T)
        ys.append(FE[:, c].T * half[:, None])
        zs.append(np.zeros((len(r), p)))
        idx.append(k)
        if self.meanstructure:
            r, _, k = loc["fr"][_M]
            if extra is not None:
                r = np.concatenate([r, extra["M"][0]]).astype(int)
                k = np.concatenate([k, extra["M"][2]]).astype(int)
            xs.append(np.zeros((len(r), p)))
            ys.append(np.zeros((len(r), p)))
            zs.append(FE[:, r].T)
            idx.append(k)
        return (np.vstack(xs), np.vstack(ys), np.vstack(zs), np.concatenate(idx).astype(int),
                sigma, mu)

    @staticmethod
    def _fisher_terms(X, Y, Z, W):
        WX, WY = X @ W, Y @ W
        Pxy = WY @ X.T          # Pxy[r, s] = y_r' W x_s
        Pyy = WY @ Y.T
        Pxx = WX @ X.T
        T = 2 * (Pxy * Pxy.T + Pyy * Pxx) + 2 * (Z @ W @ Z.T)
        return T

    def derivatives(self, theta, *, fisher=True, q=None, extra=None):
        """F, its gradient and (optionally) its expected Hessian, all summed over groups."""
        if not fisher and extra is None and q is None:
            f, g = self.value_and_gradient(theta)
            return f, g, None
        q = self.q if q is None else q
        f_total = 0.0
        grad = np.zeros(q)
        hess = np.zeros((q, q)) if fisher else None
        for gi, g in enumerate(self.groups):
            X, Y, Z, idx, sigma, mu = self._vectors(theta, gi, extra=extra[gi] if extra else None)
            w = self.weights[gi]
            f, Gfull, wd = self._group_terms(sigma, mu, gi)
            gr = 2 * ((Y @ Gfull) * X).sum(axis=1) - 2 * (Z @ wd)
            if fisher:
                if g.patterns is None:
                    T = self._fisher_terms(X, Y, Z, chol_inverse(sigma)[0])
                else:
                    T = np.zeros((len(idx), len(idx)))
                    for obs, share, Wo, _, _ in self._psets[gi].blocks(sigma, mu):
                        T += share * self._fisher_terms(X[:, obs], Y[:, obs], Z[:, obs], Wo)
            f_total += w * f
            grad += w * np.bincount(idx, gr, minlength=q)
            if fisher:
                # aggregate locations to parameters: H = P T P'
                P = np.zeros((q, len(idx)))
                P[idx, np.arange(len(idx))] = 1.0
                hess += w * (P @ T @ P.T)
        return f_total, grad, hess

    def gradient(self, theta):
        return self.value_and_gradient(theta)[1]

    # -- estimation -------------------------------------------------------------
    def fit(self, start, *, max_iter=500, tol=1e-9, fallback_maxiter=20000) -> FitOutcome:
        """Fisher scoring from ``start``; BFGS (at most ``fallback_maxiter`` iterations) if it fails.

        Replications (bootstrap, Monte Carlo) pass smaller budgets so that a
        draw that cannot be fitted fails in a fraction of a second.
        """
        theta = np.array(start, float)
        f, g, H = self._safe_derivatives(theta)
        if not np.isfinite(f):
            return self._fallback(theta, "the starting values give a non-positive-definite Sigma",
                                  fallback_maxiter)
        for it in range(1, max_iter + 1):
            step = self._scoring_step(g, H)
            slope = g @ step
            if slope >= 0:  # not a descent direction: use the gradient
                step, slope = -g, -(g @ g)
            trial, f_new, t = backtrack(self.objective, theta, step, f, slope)
            if not np.isfinite(f_new) or t < 1e-10:
                return self._fallback(theta, "line search failed", fallback_maxiter, done=it - 1)
            theta = trial
            f_old = f
            f, g, H = self._safe_derivatives(theta)
            if np.max(np.abs(g)) < tol or (abs(f_old - f) < 1e-15 * max(1.0, abs(f))
                                          and np.max(np.abs(g)) < 1e-6):
                return FitOutcome(theta, f, it, True, "converged (Fisher scoring)", g)
        return self._fallback(theta, f"no convergence after {max_iter} Fisher-scoring iterations",
                              fallback_maxiter, done=max_iter)

    def fit_warm(self, start, hinv, *, max_iter=200, tol=1e-9, xtol=1e-8,
                 fallback_maxiter=1000) -> FitOutcome:
        """BFGS from a nearby ``start`` with ``hinv`` as the first inverse Hessian of F.

        For replications: ``start`` and ``hinv`` come from the full-sample fit,
        whose Hessian differs from a replication's by O(n^-1/2), so the first
        steps are nearly Newton steps and each costs one gradient (no
        information matrix is formed or factorized per draw).  Converged when
        the gradient is below ``tol`` or the quasi-Newton step, the estimate
        of the remaining error, is below ``xtol`` (relative to
        ``max(1, |theta|)``) for every parameter.
        """
        theta = np.array(start, float)
        f, g = self._safe_fg(theta)
        if g is None:
            return self._fallback(theta, "the starting values give a non-positive-definite Sigma",
                                  fallback_maxiter)
        H = np.array(hinv, float)
        for it in range(max_iter + 1):
            step = -(H @ g)
            if np.max(np.abs(g)) < tol or (
                    it and np.max(np.abs(step) / np.maximum(1.0, np.abs(theta))) < xtol):
                return FitOutcome(theta, f, it, True, "converged (quasi-Newton)", g)
            if it == max_iter:
                break
            slope = g @ step
            if not slope < 0:   # the update lost positive definiteness: restart from hinv
                H = np.array(hinv, float)
                step = -(H @ g)
                slope = g @ step
                if not slope < 0:
                    step, slope = -g, -(g @ g)
            # Armijo, with the rounding error of F allowed for: near the optimum F changes by
            # less than its last digits, and the gradient alone must lead
            slack = 1e-13 * max(1.0, abs(f))
            t = 1.0
            while True:
                trial = theta + t * step
                f_new, g_new = self._safe_fg(trial)
                if f_new <= f + 1e-4 * t * slope + slack:
                    break
                t *= 0.5
                if t < 1e-10:
                    return self._fallback(theta, "line search failed", fallback_maxiter, done=it)
            s = trial - theta
            y = g_new - g
            sy = s @ y
            if sy > 1e-12 * np.sqrt((s @ s) * (y @ y)):
                Hy = H @ y
                H += ((sy + y @ Hy) / sy ** 2) * np.outer(s, s) - (np.outer(Hy, s) + np.outer(s, Hy)) / sy
            theta, f, g = trial, f_new, g_new
        return self._fallback(theta, f"no convergence after {max_iter} quasi-Newton iterations",
                              fallback_maxiter, done=max_iter)

    def _safe_derivatives(self, theta):
        try:
            return self.derivatives(theta)
        except (np.linalg.LinAlgError, ValueError):
            return np.inf, None, None

    @staticmethod
    def _scoring_step(g, H):
        try:
            chol = linalg.cho_factor(H, check_finite=False)
            return -linalg.cho_solve(chol, g, check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            # information not positive definite (near non-identification): damp it
            lam = 1e-6 * max(1.0, np.abs(np.diag(H)).max())
            return -np.linalg.lstsq(H + lam * np.eye(len(g)), g, rcond=None)[0]

    def _fallback(self, theta, why, maxiter=20000, done=0) -> FitOutcome:
        """BFGS from ``theta``; ``done`` iterations of the first method are counted in the total."""
        from scipy import optimize   # rarely needed: not imported with the engine

        with np.errstate(invalid="ignore", over="ignore"):   # trial points outside the domain: inf
            res = optimize.minimize(self.objective, theta, jac=self.gradient, method="BFGS",
                                    options={"gtol": 1e-8, "maxiter": maxiter})
        g = self.gradient(res.x) if np.isfinite(res.fun) else np.full(self.q, np.nan)
        converged = bool(np.isfinite(res.fun) and np.max(np.abs(g)) < 1e-5)
        msg = f"{why}; BFGS fallback: {res.message}"
        return FitOutcome(res.x, res.fun, done + res.nit, converged, msg, g)

    # -- information ------------------------------------------------------------
    def expected_information(self, theta, extra=None, q=None):
        """Unit expected information (per observation) of the parameters."""
        _, _, H = self.derivatives(theta, fisher=True, extra=extra, q=q)
        return H / 2.0

    def observed_information(self, theta, h=None):
        """Unit observed information: the analytic Hessian of F / 2 (:mod:`edu40.sem.hessian`)."""
        return observed_hessian(self, theta) / 2.0

    def numerical_observed_information(self, theta, h=None):
        """The observed information by central differences of the analytic gradient (a check)."""
        q = self.q
        H = np.zeros((q, q))
        for k in range(q):
            step = (h or 1e-6) * max(1.0, abs(theta[k]))
            e = np.zeros(q)
            e[k] = step
            H[:, k] = (self.gradient(theta + e) - self.gradient(theta - e)) / (2 * step)
        return (H + H.T) / 4.0
