"""Factor extraction and rotation: the arithmetic behind :func:`edu40.efa`.

Extraction works on the item correlation matrix R (p items, m factors):

- ``minres`` (minimum residual = unweighted least squares; Harman, 1976):
  choose the uniquenesses psi that minimise the squared residuals
  F(psi) = 1/2 ||R - Psi - L L'||^2, L the first m eigenvectors of R - Psi
  scaled by the square roots of their eigenvalues; gradient
  dF/dpsi = diag(L L' + Psi - R) (``psych::fa`` ``FAgr.minres``).
- ``ml`` (maximum likelihood; Joreskog, 1967; Lawley & Maxwell, 1971):
  minimise F(psi) = -sum_{k>m} (log e_k - e_k) - m + p, e the eigenvalues of
  Psi^-1/2 R Psi^-1/2; gradient diag(L L' + Psi - R) / psi^2 (``factanal``,
  ``psych`` ``FAfn``/``FAgr``).
- ``pa`` (principal axis factoring, iterated communalities; SPSS "Principal
  axis factoring"): squared multiple correlations on the diagonal, then the
  diagonal of L L' until the total communality changes less than .001
  (at most 50 iterations; ``psych`` ``fm = "pa"``).
- ``principal`` (principal components, SPSS's default extraction):
  L = V_m diag(sqrt(lambda_m)) of R itself (``psych::principal``).

minres and ml start from 1 - SMC and keep psi within [.005, 1] with
L-BFGS-B, the bounds of ``psych::fa``; a uniqueness at .005 is a Heywood case.

Rotation is factor_analyzer's :class:`~factor_analyzer.Rotator` (gradient
projection algorithms ported from GPArotation; Bernaards & Jennrich, 2005),
with ``psych::fa``'s conventions applied afterwards: promax after Kaiser
normalisation (``kaiser(..., "Promax")``), equamax with kappa = m / (2p)
(``GPArotation::cfT``); each factor's sign makes its loadings sum positive;
factors ordered by the variance they account for, diag(Phi L'L) when oblique.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

__all__ = ["METHODS", "ROTATIONS", "OBLIQUE", "Extraction", "extract", "rotate", "fit_statistics", "smc"]

METHODS = ("minres", "ml", "pa", "principal")
# edu40 name -> (factor_analyzer method, psych name)
ROTATIONS = {"none": (None, "none"), "varimax": ("varimax", "varimax"), "promax": ("promax", "promax"),
             "oblimin": ("oblimin", "oblimin"), "quartimin": ("quartimin", "quartimin"),
             "quartimax": ("quartimax", "quartimax"), "equamax": ("equamax", "equamax"),
             "geomin_obl": ("geomin_obl", "geominQ"), "geomin_ort": ("geomin_ort", "geominT")}
OBLIQUE = ("promax", "oblimin", "quartimin", "geomin_obl")
_LOWER, _UPPER = 0.005, 1.0


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with the others: 1 - 1/diag(R^-1)."""
    return 1.0 - 1.0 / np.diag(np.linalg.inv(r))


@dataclass
class Extraction:
    """Unrotated loadings, the communalities they imply and how the fit went."""

    loadings: np.ndarray
    converged: bool
    iterations: int
    message: str
    heywood: np.ndarray         # items whose uniqueness reached the lower bound (or below 0)


def _top(mat, m):
    vals, vecs = np.linalg.eigh(mat)
    return vals[::-1][:m], vecs[:, ::-1][:, :m]


def _uls_loadings(psi, r, m):
    vals, vecs = _top(r - np.diag(psi), m)
    return vecs * np.sqrt(np.maximum(vals, 0))


def _uls(psi, r, m):
    L = _uls_loadings(psi, r, m)
    res = r - np.diag(psi) - L @ L.T
    return 0.5 * np.sum(res * res), np.diag(L @ L.T) + psi - np.diag(r)


