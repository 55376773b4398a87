"""Monte Carlo power of each parameter's test, as simsem: simulate, refit, count p < alpha.

``monte_carlo_power`` draws ``reps`` samples of ``n`` respondents from a
population (an :class:`edu40.PopulationModel`, or a parameter table turned
into moments by ``population_moments``), fits the analysis model to each
with the replication machinery of the bootstrap (:mod:`edu40.sem.refit`,
:mod:`edu40.core.parallel`) and returns a :class:`PowerResult`.  The
closed-form planning tools (RMSEA power, survey sample sizes) are in
:mod:`edu40.studies.power`, which re-exports everything here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..core.blocks import heading, table, text
from ..core.reportable import Reportable
from ..core.i18n import check_language, pick
from ..core.parallel import ReplicationError, check_count, run_replications, seed_sequence
from ..sem.refit import make_refitter
from ..sem.engine import RAMModel
from ..io.simulate import PopulationModel, PopulationModelError, Sampler, simulate

__all__ = ["monte_carlo_power", "PowerResult", "population_moments"]


# -- population models given as parameter tables ------------------------------------------
def population_moments(table: pd.DataFrame):
    """Covariance matrix and means of the observed variables of a population parameter table.

    ``table`` has columns ``lhs, op, rhs, value`` in lavaan's notation:
    ``f =~ x`` loadings, ``y ~ x`` regressions, ``a ~~ b`` (residual)
    variances and covariances, ``x ~1`` means (``rhs`` empty).  Variances
    not given make the variable's total variance 1 (a standardized
    population, as ``lavaan::simulateData(standardized = TRUE)``); latent
    variables are the left sides of ``=~``.  Returns ``(cov, mean)`` as a
    DataFrame and a Series over the observed variables.
    """
    if not isinstance(table, pd.DataFrame):
        raise PopulationModelError("a population table must be a DataFrame with columns lhs, op, rhs, value")
    missing = [c for c in ("lhs", "op", "rhs", "value") if c not in table.columns]
    if missing:
        raise PopulationModelError(f"the population table lacks columns {missing}; give lhs, op, rhs, "
                                   f"value (e.g. 'ACL', '=~', 'ACL1', 0.8)")
    t = table.assign(rhs=table["rhs"].fillna("").astype(str), lhs=table["lhs"].astype(str))
    bad = sorted(set(t["op"]) - {"=~", "~", "~~", "~1"})
    if bad:
        raise PopulationModelError(f"unknown operators {bad} in the population table; use =~ ~ ~~ ~1")
    values = pd.to_numeric(t["value"], errors="coerce")
    if values.isna().any():
        k = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise PopulationModelError(f"row {k} of the population table has no numeric value "
                                   f"({t['lhs'].iloc[k]} {t['op'].iloc[k]} {t['rhs'].iloc[k]})")
    lv = list(dict.fromkeys(t.loc[t["op"] == "=~", "lhs"]))
    names = list(dict.fromkeys(list(t["lhs"]) + [r for r in t["rhs"] if r]))
    ov = [v for v in names if v not in lv]
    var = ov + lv
    pos = {v: i for i, v in enumerate(var)}
    k = len(var)
    A, S, m = np.zeros((k, k)), np.zeros((k, k)), np.zeros(k)
    given = set()
    for lhs, op, rhs, v in zip(t["lhs"], t["op"], t["rhs"], values):
        if op == "=~":
            A[pos[rhs], pos[lhs]] = v
        elif op == "~":
            A[pos[lhs], pos[rhs]] = v
        elif op == "~~":
            S[pos[lhs], pos[rhs]] = S[pos[rhs], pos[lhs]] = v
            if lhs == rhs:
                given.add(pos[lhs])
        else:
            m[pos[lhs]] = v
    try:
        E = np.linalg.inv(np.eye(k) - A)
    except np.linalg.LinAlgError:
        raise PopulationModelError("the paths of the population table form a loop with total effect 1; "
                                   "only recursive models can be simulated") from None
    free = [i for i in range(k) if i not in given]
    for _ in range(k + 1):   # fill unspecified variances so that total variances are 1
        total = np.diag(E @ S @ E.T)
        S[free, free] += 1.0 - total[free]
    low = [var[i] for i in free if S[i, i] <= 0]
    if low:
        raise PopulationModelError(f"the loadings and paths into {low} explain all of their variance or "
                                   f"more; lower them so each variable keeps a positive residual variance")
    cov_all = E @ S @ E.T
    mean_all = E @ m
    p = len(ov)
    cov = cov_all[:p, :p]
    lv_cov = cov_all[p:, p:]
    for what, M, labels in (("observed variables", cov, ov), ("latent variables", lv_cov, lv)):
        if len(M) and np.linalg.eigvalsh(M)[0] <= 1e-10:
            raise PopulationModelError(
                f"the population covariance matrix of the {what} is not positive definite (smallest "
                f"eigenvalue {np.linalg.eigvalsh(M)[0]:.3g}): check correlations beyond ±1 and "
                f"variances among {labels[:8]}")
    return pd.DataFrame(cov, index=ov, columns=ov), pd.Series(mean_all[:p], index=ov)


# -- Monte Carlo power -----------------------------------------------------------------------
@dataclass
class _Population:
    """Draws samples of the analysis variables (picklable)."""

    ov: list
    model: PopulationModel | None = None
    chol: np.ndarray | None = None
    mean: np.ndarray | None = None
    discretize: bool = True
    missing: float = 0.0

    def draw(self, n, rng):
        if self.model is not None:
            # the population's matrices once per process, not once per sample: the same draws
            # as simulate(self.model, n, seed=rng)
            if getattr(self, "_sampler", None) is None:
                items = list(self.model.instrument.item_codes)
                self._sampler = (Sampler(self.model, self.discretize), [items.index(v) for v in self.ov])
            sampler, cols = self._sampler
            X = sampler.draw(n, rng)[:, cols].astype(float)
        else:
            X = rng.standard_normal((n, len(self.ov))) @ self.chol.T + self.mean
        if self.missing > 0:
            X[rng.random(X.shape) < self.missing] = np.nan
        return X


@dataclass
class _MCPayload:
    refitter: object
    population: _Population
    n: int
    listwise: bool
    targets: list          # row indices of the pilot estimates table
    n_def: int


def _mc_chunk(payload: _MCPayload, indices, seeds):
    rf = payload.refitter
    out = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        X = payload.population.draw(payload.n, rng)
        if payload.listwise:
            X = X[~np.isnan(X).any(axis=1)]
            if len(X) <= len(rf.ov):
                out.append((f"too few complete rows ({len(X)}) after listwise deletion", None))
                continue
        reason, model, fit = rf.refit([X], implied=True)
        if reason:
            out.append((reason, None))
            continue
        out.append(("", _mc_statistics(rf, model, fit.theta, payload.n_def)))
    return out


def _mc_statistics(rf, model, theta, n_def):
    """Estimates (table rows + defined), their SEs, and std.all of the same rows."""
    table = model.spec.table
    free = table["free"].to_numpy()
    fixed = table["value"].to_numpy()

    def rows(th):
        return np.where(free > 0, th[np.maximum(free - 1, 0)], fixed)

    est = rows(theta)
    n_eff = sum(rf._weights(model.groups))
    info = model.observed_information(theta) if rf.fiml else model.expected_information(theta)
    try:
        V = np.linalg.inv(info * n_eff)
    except np.linalg.LinAlgError:
        V = np.full((len(theta), len(theta)), np.nan)
    d = np.diag(V)
    se_theta = np.sqrt(np.where(d > 0, d, np.nan))
    se = np.where(free > 0, se_theta[np.maximum(free - 1, 0)], 0.0)
    defs = rf.defined(est) if n_def else np.zeros(0)
    def_se = np.zeros(0)
    if n_def:
        J = np.zeros((n_def, len(theta)))
        for k in range(len(theta)):
            h = 1e-6 * max(1.0, abs(theta[k]))
            e = np.zeros(len(theta))
            e[k] = h
            J[:, k] = (rf.defined(rows(theta + e)) - rf.defined(rows(theta - e))) / (2 * h)
        def_se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", J, V, J), 0, None))
    from ..sem.standardize import standardize

    std = standardize(model, theta, table, est)
    std_def = rf.defined(std) if n_def else np.zeros(0)
    return np.concatenate([est, defs, se, def_se, std, std_def])


@dataclass(frozen=True, eq=False)
class PowerResult(Reportable):
    """Monte Carlo power of each parameter's test.

    Attributes
    ----------
    table : DataFrame
        One row per target parameter: ``lhs, op, rhs, label, population``
        (the parameter in the analysis model's metric at the population),
        ``population.std``, ``est.mean, est.sd, se.mean, std.mean,
        bias`` (``est.mean - population``), ``coverage`` (share of
        ``1 - alpha`` Wald intervals that contain ``population``) and
        ``power`` (share of converged samples with ``p < alpha``).
    n, reps, n_ok : int
        Sample size, samples requested, samples whose fit converged.
    failures : DataFrame
        ``replicate, reason`` of each sample that gave no usable fit.
    """

    table: pd.DataFrame = field(repr=False)
    n: int
    reps: int
    n_ok: int
    alpha: float
    seed: int
    failures: pd.DataFrame = field(repr=False)
    population_note: str = ""
    complete: bool = True

    @property
    def power(self) -> pd.Series:
        """Power by parameter (``"lhs op rhs"``)."""
        t = self.table
        return pd.Series(t["power"].to_numpy(), index=(t["lhs"] + " " + t["op"] + " " + t["rhs"]),
                         name="power")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self, lang: str | None = None) -> str:
        th = check_language(lang) == "th"
        lines = []
        if not self.complete:
            lines.append("! ผลบางส่วน: การจำลองหยุดก่อนครบ" if th else
                         "! PARTIAL result: the simulation stopped before all samples were done")
        lines.append(f"อำนาจการทดสอบโดยการจำลองมอนติคาร์โล: n = {self.n}, {self.reps} ชุดตัวอย่าง, "
                     f"ประมาณค่าได้ {self.n_ok} ชุด, alpha = {self.alpha}; seed = {self.seed}" if th else
                     f"Monte Carlo power: n = {self.n}, {self.reps} samples, {self.n_ok} converged, "
                     f"alpha = {self.alpha}; seed = {self.seed}")
        if len(self.failures):
            for reason, count in self.failures["reason"].value_counts().items():
                lines.append(("  ไม่สำเร็จ " if th else "  failed: ") + f"{count} — {reason}")
        if self.population_note:
            lines.append(self.population_note)
        lines.append("พารามิเตอร์: อำนาจ (ค่าประชากร, ค่าเฉลี่ยของค่าประมาณ, ความครอบคลุม)" if th else
                     "Parameter: power (population value, mean estimate, coverage)")
        t = self.table
        for r in zip(t["lhs"], t["op"], t["rhs"], t["power"], t["population"], t["est.mean"],
                     t["coverage"]):
            lines.append(f"  {r[0]} {r[1]} {r[2]}: {r[3]:.3f} ({r[4]:.3f}, {r[5]:.3f}, {r[6]:.3f})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang: str | None = None) -> list:
        """The summary, then the table of results."""
        lang = check_language(lang)
        return [heading(pick("อำนาจการทดสอบแบบมอนติคาร์โล", "Monte Carlo power", lang)), text(self.summary(lang)),
                table(self.to_frame(), pick("อำนาจการทดสอบแบบมอนติคาร์โล", "Monte Carlo power", lang))]

    def _repr_html_(self) -> str:
        lines = self.summary().split("\n")
        head = [l for l in lines if not l.startswith("  ") or "failed" in l]
        return ("<b>" + html.escape(lines[0]) + "</b><br>" + "<br>".join(html.escape(l) for l in head[1:])
                + self.table.to_html(index=False, float_format="%.3f"))


def _target_rows(est: pd.DataFrame, params):
    """Row positions of the target parameters in the pilot's estimates table."""
    keys = (est["lhs"] + est["op"] + est["rhs"].astype(str)).str.replace(" ", "")
    labels = est["label"].fillna("").astype(str)
    free_like = (est["se"] > 0) | (est["op"] == ":=")
    if params is None:
        return [i for i in range(len(est)) if free_like.iloc[i]]
    rows = []
    for p in [params] if isinstance(params, str) else params:
        key = re.sub(r"\s+", "", str(p))
        hit = [i for i in range(len(est)) if keys.iloc[i] == key or (labels.iloc[i] and labels.iloc[i] == key)
               or (est["op"].iloc[i] == ":=" and est["lhs"].iloc[i] == key)]
        if not hit:
            raise ValueError(f"parameter {p!r} is not in the model; write it as 'lhs op rhs' "
                             f"(e.g. 'EFF ~ ACL', 'ACL =~ ACL2') or by its label")
        rows += [h for h in hit if h not in rows]
    return rows


def monte_carlo_power(model: str, population, n: int, reps: int = 500, *, params=None,
                      alpha: float = 0.05, seed=None, n_jobs: int = -1, backend=None, client=None,
                      progress: bool = True, missing: float = 0.0, estimation: str = "listwise",
                      discretize: bool = True, std_lv: bool = False) -> PowerResult:
    """Power of each parameter's test by Monte Carlo simulation (as simsem).

    Draws ``reps`` samples of ``n`` respondents from ``population``, fits
    ``model`` to each (warm-started from the population values), and reports
    per parameter the share of converged samples whose Wald test ``est / se``
    has ``p < alpha`` — the power — with the mean estimate, bias, coverage
    and the mean standardized estimate.

    Parameters
    ----------
    model : str
        The analysis model (lavaan syntax); ``:=`` effects (e.g. indirect
        effects) get delta-method tests.
    population : PopulationModel or DataFrame
        An :class:`edu40.PopulationModel` (data drawn by :func:`edu40.simulate`,
        as Likert answers unless ``discretize=False``), or a parameter table
        with columns ``lhs, op, rhs, value`` (see :func:`population_moments`;
        multivariate normal data).
    n : int
        Sample size of each replication.
    reps : int
        Number of samples (simsem's ``nRep``).
    params : list of str, optional
        Target parameters as ``"lhs op rhs"`` or labels; default all free
        and defined parameters.
    alpha : float
    seed : int, optional
        Same seed, same result for any ``n_jobs`` and backend.
    n_jobs, backend, client, progress
        Parallel execution, as in :meth:`SEMResult.bootstrap`.
    missing : float
        Share of answers deleted completely at random in each sample.
    estimation : {"listwise", "fiml"}
        How samples with missing answers are analysed.
    discretize : bool
        With a PopulationModel: Likert answers (True) or the continuous
        latent responses.
    std_lv : bool
        Identify factors by unit variances in the analysis model.

    Returns
    -------
    PowerResult

    Notes
    -----
    The population value of each parameter, in the analysis model's own
    metric, is the analysis model fitted to the population moments: exact for
    a parameter table and for ``discretize=False``; from one sample of
    200,000 for Likert answers (Monte Carlo error about .002).  With a
    misspecified analysis model these are the pseudo-true values.

    Examples
    --------
    >>> import edu40
    >>> pop = edu40.PopulationModel.default(edu40.EM40, loading=0.7, factor_correlation=0.5,
    ...                                     r_squared=0.3)
    >>> res = edu40.monte_carlo_power(edu40.EM40.model(), pop, n=200, reps=4, seed=1, n_jobs=1,
    ...                               progress=False, params=["EFF ~ ACL"])
    >>> res.n_ok
    4
    """
    import edu40.sem as sem

    n = check_count(n, "n (the sample size)")
    reps = check_count(reps, "reps (the number of samples)")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    if not 0 <= missing < 1:
        raise ValueError(f"missing must be a share in [0, 1), not {missing!r}")
    if estimation not in ("listwise", "fiml"):
        raise ValueError(f"estimation must be 'listwise' or 'fiml', not {estimation!r}")
    spec0 = sem.spec.build_spec(model)
    ov = spec0.ov
    if n <= len(ov):
        raise ValueError(f"n = {n} respondents cannot estimate a model of {len(ov)} observed variables; "
                         f"use n > {len(ov)} (a common rule asks 5-10 respondents per parameter, "
                         f"here {5 * spec0.n_free}-{10 * spec0.n_free})")
    fiml = estimation == "fiml"
    ss = seed_sequence(seed)
    pilot_seed, run_seed = ss.spawn(2)
    if isinstance(population, PopulationModel):
        items = population.instrument.item_codes
        absent = [v for v in ov if v not in items]
        if absent:
            raise ValueError(f"the model's variables {absent} are not items of the population's "
                             f"instrument {population.instrument.name!r}")
        pop = _Population(ov, model=population, discretize=discretize, missing=missing)
        if discretize:
            big = simulate(population, 200_000, seed=np.random.default_rng(pilot_seed))[ov]
            pilot = sem.fit(model, big, std_lv=std_lv, meanstructure=fiml)
            note = "population values: the model fitted to one sample of 200,000 (Likert answers)"
        else:
            cov = population.covariance().loc[ov, ov]
            mean = pd.Series([population.item_shift.get(v, 0.0) for v in ov], index=ov)
            pilot = sem.fit(model, cov=cov, nobs=10 ** 7, mean=mean if fiml else None,
                            std_lv=std_lv, meanstructure=fiml)
            note = "population values: the model fitted to the population moments"
    elif isinstance(population, pd.DataFrame):
        cov, mean = population_moments(population)
        absent = [v for v in ov if v not in cov.index]
        if absent:
            raise ValueError(f"the model's variables {absent} are not in the population table "
                             f"(its observed variables are {list(cov.index)[:10]})")
        cov, mean = cov.loc[ov, ov], mean.loc[ov]
        pop = _Population(ov, chol=np.linalg.cholesky(cov.to_numpy()), mean=mean.to_numpy(),
                          missing=missing)
        pilot = sem.fit(model, cov=cov, nobs=10 ** 7, mean=mean if fiml else None, std_lv=std_lv,
                        meanstructure=fiml)
        note = "population values: the model fitted to the population moments"
    else:
        raise TypeError(f"population must be an edu40.PopulationModel or a DataFrame with columns "
                        f"lhs, op, rhs, value, not {type(population).__name__}")
    rf = make_refitter(pilot, std=True, sample=False)
    if fiml:   # the replications analyse raw data with FIML: a template on the pilot's spec
        template = RAMModel(rf.model.spec, rf.model.groups, meanstructure=True, fiml=True)
        rf.model, rf.fiml = template, True
    est = pilot.estimates
    rows = _target_rows(est, params)
    n_def = len(rf.defs)
    payload = _MCPayload(rf, pop, n, not fiml, rows, n_def)
    outputs, error = run_replications(_mc_chunk, payload, reps, run_seed, n_jobs=n_jobs,
                                      backend=backend, client=client, progress=progress,
                                      desc="Monte Carlo")
    result = _mc_assemble(pilot, outputs, rows, n, reps, alpha, ss, note, n_def, complete=error is None)
    if error is not None:
        raise ReplicationError(
            f"the simulation stopped after {len(outputs)} of {reps} samples: {type(error).__name__}: "
            f"{error}. The finished samples are kept in this error's .partial (a PowerResult)",
            partial=result, done=len(outputs)) from error
    return result


def _mc_assemble(pilot, outputs, rows, n, reps, alpha, ss, note, n_def, complete=True):
    order = sorted(outputs)
    ok = [i for i in order if not outputs[i][0]]
    failures = pd.DataFrame([(i, outputs[i][0]) for i in order if outputs[i][0]],
                            columns=["replicate", "reason"])
    m = len(pilot._spec.table) + n_def
    V = np.array([outputs[i][1] for i in ok]).reshape(len(ok), 3 * m)
    est, se, std = V[:, :m], V[:, m:2 * m], V[:, 2 * m:]
    rows = np.asarray(rows, int)
    pe = pilot.estimates
    pstd = pilot.standardized
    pop = pe["est"].to_numpy(float)[rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = est[:, rows] / se[:, rows]
        crit = stats.norm.ppf(1 - alpha / 2)
        reject = np.abs(z) > crit
        covered = np.abs(est[:, rows] - pop) <= crit * se[:, rows]
        usable = np.isfinite(z)
        power = np.where(usable.sum(0) > 0, (reject & usable).sum(0) / np.maximum(usable.sum(0), 1), np.nan)
        coverage = np.where(usable.sum(0) > 0, (covered & usable).sum(0) / np.maximum(usable.sum(0), 1),
                            np.nan)
        table = pd.DataFrame({
            "lhs": pe["lhs"].to_numpy()[rows], "op": pe["op"].to_numpy()[rows],
            "rhs": pe["rhs"].to_numpy()[rows], "label": pe["label"].to_numpy()[rows],
            "population": pop, "population.std": pstd["est.std"].to_numpy(float)[rows],
            "est.mean": np.nanmean(est[:, rows], axis=0) if len(ok) else np.nan,
            "est.sd": np.nanstd(est[:, rows], axis=0, ddof=1) if len(ok) > 1 else np.nan,
            "se.mean": np.nanmean(se[:, rows], axis=0) if len(ok) else np.nan,
            "std.mean": np.nanmean(std[:, rows], axis=0) if len(ok) else np.nan,
            "power": power, "coverage": coverage})
    table.insert(table.columns.get_loc("std.mean") + 1, "bias", table["est.mean"] - table["population"])
    return PowerResult(table=table, n=n, reps=reps, n_ok=len(ok), alpha=alpha, seed=int(ss.entropy),
                       failures=failures, population_note=note, complete=complete)
