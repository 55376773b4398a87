"""Least-squares estimation of SEM for ordered (Likert) indicators: DWLS, WLS, ULS.

The model is the RAM model of :mod:`edu40.sem.engine` for the latent
responses y* behind the ordered answers (y = k when τ_{k-1} < y* <= τ_k), in
lavaan's *delta* parameterization (Muthén & Asparouhov, 2002):

* every ordered variable has thresholds τ_k (``u | t1``), an intercept
  fixed at 0 and a scale Δ (``u ~*~ u``, fixed at 1 in a single group);
* the residual variance θ of an ordered variable is not a parameter: it is
  what makes Var(y*) = 1/Δ², θ = 1/Δ² - [E S E']_uu with θ set to 0;
* the model-implied sample statistics are, in lavaan's ``WLS.obs`` order,

      thresholds      Δ_u (τ_uk - μ*_u)       (μ*: the RAM-implied mean of y*)
      means           μ_x                     (continuous variables)
      variances       σ_xx                    (continuous variables)
      correlations    Δ_u Δ_v σ*_uv           (Δ = 1 for continuous variables)

The discrepancy is F(θ) = Σ_g (n_g/N) (s_g - σ_g)' W_g (s_g - σ_g) with the
sample statistics s of :mod:`edu40.sem.polychoric` and W = diag(Γ)⁻¹ (DWLS),
Γ⁻¹ (WLS; Browne, 1984) or I (ULS); lavaan's chi-square is T = Σ_g (n_g - 1)
(s_g - σ̂_g)' W_g (s_g - σ̂_g), and lavaan weights the groups of F by n_g - 1 too.
Estimation is Gauss-Newton, θ ← θ + (Δ'WΔ)⁻¹ Δ'W(s - σ) with a backtracking
line search, Δ = ∂σ/∂θ' analytic (the RAM Jacobian of :func:`moment_jacobian`
plus the threshold and scale terms).

Standard errors: ``"standard"`` (Δ'WΔ)⁻¹/(N - G); ``"robust.sem"`` the sandwich
(Δ'WΔ)⁻¹ Δ'WΓWΔ (Δ'WΔ)⁻¹/(N - G) (Muthén, du Toit & Spisic, 1997), the
products summed over groups with weights n_g/N, as lavaan's
``lav_model_nvcov_robust_sem`` and ``lav_model_vcov``.

References
----------
Browne, M. W. (1984). Asymptotically distribution-free methods for the
analysis of covariance structures. *British Journal of Mathematical and
Statistical Psychology, 37*, 62-83.
Muthén, B., du Toit, S. H. C., & Spisic, D. (1997). *Robust inference using
weighted least squares and quadratic estimating equations in latent
variable modeling with categorical and continuous outcomes.* Unpublished
technical report.
Muthén, B., & Asparouhov, T. (2002). *Latent variable analysis with
categorical outcomes: multiple-group and growth modeling in Mplus.* Mplus
Web Note 4.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import linalg

from .engine import FitOutcome, GroupData, RAMModel, backtrack
from .polychoric import pair_index
from .standardize import moment_jacobian

__all__ = ["DeltaRAMModel", "WLSEstimation", "WLS_ESTIMATORS", "estimator_settings"]

# estimator -> (discrepancy, standard errors, test), as lavaan's lavOptions
WLS_ESTIMATORS = {
    "WLSMV": ("DWLS", "robust.sem", "scaled.shifted"),
    "WLSM": ("DWLS", "robust.sem", "satorra.bentler"),
    "DWLS": ("DWLS", "standard", "standard"),
    "WLS": ("WLS", "standard", "standard"),
    "ULSMV": ("ULS", "robust.sem", "scaled.shifted"),
    "ULSM": ("ULS", "robust.sem", "satorra.bentler"),
    "ULS": ("ULS", "standard", "standard"),
}


def estimator_settings(name: str):
    return WLS_ESTIMATORS[name.upper()]


class DeltaRAMModel(RAMModel):
    """The RAM model of latent responses.

    Delta parameterization (lavaan's default): the scales Δ are parameters and an ordered
    variable's residual variance follows from them (its latent response has variance 1/Δ²).
    Theta parameterization: the residual variances are parameters and the scales follow,
    Δ = 1/√diag(Σ*).
    """

    def __init__(self, spec, groups, *, weights=None):
        super().__init__(spec, groups, weights=weights, meanstructure=True)
        ov = spec.ov
        self.theta_parameterization = getattr(spec, "parameterization", "delta") == "theta"
        self.ordered_idx = np.array([ov.index(v) for v in spec.ordered], dtype=int)
        self.scale_free, self.scale_fixed = [], []
        pos = {v: i for i, v in enumerate(ov)}
        for gi in range(len(groups)):
            t = spec.table[(spec.table["group"] == gi) & (spec.table["op"] == "~*~")]
            free = np.full(len(ov), -1)
            fixed = np.ones(len(ov))
            for row in t.itertuples():
                if row.free > 0:
                    free[pos[row.lhs]] = row.free - 1
                else:
                    fixed[pos[row.lhs]] = row.value
            self.scale_free.append(free)
            self.scale_fixed.append(fixed)
        # an ordered variable must be an end point: its residual variance is set, not estimated
        for gi, loc in enumerate(self.locations):
            r, c, _ = loc["fr"][0]
            rf, cf, vf = loc["fixed"][0]
            sources = set(c.tolist()) | set(cf[vf != 0].tolist())
            bad = [ov[i] for i in self.ordered_idx if i in sources]
            if bad:
                raise ValueError(f"ordered variable(s) {bad} predict other variables; edu40 treats ordered "
                                 f"variables as outcomes and indicators only. Declare them continuous "
                                 f"(leave them out of ordered=) to use them as predictors")

    def scales(self, theta, gi, sigma=None) -> np.ndarray:
        """Δ of every observed variable (1 for continuous ones); ``sigma``: the implied covariance
        at ``theta`` when the caller has it (theta parameterization: Δ = 1/√diag Σ*)."""
        if self.theta_parameterization:
            out = np.ones(len(self.spec.ov))
            o = self.ordered_idx
            if len(o):
                if sigma is None:
                    sigma, *_ = self.moments(theta, gi)
                with np.errstate(invalid="ignore", divide="ignore"):   # a trial step's negative variance:
                    out[o] = 1.0 / np.sqrt(np.diag(sigma)[o])          # NaN, and the line search steps back
            return out
        free = self.scale_free[gi]
        out = self.scale_fixed[gi].copy()
        out[free >= 0] = theta[free[free >= 0]]
        return out

    def matrices(self, theta, gi):
        A, S, m = super().matrices(theta, gi)
        o = self.ordered_idx
        if len(o) and not self.theta_parameterization:
            S[o, o] = 0.0
            E = np.linalg.inv(np.eye(self.n_nodes) - A)
            Eo = E[o]
            raw = np.einsum("ij,jk,ik->i", Eo, S, Eo)
            d = self.scales(theta, gi)[o]
            S[o, o] = 1.0 / (d * d) - raw
        return A, S, m

    def row_values(self, theta, table) -> np.ndarray:
        """Every row's value at theta: free parameters, fixed values, and what the parameterization
        derives: the residual variances of ordered variables (delta) or their scales (theta)."""
        cache = getattr(self, "_row_cache", None)
        if cache is None or cache[0] is not table:        # positions computed once per table
            free = table["free"].to_numpy()
            pos = {v: i for i, v in enumerate(self.spec.variables)}
            lhs = table["lhs"].to_numpy()
            if self.theta_parameterization:
                derived = table["op"].to_numpy() == "~*~"
            else:
                derived = ((table["op"].to_numpy() == "~~") & (lhs == table["rhs"].to_numpy())
                           & table["lhs"].isin(set(self.spec.ordered)).to_numpy())
            rows = np.flatnonzero(derived & (free == 0))
            nodes = np.array([pos[v] for v in lhs[rows]], dtype=int)
            cache = (table, free, table["value"].to_numpy(float), rows, table["group"].to_numpy()[rows], nodes)
            self._row_cache = cache
        _, free, fixed, rows, groups, nodes = cache
        est = np.where(free > 0, theta[np.maximum(free - 1, 0)], fixed)
        for gi in np.unique(groups):
            sel = groups == gi
            if self.theta_parameterization:     # observed variables come first: node = position in ov
                est[rows[sel]] = self.scales(theta, gi)[nodes[sel]]
            else:
                _, S, _ = self.matrices(theta, gi)
                est[rows[sel]] = S[nodes[sel], nodes[sel]]
        return est


@dataclass
class _GroupIndex:
    th_var: np.ndarray        # variable of each threshold entry (means of continuous variables too)
    th_free: np.ndarray       # free index of the threshold parameter (-1: fixed or a mean)
    th_fixed: np.ndarray      # fixed threshold value
    th_ordered: np.ndarray    # entry is a threshold (not a mean)
    numeric: np.ndarray       # continuous variables
    pi: np.ndarray            # pairs (i > j), lavaan's order
    pj: np.ndarray
    tril_pair: np.ndarray     # row of each pair in the tril-ordered Jacobian
    tril_var: np.ndarray      # row of each continuous variance


class WLSEstimation:
    """DWLS / WLS / ULS discrepancy, its Gauss-Newton fit, information and standard errors."""

    def __init__(self, spec, model: DeltaRAMModel, stats: list, discrepancy: str = "DWLS"):
        self.spec, self.model, self.stats = spec, model, stats
        self.discrepancy = discrepancy
        self.q = spec.n_free
        n = np.array([s.n for s in stats], float)
        self.N = n.sum()
        self.f = n / self.N
        # lavaan weights each group's discrepancy by (n_g - 1) / n_g before averaging with weights n_g
        # (lav_model_objective): the fit weights groups by n_g - 1, the information by n_g
        self.fw = (n - 1) / (n - 1).sum()
        self.obs = [s.obs_vector() for s in stats]
        self.gamma = [s.nacov() for s in stats]
        self.index = [self._group_index(gi, s) for gi, s in enumerate(stats)]
        self.W = []
        for G in self.gamma:
            if discrepancy == "DWLS":
                self.W.append(1.0 / np.diag(G))
            elif discrepancy == "ULS":
                self.W.append(np.ones(len(G)))
            else:
                self.W.append(_symmetric_inverse(G))

    def _group_index(self, gi, st) -> _GroupIndex:
        spec = self.spec
        t = spec.table[(spec.table["group"] == gi) & (spec.table["op"] == "|")]
        rows = {(r.lhs, r.rhs): r for r in t.itertuples()}
        th_var, th_free, th_fixed, th_ord = [], [], [], []
        for v, name in enumerate(st.names):
            if st.ordered[v]:
                k_data = len(st.thresholds[v])
                given = sorted(int(rhs[1:]) for (lhs, rhs) in rows if lhs == name)
                if given != list(range(1, k_data + 1)):
                    raise ValueError(f"{name} has {k_data + 1} categories in the data, so {k_data} "
                                     f"thresholds (t1..t{k_data}); the model gives "
                                     f"{['t%d' % k for k in given]}")
                for k in range(1, k_data + 1):
                    r = rows[(name, f"t{k}")]
                    th_var.append(v), th_free.append(r.free - 1 if r.free > 0 else -1)
                    th_fixed.append(r.value if r.free == 0 else np.nan), th_ord.append(True)
            else:
                th_var.append(v), th_free.append(-1), th_fixed.append(np.nan), th_ord.append(False)
        p = st.p
        pi, pj = pair_index(p)
        tril = lambda i, j: i * (i + 1) // 2 + j          # noqa: E731 - row of (i >= j) in np.tril order
        num = st.numeric
        return _GroupIndex(np.array(th_var), np.array(th_free), np.array(th_fixed, float),
                           np.array(th_ord), num, pi, pj, tril(pi, pj), tril(num, num))

    # -- implied statistics and their Jacobian --------------------------------------------
    def implied(self, theta, gi, jacobian=True):
        ix = self.index[gi]
        model = self.model
        sigma, mu, *_ = model.moments(theta, gi)
        d = model.scales(theta, gi, sigma)
        tau = np.where(ix.th_free >= 0, theta[np.maximum(ix.th_free, 0)], ix.th_fixed)
        v = ix.th_var
        th = np.where(ix.th_ordered, d[v] * (tau - mu[v]), mu[v])
        pair = d[ix.pi] * d[ix.pj] * sigma[ix.pi, ix.pj]
        est = np.concatenate([th, sigma[ix.numeric, ix.numeric], pair])
        if not jacobian:
            return est, None
        J, Jm, _ = moment_jacobian(model, theta, gi)
        q = self.q
        n_th, n_num = len(v), len(ix.numeric)
        D = np.zeros((len(est), q))
        o = ix.th_ordered
        D[:n_th] = np.where(o[:, None], -d[v][:, None] * Jm[v], Jm[v])
        rows = np.flatnonzero(o & (ix.th_free >= 0))
        np.add.at(D, (rows, ix.th_free[rows]), d[v[rows]])
        sf = model.scale_free[gi]
        rows = np.flatnonzero(o & (sf[v] >= 0))
        np.add.at(D, (rows, sf[v[rows]]), tau[rows] - mu[v[rows]])
        D[n_th:n_th + n_num] = J[ix.tril_var]
        base = n_th + n_num
        D[base:] = (d[ix.pi] * d[ix.pj])[:, None] * J[ix.tril_pair]
        for a, b in ((ix.pi, ix.pj), (ix.pj, ix.pi)):
            rows = np.flatnonzero(sf[a] >= 0)
            np.add.at(D, (base + rows, sf[a[rows]]), d[b[rows]] * sigma[a[rows], b[rows]])
        if model.theta_parameterization and len(model.ordered_idx):
            # Δ = Σ*_vv^(-1/2) depends on every parameter: ∂Δ_v = -Δ_v³ ∂Σ*_vv / 2
            dd = np.zeros((len(d), q))
            oi = model.ordered_idx
            dd[oi] = -0.5 * (d[oi] ** 3)[:, None] * J[oi * (oi + 1) // 2 + oi]
            rows = np.flatnonzero(o)
            D[rows] += (tau - mu[v])[rows, None] * dd[v[rows]]
            D[base:] += ((d[ix.pj] * sigma[ix.pi, ix.pj])[:, None] * dd[ix.pi]
                         + (d[ix.pi] * sigma[ix.pi, ix.pj])[:, None] * dd[ix.pj])
        return est, D

    # -- discrepancy ------------------------------------------------------------------------
    def _weighted(self, gi, e):
        W = self.W[gi]
        return W * e if W.ndim == 1 else W @ e

    def group_values(self, theta):
        """(s - σ)' W (s - σ) of each group."""
        out = []
        for gi in range(len(self.stats)):
            est, _ = self.implied(theta, gi, jacobian=False)
            e = self.obs[gi] - est
            out.append(float(e @ self._weighted(gi, e)))
        return np.array(out)

    def objective(self, theta):
        try:
            val = float(self.fw @ self.group_values(theta))
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return np.inf
        return val if np.isfinite(val) else np.inf

    def derivatives(self, theta):
        """F, its gradient and the Gauss-Newton matrix 2 Σ f_g Δ'WΔ."""
        F = 0.0
        g = np.zeros(self.q)
        H = np.zeros((self.q, self.q))
        for gi in range(len(self.stats)):
            est, D = self.implied(theta, gi)
            e = self.obs[gi] - est
            We = self._weighted(gi, e)
            F += self.fw[gi] * (e @ We)
            g -= 2 * self.fw[gi] * (D.T @ We)
            WD = self.W[gi][:, None] * D if self.W[gi].ndim == 1 else self.W[gi] @ D
            H += 2 * self.fw[gi] * (D.T @ WD)
        return F, g, H

    def fit(self, start, *, max_iter=200, tol=1e-10) -> FitOutcome:
        theta = np.array(start, float)
        try:
            F, g, H = self.derivatives(theta)
        except (np.linalg.LinAlgError, ValueError):
            return FitOutcome(theta, np.inf, 0, False, "the starting values give no implied statistics", g)
        for it in range(1, max_iter + 1):
            try:
                with warnings.catch_warnings():
                    # a near-singular Gauss-Newton matrix is met by the line search and, at the end,
                    # by the under-identification check of the information; not by a warning per step
                    warnings.simplefilter("ignore", linalg.LinAlgWarning)
                    step = -linalg.solve(H, g, assume_a="pos")
            except (np.linalg.LinAlgError, ValueError):
                lam = 1e-6 * max(1.0, np.abs(np.diag(H)).max())
                step = -np.linalg.lstsq(H + lam * np.eye(self.q), g, rcond=None)[0]
            slope = g @ step
            if slope >= 0:
                step, slope = -g, -(g @ g)
            trial, F_new, _ = backtrack(self.objective, theta, step, F, slope)
            if not np.isfinite(F_new):
                return FitOutcome(theta, F, it, False, "line search failed", g)
            theta = trial
            F_old = F
            F, g, H = self.derivatives(theta)
            if np.max(np.abs(g)) < tol or (abs(F_old - F) <= 1e-15 * max(1.0, F) and np.max(np.abs(g)) < 1e-7):
                return FitOutcome(theta, F, it, True, "converged (Gauss-Newton)", g)
        return FitOutcome(theta, F, max_iter, False, f"no convergence after {max_iter} Gauss-Newton steps", g)

    # -- information and standard errors ---------------------------------------------------------
    def jacobians(self, theta):
        return [self.implied(theta, gi)[1] for gi in range(len(self.stats))]

    def information(self, theta, D=None):
        """Σ_g f_g Δ_g' W_g Δ_g (lavaan's expected information of a WLS estimator)."""
        D = D or self.jacobians(theta)
        E = np.zeros((self.q, self.q))
        for gi, Dg in enumerate(D):
            W = self.W[gi]
            WD = W[:, None] * Dg if W.ndim == 1 else W @ Dg
            E += self.f[gi] * (Dg.T @ WD)
        return E

    def vcov(self, theta, se: str = "robust.sem"):
        """Covariance matrix of the estimates (and names of unidentified parameters, if any)."""
        D = self.jacobians(theta)
        E = self.information(theta, D)
        E_inv, singular = _inverse_or_pinv(E, self.spec)
        n_eff = self.N - len(self.stats)          # lavaan: N - G for least-squares estimators
        if se == "standard":
            return E_inv / n_eff, singular, E_inv, D
        middle = np.zeros((self.q, self.q))
        for gi, Dg in enumerate(D):
            W = self.W[gi]
            WD = W[:, None] * Dg if W.ndim == 1 else W @ Dg
            middle += self.f[gi] * (WD.T @ self.gamma[gi] @ WD)
        return E_inv @ middle @ E_inv / n_eff, singular, E_inv, D


def _symmetric_inverse(G):
    vals = np.linalg.eigvalsh(G)
    if vals[0] <= 0:
        raise ValueError("the asymptotic covariance matrix Γ of the sample statistics is not positive "
                         "definite, so full WLS cannot weight by its inverse (too few respondents for "
                         f"{len(G)} statistics?); use estimator='WLSMV' (diagonal weights)")
    return np.linalg.inv(G)


def _inverse_or_pinv(E, spec):
    vals, vecs = np.linalg.eigh(E)
    if vals[0] <= 1e-10 * max(vals[-1], 1e-300):
        v = vecs[:, 0]
        t = spec.table
        names = []
        for k in np.argsort(-np.abs(v))[:4]:
            if abs(v[k]) > 0.2:
                row = t[t["free"] == k + 1].iloc[0]
                names.append(f"{row['lhs']} {row['op']} {row['rhs']}".strip())
        return np.linalg.pinv(E), tuple(names)
    return np.linalg.inv(E), ()


def group_data(stats) -> GroupData:
    """The RAM model's view of a group: polychoric covariance, no raw data."""
    mean = np.zeros(stats.p)
    for v in stats.numeric:
        mean[v] = stats.thresholds[v][0]
    return GroupData(stats_label(stats), stats.n, stats.cov, mean, None, None)


def stats_label(stats):
    return getattr(stats, "label", "all")