def _ml_loadings(psi, r, m):
    s = 1 / np.sqrt(psi)
    vals, vecs = _top(r * np.outer(s, s), m)
    return (vecs * np.sqrt(np.maximum(vals - 1, 0))) / s[:, None]


def _ml(psi, r, m):
    s = 1 / np.sqrt(psi)
    e = np.linalg.eigvalsh(r * np.outer(s, s))[::-1][m:]
    f = -(np.sum(np.log(e) - e) - m + r.shape[0])
    L = _ml_loadings(psi, r, m)
    return f, (np.diag(L @ L.T) + psi - np.diag(r)) / psi ** 2


def _optimise(fun, r, m):
    start = np.clip(1 - smc(r), _LOWER, _UPPER)
    res = optimize.minimize(fun, start, args=(r, m), jac=True, method="L-BFGS-B",
                            bounds=[(_LOWER, _UPPER)] * len(start),
                            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10})
    # projected gradient: at a bound the slope may point outwards
    g = np.array(res.jac, float)
    g[(res.x <= _LOWER + 1e-12) & (g > 0)] = 0
    g[(res.x >= _UPPER - 1e-12) & (g < 0)] = 0
    ok = bool(res.success) or float(np.max(np.abs(g))) < 1e-6
    return res.x, ok, int(res.nit), str(res.message)


def extract(r: np.ndarray, m: int, method: str) -> Extraction:
    """Unrotated loadings of ``m`` factors of the correlation matrix ``r`` (see the module docstring)."""
    p = r.shape[0]
    if method == "principal":
        vals, vecs = _top(r, m)
        L = vecs * np.sqrt(np.maximum(vals, 0))
        return Extraction(L, True, 0, "eigen decomposition", np.zeros(p, bool))
    if method == "pa":
        h2 = smc(r)
        total = h2.sum()
        for it in range(1, 51):
            vals, vecs = _top(r - np.diag(np.diag(r) - h2), m)
            L = vecs * np.sqrt(np.maximum(vals, 0))
            h2 = np.sum(L * L, axis=1)
            if abs(total - h2.sum()) <= 0.001:   # psych: min.err = .001 on the total communality
                return Extraction(L, True, it, "communalities converged", h2 > 1 - _LOWER)
            total = h2.sum()
        return Extraction(L, False, 50, "communalities still changing after 50 iterations", h2 > 1 - _LOWER)
    fun, loadings = (_uls, _uls_loadings) if method == "minres" else (_ml, _ml_loadings)
    psi, ok, nit, msg = _optimise(fun, r, m)
    L = loadings(psi, r, m)
    return Extraction(L, ok, nit, msg, psi <= _LOWER + 1e-6)


def _align(L, phi):
    """psych's conventions: positive column sums, then factors by variance accounted for."""
    signs = np.sign(L.sum(axis=0))
    signs[signs == 0] = 1
    L = L * signs
    if phi is not None:
        phi = phi * np.outer(signs, signs)
        var = np.diag(phi @ L.T @ L)
    else:
        var = np.sum(L * L, axis=0)
    order = np.argsort(-var, kind="stable")
    L = L[:, order]
    if phi is not None:
        phi = phi[np.ix_(order, order)]
    return L, phi


