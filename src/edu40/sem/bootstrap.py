"""Nonparametric bootstrap of a fitted SEM, with the Bollen–Stine test of fit.

``SEMResult.bootstrap(n)`` (this module's :func:`bootstrap`) resamples the
respondents with replacement (within each group, as lavaan), refits the
model to every draw and reports, for estimates, defined (indirect) effects,
the standardized solution (std.all), R² and the fit indices:

* the bootstrap standard error, the standard deviation of the ``R``
  successful draws ``t*_1..t*_R`` (divisor ``R - 1``, as lavaan);
* a confidence interval at ``level``:

  - ``"percentile"``: the ``(1 -+ level)/2`` quantiles of ``t*``, read with
    the normal-scale interpolation between order statistics of ``boot``'s
    ``norm.inter`` (Davison & Hinkley, 1997, eq. 5.8), which lavaan's
    ``parameterEstimates(boot.ci.type = "perc")`` uses;
  - ``"bc"``: bias-corrected, ``alpha' = Phi(2 z0 + z_alpha)`` with
    ``z0 = Phi^-1(#{t* < t} / R)`` (lavaan ``"bca.simple"``);
  - ``"bca"``: bias-corrected and accelerated (Efron, 1987),
    ``alpha' = Phi(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))`` with
    ``a = sum L^3 / (6 (sum L^2)^1.5)`` from the empirical influence values
    ``L`` of the respondents: estimated by regressing ``t*`` on the
    resampling frequencies when there are at least three successful draws
    per respondent (lavaan's ``boot.ci.type = "bca"`` does so whenever
    there are more draws than respondents, but with fewer than about 3 per
    respondent the regression estimate is noisy), otherwise by the
    jackknife, ``L_i = (N - 1)(mean(t_(.)) - t_(i))``, which costs ``N``
    extra fits (Efron & Tibshirani, 1993, eq. 14.15);

* the Bollen–Stine (1992) bootstrap p-value of the chi-square test: the
  data of each group are transformed to fit the model exactly,
  ``Z = (X - xbar) S^-1/2 Sigma^1/2 (+ mu)``, resampled, refitted, and
  ``p = #{T*_b >= T} / R`` (lavaan ``bootstrapLavaan(fit, type =
  "bollen.stine")``; lavaan's ``test = "bollen.stine"`` counts ``T* > T``,
  the same but for ties, which have probability zero).  Not available with
  ``missing = "fiml"`` (lavaan neither).

Draws whose sample covariance matrix is singular or whose fit does not
converge are failures: counted by reason, listed in ``failures`` and left
out of every statistic, never silently dropped.  Improper solutions
(negative variances, a non-positive-definite latent covariance) are kept, as
lavaan keeps them, and counted.

Fits with ordered indicators (WLSMV, DWLS, WLS, ULSMV ...) are bootstrapped as
lavaan's ``se = "bootstrap"`` does for them: each draw recomputes thresholds,
polychoric correlations and the weight matrix from the resampled category
codes and refits by Gauss-Newton (:mod:`edu40.sem.bootstrap_ordinal`); a
draw in which a category of an item is absent fails with that reason.  The
Bollen–Stine test is not available for them (lavaan neither).

Each draw starts from the full-sample estimates and reuses the parsed model
and parameter table; draws run in parallel with joblib (``n_jobs``) or on a
Dask cluster (``backend = "dask"``).  Each draw has its own random stream
spawned from ``seed``, so a fixed seed gives the same result for any
``n_jobs`` and backend.

References
----------
Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit measures
in structural equation models. Sociological Methods & Research, 21, 205-229.
Davison, A. C., & Hinkley, D. V. (1997). Bootstrap methods and their
application. Cambridge University Press.
Efron, B. (1987). Better bootstrap confidence intervals. JASA, 82, 171-185.
Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap.
Chapman & Hall.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special

from ..core.blocks import heading, table, text
from ..core.reportable import Reportable
from ..core.i18n import check_language, pick
from ..core.parallel import (ReplicationError, check_count, one_blas_thread, run_replications,
                             seed_sequence)
from .bootci import CI_TYPES, _acceleration_from_influence, _interval, norm_inter
from .bootdraws import (_bollen_stine_data, _bollen_stine_maps, _bootstrap_chunk, _draw_indices,
                        _jackknife_chunk, _Payload)
from .bootstrap_ordinal import (ABSENT, is_ordinal, make_ordinal_refitter, ordinal_varying_indices,
                                resample_rows)
from .refit import VARYING_INDICES, make_refitter

__all__ = ["bootstrap", "BootstrapResult", "norm_inter", "ReplicationError"]


# -- the result ----------------------------------------------------------------------------
# Thai wording of the reasons a draw fails (the English reason's detail is kept in brackets).
_REASONS_TH = ((ABSENT, "บางตัวเลือกไม่มีผู้ตอบในตัวอย่างบูตสแตรป จึงประมาณค่า threshold ไม่ได้"),
               ("did not converge (the search reached an impossible solution", "ไม่ลู่เข้า (การค้นหาไปถึงคำตอบที่เป็นไปไม่ได้"),
               ("did not converge", "ไม่ลู่เข้า"),
               ("sample covariance matrix not positive definite", "เมทริกซ์ความแปรปรวนร่วมของตัวอย่างไม่เป็นบวกแน่นอน"),
               ("unusable sample", "ตัวอย่างใช้ไม่ได้"))


def _reason_th(reason: str) -> str:
    """The Thai wording of a failure reason (unknown reasons stay in English)."""
    for en, th in _REASONS_TH:
        if reason.startswith(en):
            return th + reason[len(en):]
    return reason


@dataclass(frozen=True, eq=False)
class BootstrapResult(Reportable):
    """Bootstrap standard errors and confidence intervals of a fitted SEM.

    Attributes
    ----------
    estimates : DataFrame
        ``lhs, op, rhs, [group], label, est, se, z, pvalue, ci.lower,
        ci.upper`` (lavaan ``parameterEstimates`` of a ``se = "bootstrap"``
        fit): ``se`` is the bootstrap SD, ``z = est / se``, CIs of type ``ci``.
    standardized : DataFrame or None
        std.all estimates with bootstrap SEs and CIs.
    r2 : DataFrame or None
        R² of each endogenous variable with bootstrap SE and CI.
    fit : DataFrame or None
        Fit indices with bootstrap SE and CI (``index, value, se, ci.lower,
        ci.upper``).
    chisq, bollen_stine_pvalue : float
        The sample chi-square and its Bollen–Stine bootstrap p-value
        (NaN when not computed).
    bollen_stine_T : ndarray
        The chi-squares of the Bollen–Stine draws (their reference distribution).
    n, n_ok : int
        Draws requested and draws that gave a usable fit.
    failures : DataFrame
        ``replicate, reason`` of each failed draw (ordinary and
        Bollen–Stine, column ``kind``).
    improper : int
        Successful draws with an improper solution (kept, as in lavaan).
    seed : int
        Entropy of the random streams: ``seed=`` this value repeats the run.
    complete : bool
        False for the partial result of an interrupted run.
    draws : DataFrame
        One row per successful draw, one column per statistic.
    """

    n: int
    n_ok: int
    ci: str
    level: float
    seed: int
    estimates: pd.DataFrame = field(repr=False)
    standardized: pd.DataFrame | None = field(default=None, repr=False)
    r2: pd.DataFrame | None = field(default=None, repr=False)
    fit: pd.DataFrame | None = field(default=None, repr=False)
    chisq: float = np.nan
    bollen_stine_pvalue: float = np.nan
    bollen_stine_n_ok: int = 0
    bollen_stine_T: np.ndarray = field(default=None, repr=False)
    failures: pd.DataFrame = field(default=None, repr=False)
    improper: int = 0
    complete: bool = True
    note: str = ""
    draws: pd.DataFrame = field(default=None, repr=False)

    @property
    def n_failed(self) -> int:
        f = self.failures
        return int((f["kind"] == "ordinary").sum()) if f is not None and len(f) else 0

    def failure_counts(self) -> pd.DataFrame:
        """Failed draws by kind and reason."""
        if self.failures is None or not len(self.failures):
            return pd.DataFrame(columns=["kind", "reason", "count"])
        return (self.failures.groupby(["kind", "reason"]).size().rename("count").reset_index())

    def to_frame(self) -> pd.DataFrame:
        """Every statistic in one tidy table: ``section, lhs, op, rhs, [group], est, se, ci.lower, ci.upper``."""
        parts = []
        keep = ["lhs", "op", "rhs"] + (["group"] if "group" in self.estimates.columns else [])
        e = self.estimates[keep + ["est", "se", "ci.lower", "ci.upper"]].assign(section="estimate")
        parts.append(e)
        if self.standardized is not None:
            s = self.standardized[keep + ["est.std", "se", "ci.lower", "ci.upper"]]
            parts.append(s.rename(columns={"est.std": "est"}).assign(section="std.all"))
        if self.r2 is not None:
            r = self.r2.rename(columns={"variable": "lhs", "r2": "est"}).assign(op="r2", section="r2")
            r["rhs"] = r["lhs"]
            parts.append(r)
        if self.fit is not None:
            f = self.fit.rename(columns={"index": "lhs", "value": "est"}).assign(op="fit", rhs="",
                                                                               section="fit")
            parts.append(f)
        out = pd.concat(parts, ignore_index=True)
        first = ["section"] + keep
        return out[first + [c for c in ["est", "se", "ci.lower", "ci.upper"]]]

    def _status_lines(self, th: bool) -> list[str]:
        ci_name = {"percentile": ("เปอร์เซ็นไทล์", "percentile"), "bc": ("ปรับความเอนเอียง (BC)", "bias-corrected"),
                   "bca": ("ปรับความเอนเอียงและความเร่ง (BCa)", "BCa")}[self.ci]
        lines = []
        if not self.complete:
            lines.append("! ผลบางส่วน: การบูตสแตรปหยุดก่อนครบ" if th else
                         "! PARTIAL result: the bootstrap stopped before all draws were done")
        if th:
            lines.append(f"บูตสแตรป: ขอ {self.n} รอบ ใช้ได้ {self.n_ok} รอบ; ช่วงความเชื่อมั่น "
                         f"{self.level:.0%} แบบ{ci_name[0]}; seed = {self.seed}")
        else:
            lines.append(f"Bootstrap: {self.n} draws requested, {self.n_ok} usable; {self.level:.0%} "
                         f"{ci_name[1]} intervals; seed = {self.seed}")
        for row in self.failure_counts().itertuples(index=False):
            kind = row.kind if not th else {"ordinary": "ปกติ", "bollen-stine": "Bollen-Stine",
                                             "jackknife": "แจ็คไนฟ์"}.get(row.kind, row.kind)
            reason = _reason_th(row.reason) if th else row.reason
            lines.append(("  ไม่สำเร็จ" if th else "  failed") + f" ({kind}): {row.count} — {reason}")
        if self.improper:
            lines.append(f"  คำตอบไม่เหมาะสม (ความแปรปรวนติดลบ ฯลฯ) {self.improper} รอบ: เก็บไว้ตาม lavaan"
                         if th else f"  improper solutions (negative variance etc.): {self.improper}, "
                         f"kept as lavaan keeps them")
        if np.isfinite(self.bollen_stine_pvalue):
            lines.append(f"Bollen-Stine: chisq = {self.chisq:.3f}, "
                         + ("p < .001 " if self.bollen_stine_pvalue < 0.001 else f"p = {self.bollen_stine_pvalue:.3f} ")
                         + (f"({self.bollen_stine_n_ok} รอบ)" if th else f"({self.bollen_stine_n_ok} draws)"))
        if self.note:
            lines.append(self.note)
        return lines

    def summary(self, lang: str | None = None) -> str:
        th = check_language(lang) == "th"
        lines = self._status_lines(th)
        est = self.estimates
        show = est[est["se"] > 0]
        lines.append("ค่าประมาณ (SE บูตสแตรป, ช่วงความเชื่อมั่น):" if th else
                     "Estimates (bootstrap SE, CI):")
        for lhs, op, rhs, e, se, lo, hi in zip(show["lhs"], show["op"], show["rhs"], show["est"],
                                               show["se"], show["ci.lower"], show["ci.upper"]):
            lines.append(f"  {lhs} {op} {rhs}: {e:.3f} (SE {se:.3f}) [{lo:.3f}, {hi:.3f}]")
        if self.r2 is not None and len(self.r2):
            lines.append("R2: " + ", ".join(f"{v} = {x:.3f} [{a:.3f}, {b:.3f}]" for v, x, a, b in zip(
                self.r2["variable"], self.r2["r2"], self.r2["ci.lower"], self.r2["ci.upper"])))
        if self.fit is not None:
            f = self.fit.set_index("index")
            keys = (["chisq.scaled", "cfi.scaled", "tli.scaled", "rmsea.scaled", "srmr"]
                    if "chisq.scaled" in f.index else ["chisq", "cfi", "tli", "rmsea", "srmr"])
            lines.append(("ดัชนีความสอดคล้อง: " if th else "Fit: ") + ", ".join(
                f"{k} = {f.loc[k, 'value']:.3f} [{f.loc[k, 'ci.lower']:.3f}, {f.loc[k, 'ci.upper']:.3f}]"
                for k in keys if k in f.index))
            # resamples fit worse than the sample they come from, so these intervals sit to the side of
            # the sample value: say so, as readers take them for intervals of the population fit
            bs = np.isfinite(self.bollen_stine_pvalue)
            lines.append("  (ตัวอย่างบูตสแตรปสอดคล้องกับแบบจำลองน้อยกว่าข้อมูลจริง ช่วงของดัชนีจึงอาจไม่ครอบคลุมค่าที่ได้ "
                         + ("ใช้ค่า p ของ Bollen–Stine ในการทดสอบแบบจำลอง)" if bs else
                            "ใช้ไคสแควร์ของข้อมูลจริงในการทดสอบแบบจำลอง)") if th else
                         "  (resamples fit worse than the sample they are drawn from, so an index's interval need "
                         "not contain its sample value; test the model with "
                         + ("the Bollen-Stine p)" if bs else "the sample's (scaled) chi-square)"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang: str | None = None) -> list:
        """The summary, then the table of results."""
        lang = check_language(lang)
        return [heading(pick("ช่วงความเชื่อมั่นแบบบูตสแตรป", "Bootstrap confidence intervals", lang)), text(self.summary(lang)),
                table(self.to_frame(), pick("ช่วงความเชื่อมั่นแบบบูตสแตรป", "Bootstrap confidence intervals", lang))]

    def _repr_html_(self) -> str:
        th = check_language(None) == "th"
        lines = self._status_lines(th)
        parts = [f"<b>{html.escape(lines[0])}</b><br>" + "<br>".join(html.escape(s) for s in lines[1:])]
        est = self.estimates
        parts.append("<p><i>Estimates</i></p>" + est[est["se"] > 0].to_html(index=False, float_format="%.3f"))
        if self.standardized is not None:
            s = self.standardized
            parts.append("<p><i>std.all</i></p>" + s[s["se"] > 0].to_html(index=False, float_format="%.3f"))
        if self.r2 is not None:
            parts.append("<p><i>R²</i></p>" + self.r2.to_html(index=False, float_format="%.3f"))
        if self.fit is not None:
            parts.append("<p><i>Fit</i></p>" + self.fit.to_html(index=False, float_format="%.3f"))
        return "".join(parts)


def _layout(result, rf):
    """Names of the statistic vector's parts: (section, slice) and the row tables."""
    q = len(result._theta)
    sections = {"theta": slice(0, q)}
    k = q
    d = len(rf.defs) if rf.want_defined else 0
    sections["defined"] = slice(k, k + d)
    k += d
    if rf.want_std:
        m = len(result._spec.table) + len(rf.defs)
        sections["std"] = slice(k, k + m)
        k += m
    if rf.want_r2:
        sections["r2"] = slice(k, k + len(rf.r2_nodes))
        k += len(rf.r2_nodes)
    if rf.fit_measures:
        sections["fit"] = slice(k, k + len(rf.fit_measures))
        k += len(rf.fit_measures)
    return sections, k


