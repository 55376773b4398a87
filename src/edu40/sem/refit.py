"""Refit a fitted model on new samples fast: the machinery shared by the bootstrap and Monte Carlo.

A replication reuses the full-sample parse, parameter table and parameter
locations (``RAMModel.with_groups``), starts from the full-sample estimates
and takes the full-sample inverse Hessian, computed once, as the first
metric of BFGS (``RAMModel.fit_warm``): each iteration costs one analytic
gradient, and no information matrix is formed or factorized per draw.
Resamples of the data start from the observed information (a resample's
Hessian differs from it by O(n^-1/2)); samples drawn from the fitted model
(Bollen-Stine, Monte Carlo) from the expected information, which is their
Hessian's expectation.  Only what a replication needs is computed:
estimates always; defined effects, the standardized solution, R², fit
indices and standard errors on request.

Objects here travel to worker processes, so they hold no compiled code:
``:=`` definitions are kept as text and compiled once per process.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from scipy import linalg

from .data import SEMDataError, _fiml_group, fill_exogenous
from .engine import GroupData
from .hessian import observed_hessian
from .indices import fit_index_values
from .standardize import standardize

__all__ = ["Refitter", "make_refitter"]

# fit indices that vary from sample to sample (npar, nobs, df, baseline.df do not)
VARYING_INDICES = ("chisq", "pvalue", "cmin/df", "baseline.chisq", "cfi", "tli", "nfi", "ifi",
                   "rfi", "gfi", "agfi", "pgfi", "rmr", "srmr", "rmsea", "rmsea.ci.lower",
                   "rmsea.ci.upper", "rmsea.pvalue", "aic", "bic", "logl")


# Quasi-Newton iterations, then iterations of the BFGS fallback, allowed for one replication.
# Warm-started draws converge in 5-15 iterations (more in samples of 40); the full-sample fit
# keeps the engine's defaults.
MAX_ITER = 300
FALLBACK_MAXITER = 1000
# Convergence of a replication: the full fit's gradient tolerance, or a quasi-Newton step (the
# estimate of the remaining error) below XTOL relative to max(1, |theta|): estimates within about
# 1e-7 of the optimum, a ten-thousandth of any bootstrap or Monte Carlo standard error.
TOL = 1e-9
XTOL = 1e-7


@dataclass
class Refitter:
    """Everything a worker needs to refit the model on a new sample (picklable)."""

    model: object                 # RAMModel of the full sample (spec without compiled code)
    theta: np.ndarray             # warm start: the full-sample estimates
    likelihood: str
    fiml: bool
    ov: list
    defs: tuple                   # (name, python expression) of := definitions
    label_rows: list              # (label, row index, free index or -1, fixed value)
    r2_nodes: list                # (group, node index) whose R² is reported
    want_defined: bool = True
    want_std: bool = False
    want_r2: bool = False
    fit_measures: tuple = ()
    want_se: bool = False
    exo: bool = False
    hinv_sample: np.ndarray = field(default=None, repr=False)   # resamples of the data
    hinv_model: np.ndarray = field(default=None, repr=False)    # samples from the fitted model
    batch: bool = False           # complete data without fixed.x: chunks are fitted as stacks
    fit_info: dict = field(default=None, repr=False)            # constants of the fit indices
    _codes: list = field(default=None, repr=False)
    _bm: object = field(default=None, repr=False)

    def batch_model(self):
        """The :class:`~edu40.sem.batch.BatchModel` of the template (built once per process)."""
        if self._bm is None:
            from .batch import BatchModel

            self._bm = BatchModel(self.model)
        return self._bm

    # -- samples -> fitted replication ----------------------------------------------
    def groups_from(self, Xs):
        """GroupData for each group's sample rows; a reason string when unusable."""
        groups = []
        for g, X in zip(self.model.groups, Xs):
            if self.fiml:
                try:
                    groups.append(_fiml_group(g.label, X, self.ov, "the replication"))
                except SEMDataError as err:
                    return f"unusable sample ({err})"
                continue
            n = len(X)
            mean = X.mean(axis=0)
            Xc = X - mean
            cov = Xc.T @ Xc / (n - 1 if self.likelihood == "wishart" else n)
            try:
                np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                return "sample covariance matrix not positive definite"
            groups.append(GroupData(g.label, n, cov, mean, None, X))
        return groups

    def refit(self, Xs, start=None, implied=False):
        """Fit the model to samples ``Xs`` (one array per group): ``(reason, model, outcome)``.

        ``implied``: the samples come from the fitted model (Bollen-Stine,
        Monte Carlo), not from the data; only the starting metric differs.
        """
        groups = self.groups_from(Xs)
        if isinstance(groups, str):
            return groups, None, None
        if self.exo:   # fixed.x covariates take this sample's (co)variances and means
            spec = copy.copy(self.model.spec)
            spec.table = spec.table.copy()
            fill_exogenous(spec, SimpleNamespace(groups=groups))
            model = type(self.model)(spec, groups, weights=self._weights(groups),
                                     meanstructure=self.model.meanstructure, fiml=self.fiml)
        else:
            model = self.model.with_groups(groups)
        try:
            # budgets: a draw that cannot be fitted must fail fast, not take seconds
            hinv = self.hinv_model if implied or self.hinv_sample is None else self.hinv_sample
            out = model.fit_warm(self.theta if start is None else start, hinv, max_iter=MAX_ITER,
                                 tol=TOL, xtol=XTOL, fallback_maxiter=FALLBACK_MAXITER)
        except (np.linalg.LinAlgError, ValueError) as err:
            return f"did not converge (the search reached an impossible solution: {err})", model, None
        if not out.converged or not np.all(np.isfinite(out.theta)):
            return "did not converge", model, out
        return "", model, out

    def _weights(self, groups):
        return [g.n - 1 if self.likelihood == "wishart" else g.n for g in groups]

    # -- statistics of a fitted replication --------------------------------------------
    def statistics(self, model, theta) -> np.ndarray:
        """The statistic vector: estimates, defined, std.all (+ defined), R², fit indices, SEs."""
        table = model.spec.table
        free = table["free"].to_numpy()
        est = np.where(free > 0, theta[np.maximum(free - 1, 0)], table["value"].to_numpy())
        parts = self.parameter_statistics(model, theta, est)
        if self.fit_measures:
            prep = SimpleNamespace(groups=model.groups, n_total=sum(g.n for g in model.groups))
            idx, _ = fit_index_values(model, theta, prep, model.spec,
                                      likelihood=self.likelihood, fiml=self.fiml)
            parts.append(np.array([idx[k] for k in self.fit_measures], float))
        if self.want_se:
            parts.append(self.standard_errors(model, theta))
        return np.concatenate([np.asarray(p, float).ravel() for p in parts])

    def parameter_statistics(self, model, theta, rows) -> list:
        """Estimates, defined, std.all (+ defined) and R² of a fit whose table rows have ``rows``."""
        parts = [theta]
        if self.want_defined and self.defs:
            parts.append(self.defined(rows))
        if self.want_std:
            std = standardize(model, theta, model.spec.table, rows)
            parts.append(std)
            if self.defs:
                parts.append(self.defined(std))
        if self.want_r2:
            parts.append(self.r_squared(model, theta))
        return parts

    def defined(self, values) -> np.ndarray:
        """``:=`` parameters from per-row ``values`` (estimates or std.all), as SEMResult does."""
        if self._codes is None:
            self._codes = [(name, compile(expr, f"<{name}>", "eval")) for name, expr in self.defs]
        env = {}
        for label, row, _, _ in self.label_rows:
            env.setdefault(label, values[row])
        out = []
        for name, code in self._codes:
            value = float(eval(code, {"__builtins__": {}}, env))  # AST checked when the spec was built
            env[name] = value
            out.append(value)
        return np.array(out)

    def r_squared(self, model, theta) -> np.ndarray:
        out = np.empty(len(self.r2_nodes))
        cache = {}
        for k, (gi, node) in enumerate(self.r2_nodes):
            if gi not in cache:
                _, S, _ = model.matrices(theta, gi)
                S_all, _ = model.all_moments(theta, gi)
                cache[gi] = (S, S_all)
            S, S_all = cache[gi]
            total = S_all[node, node]
            out[k] = 1 - S[node, node] / total if total > 0 else np.nan
        return out

    def standard_errors(self, model, theta) -> np.ndarray:
        """Expected-information SEs (observed information under FIML), as ``edu40.fit``."""
        n_eff = sum(self._weights(model.groups))
        info = model.observed_information(theta) if self.fiml else model.expected_information(theta)
        try:
            d = np.diag(np.linalg.inv(info * n_eff))
        except np.linalg.LinAlgError:
            return np.full(len(theta), np.nan)
        return np.sqrt(np.where(d > 0, d, np.nan))

    def improper(self, model, theta) -> bool:
        """A Heywood case: a negative variance or a non-positive-definite latent covariance."""
        nv = len(self.ov)
        for gi in range(len(model.groups)):
            _, S, _ = model.matrices(theta, gi)
            if np.any(np.diag(S) < 0):
                return True
            lv = S[nv:, nv:]
            if len(lv) and np.linalg.eigvalsh(lv)[0] < 0:
                return True
        return False