def rotate(L: np.ndarray, rotation: str, *, power: int = 4, delta: float = 0.01):
    """Rotated pattern loadings and factor correlations (None when orthogonal), psych's order and signs."""
    m = L.shape[1]
    if rotation == "none" or m == 1:
        return _align(L, None)
    from factor_analyzer import Rotator   # loaded on use: EFA is the only user
    method = ROTATIONS[rotation][0]
    kwargs = {"method": method, "max_iter": 1000, "tol": 1e-5}   # GPArotation: maxit 1000, eps 1e-5
    if rotation == "promax":
        kwargs.update(power=power, normalize=True)    # psych "promax": kaiser(f, "Promax"), m = 4
    elif rotation == "equamax":
        kwargs["kappa"] = m / (2 * L.shape[0])        # GPArotation::cfT kappa of equamax
    elif rotation.startswith("geomin"):
        kwargs["delta"] = delta
    elif rotation == "varimax":
        kwargs["normalize"] = True                    # stats::varimax(normalize = TRUE)
    rot = Rotator(**kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rotated = rot.fit_transform(L.copy())
    phi = rot.phi_ if rotation in OBLIQUE else None
    return _align(np.asarray(rotated, float), None if phi is None else np.asarray(phi, float))


def _rmsea_bound(chisq, df, n, target):
    """Noncentrality lambda with P(chi2'(df, lambda) <= chisq) = target, as sqrt(lambda/(n-1)/df)."""
    if stats.chi2.cdf(chisq, df) <= target:
        return 0.0
    hi = max(n, chisq) + 2 * n
    f = lambda lam: stats.ncx2.cdf(chisq, df, lam) - target   # noqa: E731
    if f(hi) > 0:
        return np.nan
    return float(np.sqrt(optimize.brentq(f, 0, hi, xtol=1e-12) / (n - 1) / df))


def fit_statistics(r, L, phi, n_obs, pair_counts=None) -> dict:
    """Model fit of the factor solution as ``psych::fa.stats``: chi-square, TLI, RMSEA (90% CI), BIC, RMSR.

    ``objective`` = tr(M^-1 R) - log|M^-1 R| - p with M = L Phi L' and a unit
    diagonal; chisq = (n - 1 - (2p + 5)/6 - 2m/3) objective (Bartlett's
    correction); df = p(p-1)/2 - pm + m(m-1)/2; TLI from the null model
    objective -log|R|; RMSEA = sqrt(max(chisq/(df n) - 1/(n - 1), 0)); BIC =
    chisq - df log n; RMSR = root mean square of the off-diagonal residuals
    (weighted by the pairwise counts when correlations are pairwise).
    """
    p, m = L.shape
    model = L @ (phi if phi is not None else np.eye(m)) @ L.T
    resid = r - model
    np.fill_diagonal(resid, 0)
    if pair_counts is None:
        rms = float(np.sqrt(np.sum(resid ** 2) / (p * (p - 1))))
    else:
        nh = stats.hmean(pair_counts.ravel())
        rms = float(np.sqrt(np.sum(resid ** 2 * pair_counts) / (nh * p * (p - 1))))
    df = p * (p - 1) / 2 - p * m + m * (m - 1) / 2
    full = model.copy()
    np.fill_diagonal(full, np.diag(r))
    mr = np.linalg.solve(full, r)
    sign, logdet = np.linalg.slogdet(mr)
    objective = float(np.trace(mr) - logdet - p)
    n = n_obs
    k = (n - 1) - (2 * p + 5) / 6 - 2 * m / 3
    chisq = max(objective * k, 0.0)
    f0 = float(p - np.linalg.slogdet(r)[1] - p)      # tr(R) - log|R| - p
    out = {"objective": objective, "chisq": chisq, "df": df,
           "pvalue": float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan,
           "null.chisq": f0 * ((n - 1) - (2 * p + 5) / 6), "null.df": p * (p - 1) / 2, "rmsr": rms}
    mm = objective / df if df > 0 else np.nan
    m0 = f0 * 2 / (p * (p - 1))
    out["tli"] = float((m0 - mm) / (m0 - 1 / k)) if df > 0 else np.nan
    if df > 0:
        out["rmsea"] = float(np.sqrt(max(chisq / (df * n) - 1 / (n - 1), 0)))
        out["rmsea.ci.lower"] = _rmsea_bound(chisq, df, n, 0.95)
        out["rmsea.ci.upper"] = _rmsea_bound(chisq, df, n, 0.05)
        out["bic"] = float(chisq - df * np.log(n))
    else:
        out.update({"rmsea": np.nan, "rmsea.ci.lower": np.nan, "rmsea.ci.upper": np.nan, "bic": np.nan})
    return out
