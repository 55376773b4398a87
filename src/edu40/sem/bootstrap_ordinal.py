"""The bootstrap of fits with ordered indicators (WLSMV, DWLS, ULSMV, ...): the refitter of a draw.

lavaan's ``se = "bootstrap"`` / ``bootstrapLavaan()`` for a categorical
model: the ordinary nonparametric bootstrap.  Each draw resamples the
respondents of each group (the category codes kept by
:class:`~edu40.sem.polychoric.OrdinalStats`, with the category levels of the
full sample), recomputes the thresholds, the polychoric (polyserial,
Pearson) correlations and their asymptotic covariance Γ from the resample,
hence the weight matrix (diag Γ⁻¹ for DWLS), and refits the model by
Gauss-Newton (:meth:`~edu40.sem.ordinal.WLSEstimation.fit`) from the
full-sample estimates.

A resample in which some category of an item (in some group) has no answer
has inestimable thresholds: the draw fails with that reason, as in lavaan,
and is counted and listed, never silently dropped.  The Bollen–Stine
transform is defined for continuous data only (lavaan neither offers it for
categorical data): :func:`edu40.sem.bootstrap.bootstrap` refuses it.

:class:`OrdinalRefitter` has the interface of :class:`~edu40.sem.refit.Refitter`
(``refit``, ``statistics``, ``improper``), so the draws run on the same
machinery as ML draws (:mod:`edu40.sem.bootdraws`: one draw at a time,
joblib or Dask, a random stream per draw) and are summarized by the same
:class:`~edu40.sem.bootstrap.BootstrapResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .ordinal import WLSEstimation, estimator_settings, group_data
from .ordinal_measures import ORDINAL_INDEX_NAMES, ordinal_indices
from .polychoric import ordinal_statistics
from .refit import Refitter, template

__all__ = [
    "OrdinalRefitter",
    "is_ordinal",
    "make_ordinal_refitter",
    "ordinal_varying_indices",
    "resample_rows",
]

# indices that are the same in every draw (counts, degrees of freedom) or undefined (likelihoods)
_CONSTANT = {"npar", "nobs", "df", "df.scaled", "baseline.df", "baseline.df.scaled", "aic", "bic",
             "logl", "unrestricted.logl"}
# Gauss-Newton steps allowed for one draw (warm-started draws of HS 1939 take 5-15)
MAX_ITER = 200
ABSENT = "a category is absent from the resample, so its threshold cannot be estimated"


def is_ordinal(result) -> bool:
    """True for a fit with ordered indicators (its sample statistics are polychoric)."""
    return getattr(result._prep, "stats", None) is not None


def ordinal_varying_indices(result) -> tuple:
    """The fit indices of this categorical fit that vary from draw to draw."""
    return tuple(k for k in ORDINAL_INDEX_NAMES if k in result.fit_indices.index and k not in _CONSTANT
                 and np.isfinite(result.fit_indices[k]))


def resample_rows(result) -> list:
    """Per group, the rows the bootstrap resamples: category codes (NaN = missing) of ordered
    variables, values of continuous ones."""
    out = []
    for st in result._prep.stats:
        X = np.array(st.codes, float)
        o = np.flatnonzero(st.ordered)
        sub = X[:, o]
        sub[sub < 0] = np.nan
        X[:, o] = sub
        out.append(X)
    return out


@dataclass
class OrdinalRefitter(Refitter):
    """A :class:`Refitter` whose draws are fitted by DWLS / WLS / ULS to their polychoric statistics."""

    names: list = None            # per group: the variables, ordered flags, levels, label
    ordered: np.ndarray = None
    levels: list = None
    labels: list = None
    discrepancy: str = "DWLS"
    test_kind: str = "scaled.shifted"
    ndat: int = 0
    _full: object = field(default=None, repr=False)     # the full-sample WLSEstimation (not shipped)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_full"] = None
        state["_codes"] = None
        return state

    def refit(self, Xs, start=None, implied=False):
        """Fit the model to resampled rows ``Xs`` (one array per group): ``(reason, estimation, outcome)``."""
        stats = []
        for gi, X in enumerate(Xs):
            where = f" in group {self.labels[gi]!r}" if len(Xs) > 1 else ""
            missing = []
            for v in np.flatnonzero(self.ordered):
                col = X[:, v]
                counts = np.bincount(col[~np.isnan(col)].astype(np.int64), minlength=len(self.levels[v]))
                if (counts == 0).any():
                    missing.append(self.names[v])
            if missing:
                return f"{ABSENT} ({', '.join(missing)}{where})", None, None
            try:
                st = ordinal_statistics(X, self.names, self.ordered, self.levels)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
                return f"unusable sample ({err})", None, None
            st.label = self.labels[gi]
            stats.append(st)
        try:
            model = self.model.with_groups([group_data(st) for st in stats])
            est = WLSEstimation(model.spec, model, stats, self.discrepancy)
            out = est.fit(self.theta if start is None else start, max_iter=MAX_ITER)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
            return f"did not converge (the search reached an impossible solution: {err})", None, None
        if not out.converged or not np.all(np.isfinite(out.theta)):
            return f"did not converge ({out.message})", est, out
        return "", est, out

    def full_statistics(self, result) -> np.ndarray:
        """The statistic vector of the full sample (the estimates the intervals are centred on)."""
        return self.statistics(self._full, np.asarray(result._theta, float))

    def statistics(self, est, theta) -> np.ndarray:
        """Estimates, defined, std.all (+ defined), R², fit indices of a fitted draw."""
        model = est.model
        # the rows' values include the residual variances the delta parameterization derives
        parts = self.parameter_statistics(model, theta, model.row_values(theta, model.spec.table))
        if self.fit_measures:
            _, _, E_inv, D = est.vcov(theta, "standard")
            idx, _ = ordinal_indices(est, theta, D, E_inv, self.test_kind, len(theta), self.ndat)
            parts.append(np.array([idx.get(k, np.nan) for k in self.fit_measures], float))
        return np.concatenate([np.asarray(p, float).ravel() for p in parts])

    def improper(self, est, theta) -> bool:
        return Refitter.improper(self, est.model, theta)


def make_ordinal_refitter(result, *, defined=True, std=False, r2=False, fit_measures=()) -> OrdinalRefitter:
    """An :class:`OrdinalRefitter` for a fitted categorical ``SEMResult``."""
    _, model, common = template(result)
    stats = result._prep.stats
    discrepancy, _, test_kind = estimator_settings(result.estimator)
    full = WLSEstimation(result._spec, result._model, stats, discrepancy)
    first = stats[0]
    return OrdinalRefitter(
        model=model, theta=np.asarray(result._theta, float).copy(), likelihood="normal", fiml=False,
        **common, want_defined=defined,
        want_std=std, want_r2=r2, fit_measures=tuple(fit_measures), batch=False,
        names=list(first.names), ordered=np.asarray(first.ordered, bool), levels=list(first.levels),
        labels=[getattr(st, "label", "all") for st in stats], discrepancy=discrepancy,
        test_kind=test_kind, ndat=sum(len(o) for o in full.obs), _full=full)