def template(result):
    """The picklable copy of a fit's spec and model that travels to every worker, and the
    Refitter fields every kind of replication shares (``ov, defs, label_rows, r2_nodes``)."""
    spec = copy.copy(result._spec)
    defs = tuple((name, expr.replace("^", "**")) for name, _, expr in spec.definitions)
    spec.definitions = ()    # compiled code does not pickle; Refitter compiles the text
    model = copy.copy(result._model)
    model.spec = spec
    # the template travels to every worker: keep the group sizes and labels, not the sample
    # (the bootstrap sends the rows separately; a Monte Carlo pilot may have 200,000 rows)
    model.groups = [GroupData(g.label, g.n, g.cov, g.mean, None, None) for g in model.groups]
    label_rows = [(row.label, k, row.free - 1, row.value) for k, row in enumerate(spec.table.itertuples())
                  if row.label and not row.label.startswith(".")]
    pos = {v: i for i, v in enumerate(spec.variables)}
    if len(model.groups) == 1:
        r2_nodes = [(0, pos[v]) for v in result.r2.index]
    else:
        labels = list(spec.group_labels)
        r2_nodes = [(labels.index(g), pos[v]) for g, v in result.r2.index]
    return spec, model, {"ov": list(spec.ov), "defs": defs, "label_rows": label_rows, "r2_nodes": r2_nodes}


