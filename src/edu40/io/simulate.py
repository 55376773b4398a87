"""Synthetic Likert responses drawn from a population SEM on an instrument.

The population is a standardized model for continuous latent responses
``y* = Lambda eta + epsilon`` (unit variances), with factor correlations,
recursive structural paths, optional misfit (cross-loadings, correlated
residuals), and item thresholds that cut ``y*`` into scale points — the
usual way ordinal survey data are generated (e.g. Muthén & Kaplan, 1985;
Rhemtulla, Brosseau-Liard & Savalei, 2012).

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``,
so the same call returns the same data on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .instrument import Instrument

__all__ = ["PopulationModel", "simulate", "simulate_test", "PopulationModelError"]


class PopulationModelError(ValueError):
    """A population model that cannot generate data (e.g. not positive definite)."""


def _frozen(mapping) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class PopulationModel:
    """A standardized population SEM on an instrument.

    Parameters
    ----------
    instrument : Instrument
    loadings : mapping item -> float
        Standardized loading of each item on its own factor (|value| < 1).
    factor_correlations : DataFrame
        Correlations among the exogenous factors (factors that are not the
        outcome of a path); rows and columns named by factor code.
    paths : mapping (outcome, predictor) -> float
        Standardized regression weights of a recursive structural model.
        Each outcome's disturbance variance is set so its variance is 1.
    cross_loadings : mapping (item, factor) -> float
        Extra standardized loadings (population misfit for a simple-structure CFA).
    residual_correlations : mapping (item, item) -> float
        Correlations between unique parts of two items (population misfit).
    thresholds : array of ``points - 1`` cut points, or mapping item -> array
        Cut points on the standardized latent response; default
        ``linspace(-2.4, 0.35, points - 1)`` (answers skewed to the upper
        points, as is typical of Thai school surveys: mean about 4.0 of 5).
    item_shift : mapping item -> float
        Added to an item's latent response before cutting (raises its mean).
    """

    instrument: Instrument
    loadings: Mapping[str, float]
    factor_correlations: pd.DataFrame
    paths: Mapping[tuple, float] = field(default_factory=dict)
    cross_loadings: Mapping[tuple, float] = field(default_factory=dict)
    residual_correlations: Mapping[tuple, float] = field(default_factory=dict)
    thresholds: object = None
    item_shift: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        for name in ("loadings", "paths", "cross_loadings", "residual_correlations", "item_shift"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        inst = self.instrument
        missing = [i for i in inst.item_codes if i not in self.loadings]
        if missing:
            raise PopulationModelError(f"no loading given for items {missing}")
        for item, value in self.loadings.items():
            if item not in inst.item_codes:
                raise PopulationModelError(f"loading for unknown item {item!r}")
            if not -1 < value < 1:
                raise PopulationModelError(f"standardized loading of {item} must be in (-1, 1), not {value}")
        for (lhs, rhs) in self.paths:
            for f in (lhs, rhs):
                if f not in inst.factor_codes:
                    raise PopulationModelError(f"path {lhs} ~ {rhs}: {f!r} is not a factor")
        for (item, fac) in self.cross_loadings:
            if item not in inst.item_codes or fac not in inst.factor_codes:
                raise PopulationModelError(f"cross-loading ({item}, {fac}) names an unknown item or factor")
        for (a, b) in self.residual_correlations:
            if a not in inst.item_codes or b not in inst.item_codes or a == b:
                raise PopulationModelError(f"residual correlation ({a}, {b}) needs two different items")
        exo = self.exogenous
        fc = self.factor_correlations
        if list(fc.index) != list(fc.columns) or set(fc.index) != set(exo):
            raise PopulationModelError(
                f"factor_correlations must be a square table over the exogenous factors {exo}, "
                f"got rows {list(fc.index)}")
        object.__setattr__(self, "factor_correlations", fc.loc[exo, exo].astype(float).copy())
        # Computing the moments validates the whole model once, at construction.
        self.latent_covariance()
        self.covariance()

    # -- convenience constructor ----------------------------------------------
    @classmethod
    def default(cls, instrument: Instrument, *, loading: float = 0.75,
                factor_correlation: float = 0.6, r_squared: float | None = None,
                **kwargs) -> "PopulationModel":
        """Equal loadings and factor correlations; equal paths giving ``r_squared``.

        With ``r_squared`` and an instrument that names its outcome and
        predictors, all paths get the same weight ``b`` solving
        ``b**2 * 1' R 1 = r_squared`` (R: predictor correlations).
        """
        loadings = {i: loading for i in instrument.item_codes}
        paths = {}
        if r_squared is not None:
            if not instrument.outcome:
                raise PopulationModelError(f"{instrument.name} names no outcome; pass paths=")
            preds = list(instrument.predictors) or [f for f in instrument.factor_codes
                                                    if f != instrument.outcome]
            k = len(preds)
            total = k + k * (k - 1) * factor_correlation
            b = float(np.sqrt(r_squared / total))
            paths = {(instrument.outcome, p): b for p in preds}
        exo = [f for f in instrument.factor_codes if f not in {lhs for lhs, _ in paths}]
        corr = np.full((len(exo), len(exo)), float(factor_correlation))
        np.fill_diagonal(corr, 1.0)
        fc = pd.DataFrame(corr, index=exo, columns=exo)
        return cls(instrument, loadings, fc, paths=paths, **kwargs)

    # -- moments --------------------------------------------------------------
    @property
    def endogenous(self) -> list[str]:
        outs = {lhs for lhs, _ in self.paths}
        return [f for f in self.instrument.factor_codes if f in outs]

    @property
    def exogenous(self) -> list[str]:
        endo = set(self.endogenous)
        return [f for f in self.instrument.factor_codes if f not in endo]

    def _order(self) -> list[str]:
        """Factors in causal order (exogenous first); errors on a cycle."""
        order = list(self.exogenous)
        todo = list(self.endogenous)
        while todo:
            ready = [f for f in todo if all(rhs in order for lhs, rhs in self.paths if lhs == f)]
            if not ready:
                raise PopulationModelError(f"the structural paths among {todo} form a cycle; "
                                           f"only recursive models can be simulated")
            order += ready
            todo = [f for f in todo if f not in ready]
        return order

    def latent_covariance(self) -> pd.DataFrame:
        """Implied correlation matrix of all factors (unit variances)."""
        order = self._order()
        phi = pd.DataFrame(0.0, index=order, columns=order)
        exo = self.exogenous
        phi.loc[exo, exo] = self.factor_correlations.values
        for f in order[len(exo):]:
            preds = [rhs for lhs, rhs in self.paths if lhs == f]
            b = np.array([self.paths[(f, p)] for p in preds])
            sub = phi.loc[preds, preds].values
            explained = float(b @ sub @ b)
            if explained >= 1:
                raise PopulationModelError(
                    f"paths into {f} explain {explained:.3f} >= 1 of its variance; lower them")
            cov_with_all = b @ phi.loc[preds, order].values
            phi.loc[f, order] = cov_with_all
            phi.loc[order, f] = cov_with_all
            phi.loc[f, f] = 1.0
        fac = self.instrument.factor_codes
        phi = phi.loc[fac, fac]
        if np.linalg.eigvalsh(phi.values).min() <= 1e-10:
            raise PopulationModelError("the factor correlation matrix is not positive definite; "
                                       "check factor_correlations")
        return phi

    def r_squared(self) -> pd.Series:
        """Population R² of each endogenous factor."""
        phi = self.latent_covariance()
        out = {}
        for f in self.endogenous:
            preds = [rhs for lhs, rhs in self.paths if lhs == f]
            b = np.array([self.paths[(f, p)] for p in preds])
            out[f] = float(b @ phi.loc[preds, preds].values @ b)
        return pd.Series(out, name="r2", dtype=float)

    def loading_matrix(self) -> pd.DataFrame:
        inst = self.instrument
        lam = pd.DataFrame(0.0, index=inst.item_codes, columns=inst.factor_codes)
        for item, value in self.loadings.items():
            lam.loc[item, inst.factor_of(item)] = value
        for (item, fac), value in self.cross_loadings.items():
            lam.loc[item, fac] += value
        return lam

    def covariance(self) -> pd.DataFrame:
        """Population correlation matrix of the latent item responses ``y*``."""
        lam = self.loading_matrix()
        phi = self.latent_covariance()
        common = lam.values @ phi.values @ lam.values.T
        unique = 1.0 - np.diag(common)
        bad = [i for i, u in zip(lam.index, unique) if u <= 0]
        if bad:
            raise PopulationModelError(
                f"items {bad} have common variance >= 1 (loadings plus cross-loadings too large)")
        theta = np.diag(unique)
        pos = {c: k for k, c in enumerate(lam.index)}
        for (a, b), r in self.residual_correlations.items():
            i, j = pos[a], pos[b]
            theta[i, j] = theta[j, i] = r * np.sqrt(unique[i] * unique[j])
        sigma = common + theta
        if np.linalg.eigvalsh(sigma).min() <= 1e-10:
            raise PopulationModelError("the population covariance of the items is not positive "
                                       "definite; lower the residual correlations")
        return pd.DataFrame(sigma, index=lam.index, columns=lam.index)

    def item_thresholds(self) -> dict[str, np.ndarray]:
        k = self.instrument.scale_points
        default = np.linspace(-2.4, 0.35, k - 1)
        out = {}
        for item in self.instrument.item_codes:
            if self.thresholds is None:
                t = default
            elif isinstance(self.thresholds, Mapping):
                t = np.asarray(self.thresholds.get(item, default), dtype=float)
            else:
                t = np.asarray(self.thresholds, dtype=float)
            if t.shape != (k - 1,) or np.any(np.diff(t) <= 0):
                raise PopulationModelError(f"thresholds of {item} must be {k - 1} increasing numbers")
            out[item] = t
        return out


def simulate(population, n: int, *, seed=None, missing: float = 0.0,
             factor_shift=None, discretize: bool = True, **spec) -> pd.DataFrame:
    """Draw ``n`` respondents' answers from a population SEM.

    Parameters
    ----------
    population : PopulationModel or Instrument
        With an Instrument, ``spec`` is passed to :meth:`PopulationModel.default`
        (``loading``, ``factor_correlation``, ``r_squared``, ``cross_loadings``,
        ``residual_correlations``, ``thresholds``, ``item_shift``).
    n : int
        Number of respondents (> 0).
    seed : int or numpy.random.Generator, optional
        Same seed, same data.
    missing : float or int
        Answers set missing completely at random: a share (0 <= missing < 1)
        or, as an int >= 1, an exact number of cells.
    factor_shift : DataFrame or array (n x factors), optional
        Added to each respondent's factor scores (group differences: e.g.
        directors rating their school higher than teachers do).
    discretize : bool
        ``False`` returns the continuous latent responses ``y*`` instead of
        scale points.

    Returns
    -------
    DataFrame
        One column per item, values ``1..k`` (float, NaN for missing).

    Examples
    --------
    >>> import edu40
    >>> df = edu40.simulate(edu40.EM40, 5, seed=1, r_squared=0.78)
    >>> df.shape
    (5, 42)
    """
    if isinstance(population, Instrument):
        population = PopulationModel.default(population, **spec)
    elif spec:
        raise TypeError(f"unexpected arguments {sorted(spec)} with a PopulationModel")
    if not isinstance(n, (int, np.integer)) or n <= 0:
        raise ValueError(f"n must be a positive integer, not {n!r}")
    if isinstance(missing, (int, np.integer)) and missing >= 1:
        if missing > n * len(population.instrument):
            raise ValueError(f"missing={missing} cells exceeds the {n * len(population.instrument)} answers")
    elif not 0 <= missing < 1:
        raise ValueError(f"missing must be a share in [0, 1) or a number of cells, not {missing!r}")
    rng = np.random.default_rng(seed)
    inst = population.instrument
    values = Sampler(population, discretize).draw(n, rng, factor_shift)
    if isinstance(missing, (int, np.integer)) and missing >= 1:
        values = values.astype(float)
        cells = rng.choice(values.size, size=int(missing), replace=False)
        values.flat[cells] = np.nan
    elif missing > 0:
        values = values.astype(float)
        values[rng.random(values.shape) < missing] = np.nan
    return pd.DataFrame(values, columns=inst.item_codes)


class Sampler:
    """The matrices of a population model, computed once, to draw many samples.

    :func:`simulate` draws through it; a Monte Carlo study keeps one for all
    its samples (computing the population's matrices takes longer than
    drawing a survey-sized sample).  Same generator state, same draw.
    """

    def __init__(self, population, discretize: bool = True):
        inst = population.instrument
        self.phi = population.latent_covariance().values
        self.lam = population.loading_matrix().values
        self.theta = population.covariance().values - self.lam @ self.phi @ self.lam.T
        self.shifts = np.array([population.item_shift.get(i, 0.0) for i in inst.item_codes])
        self.cuts = ([population.item_thresholds()[item] for item in inst.item_codes]
                     if discretize else None)
        self.minimum = inst.scale.minimum

    def draw(self, n, rng, factor_shift=None) -> np.ndarray:
        """``n`` respondents' answers (n x items), from the generator ``rng``."""
        eta = rng.multivariate_normal(np.zeros(len(self.phi)), self.phi, size=n, method="cholesky")
        if factor_shift is not None:
            shift = np.asarray(factor_shift, dtype=float)
            if shift.shape != eta.shape:
                raise ValueError(f"factor_shift must have shape {eta.shape}, not {shift.shape}")
            eta = eta + shift
        eps = rng.multivariate_normal(np.zeros(len(self.theta)), self.theta, size=n, method="cholesky")
        ystar = eta @ self.lam.T + eps + self.shifts
        if self.cuts is None:
            return ystar
        values = np.empty_like(ystar)
        for j, cuts in enumerate(self.cuts):
            values[:, j] = np.searchsorted(cuts, ystar[:, j]) + 1
        return values + (self.minimum - 1)


def simulate_test(ability, difficulty, discrimination=None, guessing=0.0, *, seed=None) -> np.ndarray:
    """Draw 0/1 answers to a knowledge test from a three-parameter logistic IRT model.

    ``P(correct) = c + (1 - c) / (1 + exp(-a (theta - b)))`` (Birnbaum, 1968),
    with ``theta`` each person's ability, ``b`` item difficulty, ``a`` item
    discrimination (default 1) and ``c`` the guessing floor (e.g. 0.25 for
    four-option multiple choice).

    Returns
    -------
    ndarray of shape (persons, items), values 0 or 1.
    """
    theta = np.asarray(ability, dtype=float)[:, None]
    b = np.asarray(difficulty, dtype=float)[None, :]
    a = np.ones_like(b) if discrimination is None else np.asarray(discrimination, dtype=float)[None, :]
    c = np.broadcast_to(np.asarray(guessing, dtype=float), b.shape[1:])[None, :]
    if np.any((c < 0) | (c >= 1)):
        raise ValueError("guessing must be in [0, 1)")
    rng = np.random.default_rng(seed)
    p = c + (1 - c) / (1 + np.exp(-a * (theta - b)))
    return (rng.random(p.shape) < p).astype(int)