def bootstrap(result, n: int = 1000, *, ci: str = "percentile", level: float = 0.95, seed=None,
              n_jobs: int = -1, backend=None, client=None, progress: bool = True,
              bollen_stine=None, standardized: bool = True, r2: bool = True,
              fit_measures=True) -> BootstrapResult:
    """Nonparametric bootstrap of a fitted model (``SEMResult.bootstrap``).

    Parameters
    ----------
    result : SEMResult
        A model fitted to raw data (``edu40.fit(model, data)``).
    n : int
        Number of bootstrap draws (lavaan's ``bootstrap = 1000``).
    ci : {"percentile", "bc", "bca"}
        Interval type (lavaan ``boot.ci.type`` ``"perc"``, ``"bca.simple"``,
        ``"bca"``).
    level : float
        Confidence level.
    seed : int, optional
        Same seed, same result, whatever ``n_jobs`` and ``backend``.
    n_jobs : int
        Parallel workers (-1: all cores; 1: in this process).  Fits with ordered indicators
        run on the same workers, one draw at a time (no stacked fits): about 35-70 ms a draw
        for a 9-item CFA, so 1000 draws take about a minute on one core.
    backend : None, "loky", "threading", "sequential" or "dask"
        ``None``: joblib's worker processes (started once per session and
        kept), unless the first chunk, timed in this process, predicts a run
        shorter than starting them: then the draws stay in this process.
        ``"dask"`` sends the draws to a Dask cluster: the current
        ``distributed`` client, or ``client=`` (a Client or a scheduler
        address).
    progress : bool
        Show a progress bar (tqdm).
    bollen_stine : bool, optional
        Also bootstrap the model-implied data for the Bollen–Stine p-value
        (default: whenever the data are complete, i.e. not FIML, and continuous;
        ``True`` with ordered indicators is an error).
    standardized, r2, fit_measures : bool
        Bootstrap the std.all solution, R² and the fit indices (True) or not.
        ``fit_measures`` may also name the indices, e.g. ``["cfi", "rmsea"]``;
        for ordered indicators the scaled and robust ones too (``"cfi.scaled"``,
        ``"rmsea.robust"`` ...).

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ReplicationError
        The run stopped early (Dask scheduler lost or unreachable, a worker
        failed, Ctrl-C); ``err.partial`` is the result of the finished draws.

    Notes
    -----
    Agrees with lavaan 0.6 ``sem(model, data, se = "bootstrap", bootstrap =
    1000)`` + ``parameterEstimates(fit, boot.ci.type = "perc")`` and
    ``bootstrapLavaan(fit, type = "bollen.stine", FUN = fitMeasures,
    fit.measures = "chisq")`` within Monte Carlo error (tests/test_scale.py).

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> res = edu40.fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9",
    ...                 holzinger39.get_data())
    >>> boot = res.bootstrap(50, seed=1, n_jobs=1, progress=False, fit_measures=["cfi"])
    >>> boot.n_ok, round(boot.bollen_stine_pvalue, 2)
    (50, 0.0)
    """
    n = check_count(n, "n (the number of bootstrap draws)")
    if ci not in CI_TYPES:
        raise ValueError(f"ci must be one of {CI_TYPES}, not {ci!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    groups = result._model.groups
    ordinal = is_ordinal(result)
    if not ordinal and any(g.raw is None for g in groups):
        raise ValueError("the bootstrap resamples respondents, but this model was fitted to a "
                         "covariance matrix (cov=); fit it to the raw data (data=) to bootstrap it")
    if not result.converged:
        raise ValueError("the full-sample fit did not converge; fix the model before bootstrapping it "
                         "(the draws start from its estimates)")
    fiml = result.missing == "fiml"
    if bollen_stine and ordinal:
        raise ValueError(f"the Bollen-Stine bootstrap transforms continuous data to fit the model exactly; "
                         f"it is not defined for ordered indicators ({result.estimator}), and lavaan does "
                         f"not offer it for categorical data either. Use bollen_stine=False (the default "
                         f"here) and test the model with the scaled chi-square of the fit")
    if bollen_stine is None:
        bollen_stine = not (fiml or ordinal)
    if bollen_stine and fiml:
        raise ValueError("the Bollen-Stine bootstrap needs complete data; it is not available with "
                         "missing='fiml' (lavaan neither). Use bollen_stine=False")
    varying = ordinal_varying_indices(result) if ordinal else VARYING_INDICES
    if fit_measures is True:
        fit_names = varying
    elif not fit_measures:
        fit_names = ()
    else:
        fit_names = tuple([fit_measures] if isinstance(fit_measures, str) else fit_measures)
        bad = [k for k in fit_names if k not in varying]
        if bad:
            raise ValueError(f"unknown or constant fit measures {bad}; choose from {list(varying)}")
    with one_blas_thread():
        if ordinal:
            rf = make_ordinal_refitter(result, defined=True, std=standardized, r2=r2, fit_measures=fit_names)
        else:
            rf = make_refitter(result, defined=True, std=standardized, r2=r2, fit_measures=fit_names)
        maps = _bollen_stine_maps(result) if bollen_stine else None
        bs_data = _bollen_stine_data(result, maps) if bollen_stine else None
    ss = seed_sequence(seed)
    payload = _Payload(rf, _rows(result), bs_data, maps)
    outputs, error = run_replications(_bootstrap_chunk, payload, n, ss, n_jobs=n_jobs,
                                      backend=backend, client=client, progress=progress,
                                      desc="bootstrap", stacked=rf.batch)
    with one_blas_thread():
        boot = _assemble(result, rf, outputs, n, ci, level, ss, bollen_stine, n_jobs, backend,
                         client, progress, complete=error is None)
    if error is not None:
        raise ReplicationError(
            f"the bootstrap stopped after {len(outputs)} of {n} draws: {type(error).__name__}: {error}. "
            f"The finished draws are kept in this error's .partial (a BootstrapResult)",
            partial=boot, done=len(outputs)) from error
    return boot


def _assemble(result, rf, outputs, n, ci, level, ss, bollen_stine, n_jobs, backend, client,
              progress, complete=True) -> BootstrapResult:
    order = sorted(outputs)
    ordinal_rf = hasattr(rf, "full_statistics")
    ok = [i for i in order if not outputs[i][0]]
    fails = [(i, "ordinary", outputs[i][0]) for i in order if outputs[i][0]]
    if bollen_stine:
        fails += [(i, "bollen-stine", outputs[i][3]) for i in order if outputs[i][3]]
    sections, width = _layout(result, rf)
    draws = np.array([outputs[i][1] for i in ok]).reshape(len(ok), width)
    improper = int(sum(outputs[i][2] for i in ok))
    t = result._spec.table
    theta = result._theta
    free = t["free"].to_numpy()
    est_rows = np.where(free > 0, theta[np.maximum(free - 1, 0)], t["value"].to_numpy())
    # the statistics at the full sample, in the same layout
    # the full sample (rf.model holds no data)
    t0 = rf.full_statistics(result) if ordinal_rf else rf.statistics(result._model, theta)
    note = ""
    accel = None
    if ci == "bca" and len(ok) >= 2:
        accel, note, jk_fails = _acceleration(result, rf, ok, ss, draws, t0, n_jobs, backend,
                                              client, progress)
        fails += jk_fails
    lo, hi = _interval(draws, t0, level, ci, accel) if len(ok) >= 2 else (
        np.full(width, np.nan), np.full(width, np.nan))
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(draws, axis=0, ddof=1) if len(ok) >= 2 else np.full(width, np.nan)

    # estimates: table rows (free ones take their parameter's column) + defined
    th = sections["theta"]
    col = np.maximum(free - 1, 0)
    def _rows(values_slice_lo, values_slice_hi, values_sd, fixed_values):
        fl = np.where(free > 0, values_slice_lo[col], fixed_values)
        fh = np.where(free > 0, values_slice_hi[col], fixed_values)
        fs = np.where(free > 0, values_sd[col], 0.0)
        return fl, fh, fs

    est = result.estimates.copy()
    elo, ehi, esd = _rows(lo[th], hi[th], sd[th], est_rows)
    dsl = sections["defined"]
    est["se"] = np.concatenate([esd, sd[dsl]])
    est["ci.lower"] = np.concatenate([elo, lo[dsl]])
    est["ci.upper"] = np.concatenate([ehi, hi[dsl]])
    _wald(est, "est")
    std_frame = r2_frame = fit_frame = None
    if "std" in sections:
        s = sections["std"]
        std_frame = result.standardized.copy()
        se = sd[s].copy()
        se[~np.isfinite(se)] = 0.0
        std_frame["se"] = se
        std_frame["ci.lower"], std_frame["ci.upper"] = lo[s], hi[s]
        _wald(std_frame, "est.std")
    if "r2" in sections:
        s = sections["r2"]
        r2 = result.r2
        if isinstance(r2.index, pd.MultiIndex):
            r2_frame = pd.DataFrame({"group": r2.index.get_level_values(0),
                                     "variable": r2.index.get_level_values(1), "r2": r2.to_numpy()})
        else:
            r2_frame = pd.DataFrame({"variable": r2.index, "r2": r2.to_numpy()})
        r2_frame["se"], r2_frame["ci.lower"], r2_frame["ci.upper"] = sd[s], lo[s], hi[s]
    if "fit" in sections:
        s = sections["fit"]
        fit_frame = pd.DataFrame({"index": list(rf.fit_measures), "value": t0[s], "se": sd[s],
                                  "ci.lower": lo[s], "ci.upper": hi[s]})
    chisq = float(result.fit_indices["chisq"])
    bs_p, bs_ok, T = np.nan, 0, np.zeros(0)
    if bollen_stine:
        T = np.array([outputs[i][4] for i in order if not outputs[i][3]])
        bs_ok = len(T)
        bs_p = float(np.mean(T >= chisq)) if bs_ok else np.nan
    names = _draw_names(result, rf, sections, width)
    failures = pd.DataFrame(fails, columns=["replicate", "kind", "reason"])
    return BootstrapResult(n=n, n_ok=len(ok), ci=ci, level=level, seed=int(ss.entropy),
                           estimates=est, standardized=std_frame, r2=r2_frame, fit=fit_frame,
                           chisq=chisq, bollen_stine_pvalue=bs_p, bollen_stine_n_ok=bs_ok,
                           bollen_stine_T=T,
                           failures=failures, improper=improper, complete=complete, note=note,
                           draws=pd.DataFrame(draws, columns=names, index=pd.Index(ok, name="replicate")))


def _rows(result):
    """Per group, the rows a draw resamples: the raw data, or the category codes of an ordinal fit."""
    return resample_rows(result) if is_ordinal(result) else [g.raw for g in result._model.groups]


def _wald(frame, col):
    """z and p of est / bootstrap SE (columns already in lavaan's order)."""
    se = frame["se"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, frame[col].to_numpy(float) / se, np.nan)
    frame["z"] = z
    frame["pvalue"] = 2 * special.ndtr(-np.abs(z))


def _draw_names(result, rf, sections, width):
    t = result._spec.table
    names = [""] * width
    first = {}
    for row in t.itertuples():
        if row.free > 0 and row.free not in first:
            first[row.free] = f"{row.lhs}{row.op}{row.rhs}" + (f".g{row.group + 1}" if len(rf.model.groups) > 1 else "")
    for k in range(len(result._theta)):
        names[k] = first.get(k + 1, f"theta{k + 1}")
    for j, (name, _) in enumerate(rf.defs if rf.want_defined else ()):
        names[sections["defined"].start + j] = f"{name}:="
    if "std" in sections:
        s = sections["std"].start
        for k, row in enumerate(t.itertuples()):
            names[s + k] = f"std:{row.lhs}{row.op}{row.rhs}" + (f".g{row.group + 1}" if len(rf.model.groups) > 1 else "")
        for j, (name, _) in enumerate(rf.defs):
            names[s + len(t) + j] = f"std:{name}:="
    if "r2" in sections:
        s = sections["r2"].start
        var = rf.model.spec.variables
        for j, (gi, node) in enumerate(rf.r2_nodes):
            names[s + j] = f"r2:{var[node]}" + (f".g{gi + 1}" if len(rf.model.groups) > 1 else "")
    if "fit" in sections:
        s = sections["fit"].start
        for j, k in enumerate(rf.fit_measures):
            names[s + j] = f"fit:{k}"
    return names


def _acceleration(result, rf, ok, ss, draws, t0, n_jobs, backend, client, progress):
    """BCa acceleration of every statistic: regression on resampling counts, else jackknife."""
    sizes = [g.n for g in result._model.groups]
    N = sum(sizes)
    if len(ok) >= 3 * N:
        # lavaan: empirical influence = coefficients of t* on the resampling frequencies (with
        # fewer than a few draws per respondent the regression is too noisy: then the jackknife)
        # the draws' resampling indices are re-derived from their random streams
        children = np.random.SeedSequence(ss.entropy).spawn(max(ok) + 1)
        F = np.zeros((len(ok), N))
        offsets = np.cumsum([0] + sizes[:-1])
        for r, i in enumerate(ok):
            idx = _draw_indices(np.random.default_rng(children[i]), sizes)
            for off, ix, ng in zip(offsets, idx, sizes):
                F[r, off:off + ng] = np.bincount(ix, minlength=ng)
        first = list(offsets)
        keep = [c for c in range(N) if c not in set(first)]
        X = np.column_stack([np.ones(len(ok)), F[:, keep]])
        D = np.where(np.isfinite(draws), draws, np.nanmean(draws, axis=0))
        beta = np.linalg.lstsq(X, D, rcond=None)[0][1:]
        L = np.zeros((N, draws.shape[1]))
        L[keep] = beta
        return (_acceleration_from_influence(L),
                "BCa acceleration from the regression of the draws on the resampling counts "
                "(as lavaan)", [])
    payload = _Payload(rf, _rows(result), None)
    outputs, error = run_replications(_jackknife_chunk, payload, N, np.random.SeedSequence(0),
                                      n_jobs=n_jobs, backend=backend, client=client,
                                      progress=progress, desc="jackknife (BCa)")
    if error is not None:
        raise ReplicationError(f"the jackknife for the BCa intervals stopped: {error}") from error
    good = [i for i in sorted(outputs) if not outputs[i][0]]
    fails = [(i, "jackknife", outputs[i][0]) for i in sorted(outputs) if outputs[i][0]]
    J = np.array([outputs[i][1] for i in good])
    L = (len(good) - 1) * (J.mean(axis=0) - J)
    return (_acceleration_from_influence(L),
            f"BCa acceleration from the jackknife ({len(good)} leave-one-out fits; with at least 3 "
            f"draws per respondent it comes from a regression instead)", fails)
