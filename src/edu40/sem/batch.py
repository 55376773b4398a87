"""Many replications of one model fitted at once: every array carries a leading draw axis.

A bootstrap or Monte Carlo chunk fits the same model to tens of samples.
Fitting them one at a time spends most of its time in the Python and
LAPACK-call overhead of 40 x 40 matrix operations; here each operation of
:meth:`RAMModel.value_and_gradient` is applied to the whole chunk as one
stacked array (``numpy.matmul`` and ``numpy.linalg`` work on stacks), and
the quasi-Newton iterations of :meth:`RAMModel.fit_warm` run side by side,
each draw with its own line search and convergence test.  Every draw's
arithmetic is independent of the other draws in the chunk, so a draw's
result does not depend on how draws are chunked.

Sparsity used: with ``N = E - I`` (``E = (I - A)^-1``) only the columns of
the nodes that send a path (``src``, the factors of a CFA) are non-zero,
so every product with ``E`` costs ``n x |src|`` instead of ``n x n``.

The quasi-Newton method is BFGS in its two-loop form (Nocedal & Wright,
2006, Algorithm 7.4) with the full-sample inverse Hessian as ``H0`` and the
whole history kept, which is BFGS itself (no limited memory) without a
``q x q`` matrix per draw.

Covered: complete data (listwise), any number of groups, with or without
a mean structure.  FIML and fixed.x covariates take the one-draw path.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BatchModel", "inverse_lower"]


def inverse_lower(L):
    """Inverses of a stack of lower-triangular matrices by recursive 2 x 2 blocking.

    ``[[L11, 0], [L21, L22]]^-1 = [[X11, 0], [-X22 L21 X11, X22]]`` with matrix
    products on the whole stack; blocks of 12 or fewer use ``numpy.linalg.inv``.
    """
    k = L.shape[-1]
    if k <= 12:
        return np.linalg.inv(L)
    h = k // 2
    X11 = inverse_lower(L[:, :h, :h])
    X22 = inverse_lower(L[:, h:, h:])
    out = np.zeros_like(L)
    out[:, :h, :h] = X11
    out[:, h:, h:] = X22
    out[:, h:, :h] = -(X22 @ (L[:, h:, :h] @ X11))
    return out


def cholesky_rows(M):
    """Cholesky factors of a stack; ``ok`` marks the matrices that are positive definite.

    The factor of a matrix that is not is replaced by the identity (its
    draw is then marked, never silently used).
    """
    try:
        L = np.linalg.cholesky(M)
        ok = np.isfinite(np.diagonal(L, axis1=1, axis2=2)).all(axis=1)
    except np.linalg.LinAlgError:
        L = np.empty_like(M)
        ok = np.ones(len(M), bool)
        for b in range(len(M)):
            try:
                L[b] = np.linalg.cholesky(M[b])
            except np.linalg.LinAlgError:
                ok[b] = False
        ok &= np.isfinite(np.diagonal(L, axis1=1, axis2=2)).all(axis=1)
    if not ok.all():
        L[~ok] = np.eye(M.shape[-1])
    return L, ok


class _GroupPlan:
    """Index arrays of one group's parameters for stacked evaluation.

    The gradient of a location of ``S`` is an entry of ``Omega = FE'G FE`` and
    of ``A`` an entry of ``Lambda = Sigma_all F'G F E``; with ``FE = [I 0] + N``
    both are entries of five small blocks, ``G``, ``G N``, ``N'G N`` (Omega)
    and ``Sigma_all[src, :p] G``, ``Sigma_all[src, :p] G N`` (Lambda), ``N``
    restricted to the source columns.  The entries needed are gathered into
    one pool per draw and a single product with a fixed matrix gives the
    gradient (locations summed into parameters on the way).
    """

    def __init__(self, lay, q, n, p):
        self.lay = lay
        pattern = lay.A0 != 0
        pattern[lay.rA, lay.cA] = True
        self.src = np.flatnonzero(pattern.any(axis=0))          # nodes that send a path
        s = len(self.src)
        where = np.full(n, -1)
        where[self.src] = np.arange(s)
        self.cA_src = where[lay.cA]
        self.A0s = lay.A0[:, self.src]
        self.nA, self.nS = len(lay.kA), len(lay.kS)
        # Factor form, Sigma = Theta + Lambda Psi Lambda' with Theta diagonal: no observed variable
        # sends a path, no covariance between two observed variables or an observed one and a source
        off = lay.S0.copy()
        off[lay.rS, lay.cS] = 1.0
        off[lay.cS, lay.rS] = 1.0
        np.fill_diagonal(off, 0.0)
        self.factor_form = bool(len(self.src) and self.src.min() >= p and not off[:p, :p].any()
                                and not off[:p][:, self.src].any())
        L = len(lay.k_all)
        P = np.zeros((L, q))
        P[np.arange(L), lay.k_all] = 1.0                       # locations -> parameters
        self.P = P
        shapes = {"G": p, "GN": s, "NtGN": s, "K1": p, "K1N": s}   # row length of each block
        parts = {k: [] for k in shapes}                          # (row, col, location, coefficient)
        for l, (r, c, f) in enumerate(zip(lay.rS, lay.cS, lay.sfac)):
            loc = self.nA + l
            if r < p and c < p:
                parts["G"].append((r, c, loc, f))
            if r < p and where[c] >= 0:
                parts["GN"].append((r, where[c], loc, f))
            if where[r] >= 0 and c < p:
                parts["GN"].append((c, where[r], loc, f))
            if where[r] >= 0 and where[c] >= 0:
                parts["NtGN"].append((where[r], where[c], loc, f))
        for l, (r, c) in enumerate(zip(lay.rA, lay.cA)):
            if r < p:
                parts["K1"].append((where[c], r, l, 2.0))
            if where[r] >= 0:
                parts["K1N"].append((where[c], where[r], l, 2.0))
        self.take = {}
        rows = []
        for key, items in parts.items():
            flat = np.array(sorted({r * shapes[key] + c for r, c, _, _ in items}), int)
            self.take[key] = flat
            pos = {v: i for i, v in enumerate(flat)}
            for r, c, loc, f in items:
                rows.append((key, pos[r * shapes[key] + c], loc, f))
        offsets, k = {}, 0
        for key in shapes:
            offsets[key] = k
            k += len(self.take[key])
        M = np.zeros((k, L))
        for key, i, loc, f in rows:
            M[offsets[key] + i, loc] += f
        self.Mq = M @ P                                         # pool -> gradient


class BatchModel:
    """A :class:`RAMModel` evaluated on a stack of samples at once.

    ``samples`` (per group) is a dict with ``cov`` (B x p x p), ``mean``
    (B x p) and ``logdet`` (B,) of each draw: the moments the one-draw
    engine keeps in ``GroupData``.
    """

    def __init__(self, model):
        self.model = model
        self.q, self.p, self.n = model.q, model.p, model.n_nodes
        self.ms = model.meanstructure
        self.plans = [_GroupPlan(lay, self.q, self.n, self.p) for lay in model._layout]
        self.eye_n = np.eye(self.n)

    # -- implied moments --------------------------------------------------------
    def _matrices(self, theta, plan):
        """``A[:, :, src]`` (the only non-zero columns of A), ``S`` and ``m`` of each draw."""
        lay = plan.lay
        b, n = len(theta), self.n
        As = np.broadcast_to(plan.A0s, (b, n, len(plan.src))).copy()
        As[:, lay.rA, plan.cA_src] = theta[:, lay.kA]
        S = np.broadcast_to(lay.S0, (b, n, n)).copy()
        v = theta[:, lay.kS]
        S.reshape(b, -1)[:, lay.fS] = v
        S.reshape(b, -1)[:, lay.fS_T] = v
        m = None
        if self.ms:
            m = np.broadcast_to(lay.m0, (b, n)).copy()
            m[:, lay.rM] = theta[:, lay.kM]
        return As, S, m

    def _paths(self, As, plan):
        """``N[:, :, src]`` with ``N = E - I``: the total effects sent by the source nodes."""
        src, d = plan.src, plan.lay.depth
        if d is None:
            A = np.zeros((len(As), self.n, self.n))
            A[:, :, src] = As
            E = np.linalg.inv(self.eye_n - A)
            Ns = E[:, :, src]
            Ns[:, src, np.arange(len(src))] -= 1.0
            return Ns
        Ns, power = As.copy(), As
        for _ in range(d - 1):           # A^k[:, src] = A[:, src] A^(k-1)[src, src]
            power = As @ power[:, src, :]
            Ns += power
        return Ns

    def node_variances(self, theta, gi):
        """``(diag(Sigma_all), S)``: implied variances of all nodes and the S matrix, per draw.

        ``diag((I + N) S (I + N)') = diag(S) + 2 rowsum(N o S) + rowsum((N S) o N)``
        with ``N`` on its source columns only.
        """
        plan = self.plans[gi]
        As, S, _ = self._matrices(theta, plan)
        Ns = self._paths(As, plan)
        src = plan.src
        Scols = S[:, :, src]
        var = (np.diagonal(S, axis1=1, axis2=2) + 2.0 * np.einsum("bks,bks->bk", Ns, Scols)
               + np.einsum("bks,bks->bk", Ns @ Scols[:, src, :], Ns))
        return var, S

    def moments(self, theta, gi):
        """``(sigma, mu, Ns, SallP, Em, S)``: implied moments of group ``gi`` for each draw."""
        plan = self.plans[gi]
        As, S, m = self._matrices(theta, plan)
        Ns = self._paths(As, plan)
        p, src = self.p, plan.src
        Nps_t = Ns[:, :p, :].transpose(0, 2, 1)
        SF = S[:, :, :p] + S[:, :, src] @ Nps_t             # S FE'
        SallP = SF + Ns @ SF[:, src, :]                      # E S FE' = Sigma_all[:, :p]
        Em = mu = None
        if self.ms:
            Em = m + (Ns @ m[:, src, None])[:, :, 0]
            mu = Em[:, :p]
        return SallP[:, :p, :], mu, Ns, SallP, Em, S

    def sigma_inverse(self, sigma, Ns, S, plan):
        """``(W, log|Sigma|, ok)`` for each draw; ``ok`` False where Sigma is not positive definite.

        In factor form (``plan.factor_form``) by the Woodbury identity with a
        ``|src| x |src|`` inner matrix (Magnus & Neudecker, 1999):

            W = D - U (I + Psi K)^-1 Psi U',   U = D Lambda,   K = Lambda' D Lambda,   D = Theta^-1
            log|Sigma| = log|Theta| + log|I + Psi K|

        for draws with every residual variance positive and above 1e-4 of its
        variable's variance (no cancellation) and Psi positive definite (then
        Sigma is); other draws, and other models, by Cholesky factors.
        """
        b, p = len(sigma), self.p
        use = np.zeros(b, bool)
        if plan.factor_form:
            src = plan.src
            theta = np.diagonal(S, axis1=1, axis2=2)[:, :p]
            Psi = S[:, src][:, :, src]
            _, psi_pd = cholesky_rows(Psi)
            use = psi_pd & (theta > 1e-4 * np.diagonal(sigma, axis1=1, axis2=2)).all(axis=1)
        W = np.empty_like(sigma)
        logdet = np.empty(b)
        ok = np.ones(b, bool)
        if use.any():
            rows = np.flatnonzero(use) if not use.all() else slice(None)
            th = theta[rows]
            d = 1.0 / th
            Lam = Ns[rows][:, :p, :]
            U = d[:, :, None] * Lam
            K = Lam.transpose(0, 2, 1) @ U
            T = np.eye(len(src)) + Psi[rows] @ K
            Q = np.linalg.solve(T, Psi[rows])
            Q = 0.5 * (Q + Q.transpose(0, 2, 1))
            Wr = -(U @ Q @ U.transpose(0, 2, 1))
            Wr[:, np.arange(p), np.arange(p)] += d
            W[rows] = Wr
            sign, ld = np.linalg.slogdet(T)
            logdet[rows] = np.log(th).sum(axis=1) + ld
            ok[rows] = sign > 0
        rest = np.flatnonzero(~use)
        if len(rest):
            L, good = cholesky_rows(sigma[rest] if len(rest) < b else sigma)
            Li = inverse_lower(L)
            W[rest] = Li.transpose(0, 2, 1) @ Li
            logdet[rest] = 2.0 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
            ok[rest] = good
        return W, logdet, ok

    # -- discrepancy and gradient -------------------------------------------------
    def value_and_gradient(self, theta, samples, rows=None):
        """F and its gradient for each draw (``rows`` of the samples); ``ok`` False where Sigma is not PD."""
        b, p = len(theta), self.p
        f_total = np.zeros(b)
        grad = np.zeros((b, self.q))
        ok = np.ones(b, bool)
        for gi, plan in enumerate(self.plans):
            lay = plan.lay
            smp = samples[gi]
            cov = smp["cov"] if rows is None else smp["cov"][rows]
            sigma, mu, Ns, SallP, Em, Smat = self.moments(theta, gi)
            W, logdet, good = self.sigma_inverse(sigma, Ns, Smat, plan)
            ok &= good
            if self.ms:
                mean = smp["mean"] if rows is None else smp["mean"][rows]
                d = mean - mu
                C = cov + d[:, :, None] * d[:, None, :]
            else:
                C = cov
            WC = W @ C
            logdet_s = smp["logdet"] if rows is None else smp["logdet"][rows]
            f = logdet + np.einsum("bii->b", WC) - logdet_s - p
            G = W - WC @ W
            src, Nps = plan.src, Ns[:, :p, :]
            GN = G @ Nps
            K1 = SallP[:, src, :] @ G
            blocks = {"G": G, "GN": GN, "NtGN": Nps.transpose(0, 2, 1) @ GN, "K1": K1,
                      "K1N": K1 @ Nps}
            pool = np.concatenate([blocks[k].reshape(b, -1)[:, t] for k, t in plan.take.items()],
                                  axis=1)
            gr = pool @ plan.Mq
            if self.ms:
                wd = (W @ d[:, :, None])[:, :, 0]
                u = np.zeros((b, self.n))
                u[:, :p] = wd
                u[:, src] += (Nps.transpose(0, 2, 1) @ wd[:, :, None])[:, :, 0]
                mean_terms = np.zeros((b, len(lay.k_all)))
                mean_terms[:, :plan.nA] = -2.0 * u[:, lay.rA] * Em[:, lay.cA]
                mean_terms[:, plan.nA + plan.nS:] = -2.0 * u[:, lay.rM]
                gr += mean_terms @ plan.P
            w = self.model.weights[gi]
            f_total += w * f
            grad += w * gr
        bad = ~ok | ~np.isfinite(f_total)
        f_total[bad] = np.inf
        return f_total, grad, ~bad

    # -- estimation -------------------------------------------------------------
    def fit(self, start, hinv, samples, *, max_iter=200, tol=1e-9, xtol=1e-8, max_halvings=30):
        """BFGS from ``start`` (q,) for every draw; the rules of :meth:`RAMModel.fit_warm`.

        Returns ``(theta, fmin, iterations, converged)``; draws that did not
        converge (or started at a non-positive-definite Sigma) are left to
        the one-draw engine by the caller.
        """
        B = len(samples[0]["cov"])
        q = self.q
        theta = np.broadcast_to(np.asarray(start, float), (B, q)).copy()
        f, g, ok = self.value_and_gradient(theta, samples)
        iters = np.zeros(B, int)
        done = np.zeros(B, bool)
        failed = ~ok
        hist_s, hist_y, hist_rho = [], [], []
        for it in range(max_iter + 1):
            active = np.flatnonzero(~done & ~failed)
            if not len(active):
                break
            step = -self._two_loop(g, hinv, hist_s, hist_y, hist_rho)
            gmax = np.abs(g).max(axis=1)
            rel = (np.abs(step) / np.maximum(1.0, np.abs(theta))).max(axis=1)
            conv = (gmax < tol) | ((rel < xtol) & (it > 0))
            newly = conv & ~done & ~failed
            done |= newly
            iters[newly] = it
            active = np.flatnonzero(~done & ~failed)
            if not len(active) or it == max_iter:
                break
            slope = np.einsum("bq,bq->b", g, step)
            # not a descent direction: the base metric, then the gradient (as fit_warm)
            badslope = active[~(slope[active] < 0)]
            if len(badslope):
                for rho in hist_rho:          # forget the updates of these draws (restart at H0)
                    rho[badslope] = 0.0
                step[badslope] = -(g[badslope] @ hinv)
                slope[badslope] = np.einsum("bq,bq->b", g[badslope], step[badslope])
                worse = badslope[~(slope[badslope] < 0)]
                step[worse] = -g[worse]
                slope[worse] = -np.einsum("bq,bq->b", g[worse], g[worse])
            t = np.ones(B)
            todo = active
            new_theta, new_f, new_g = theta.copy(), f.copy(), g.copy()
            for _ in range(max_halvings + 1):
                trial = theta[todo] + t[todo, None] * step[todo]
                ft, gt, _ = self.value_and_gradient(trial, samples, rows=todo)
                slack = 1e-13 * np.maximum(1.0, np.abs(f[todo]))
                accept = ft <= f[todo] + 1e-4 * t[todo] * slope[todo] + slack
                acc = todo[accept]
                new_theta[acc], new_f[acc], new_g[acc] = trial[accept], ft[accept], gt[accept]
                todo = todo[~accept]
                if not len(todo):
                    break
                t[todo] *= 0.5
            failed[todo] = True                       # line search failed: the one-draw engine
            s = new_theta - theta
            y = new_g - g
            sy = np.einsum("bq,bq->b", s, y)
            keep = sy > 1e-12 * np.sqrt(np.einsum("bq,bq->b", s, s) * np.einsum("bq,bq->b", y, y))
            rho = np.where(keep, 1.0 / np.where(keep, sy, 1.0), 0.0)   # rho = 0: no update
            hist_s.append(s)
            hist_y.append(y)
            hist_rho.append(rho)
            theta, f, g = new_theta, new_f, new_g
        converged = done & ~failed
        iters[~converged] = max_iter
        return theta, f, iters, converged

    @staticmethod
    def _two_loop(g, hinv, hist_s, hist_y, hist_rho):
        """H g for the BFGS matrix built from ``hinv`` by the stored updates (per draw)."""
        r = g.copy()
        alpha = []
        for s, y, rho in zip(reversed(hist_s), reversed(hist_y), reversed(hist_rho)):
            a = rho * np.einsum("bq,bq->b", s, r)
            r -= a[:, None] * y
            alpha.append(a)
        r = r @ hinv
        for (s, y, rho), a in zip(zip(hist_s, hist_y, hist_rho), reversed(alpha)):
            beta = rho * np.einsum("bq,bq->b", y, r)
            r += (a - beta)[:, None] * s
        return r