def make_refitter(result, *, defined=True, std=False, r2=False, fit_measures=(), se=False,
                  sample=True) -> Refitter:
    """A :class:`Refitter` for a fitted ``SEMResult``.

    ``sample``: replications will resample the data (the bootstrap), so the
    observed-information metric is prepared too.
    """
    spec, model, common = template(result)
    t = spec.table
    theta = np.asarray(result._theta, float).copy()
    full = result._model
    expected = inverse_hessian(full.derivatives(theta)[2])
    observed = inverse_hessian(observed_hessian(full, theta), fallback=expected) if sample else None
    fiml, exo = result.missing == "fiml", bool(t["exo"].any())
    fi = result.fit_indices
    p = len(spec.ov)
    info = {"df": float(fi["df"]), "baseline.df": float(fi["baseline.df"]), "npar": float(fi["npar"]),
            "nobs": float(fi["nobs"]), "n": [g.n for g in model.groups],
            "nel": len(model.groups) * (p * (p + 1) // 2 + (p if model.meanstructure else 0))}
    return Refitter(model=model, theta=theta,
                    likelihood=result.likelihood, fiml=fiml, **common, want_defined=defined,
                    want_std=std, want_r2=r2, fit_measures=tuple(fit_measures), want_se=se,
                    exo=exo, hinv_sample=observed, hinv_model=expected,
                    batch=not (fiml or exo or se), fit_info=info)


def inverse_hessian(H, fallback=None):
    """Inverse of a Hessian of F for a starting metric; eigenvalues floored when not positive definite."""
    try:
        c = linalg.cho_factor(H, check_finite=True)
        return linalg.cho_solve(c, np.eye(len(H)))
    except (np.linalg.LinAlgError, ValueError):
        if fallback is not None:
            return fallback
        vals, vecs = np.linalg.eigh((H + H.T) / 2)
        floor = 1e-6 * max(vals.max(), 1e-12)
        return (vecs / np.maximum(vals, floor)) @ vecs.T
