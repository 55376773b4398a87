"""SEMResult: a fitted model, its fit indices, estimates and evidence, shown well.

The estimate and validity tables of its report are built in :mod:`edu40.sem.report_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import special

from ..core.blocks import figure, heading, table, text, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language, pick
from ..core.parallel import one_blas_thread
from .batch import BatchModel
from .batchstats import central_jacobian, standardize_many
from .criteria import fit_table
from .engine import RAMModel
from .indices import vech_weight
from .modindices import modification_indices
from .report_tables import estimate_blocks, validity_blocks
from .standardize import moment_jacobian, r_squared, standardize
from .validity import htmt_matrix, reliability_table

__all__ = ["SEMResult"]


@dataclass(frozen=True, eq=False)
class SEMResult(Reportable):
    """A fitted structural equation model.

    Attributes
    ----------
    fit_indices : Series
        lavaan-named indices: ``npar, nobs, chisq, df, pvalue, cmin/df,
        baseline.chisq, baseline.df, cfi, tli, nfi, ifi, rfi, gfi, agfi, pgfi,
        rmr, srmr, rmsea, rmsea.ci.lower, rmsea.ci.upper, rmsea.pvalue, aic,
        bic, logl`` (equal to lavaan's ``fitMeasures``).
    estimates : DataFrame
        ``lhs, op, rhs, [group], label, est, se, z, pvalue, ci.lower, ci.upper``
        (lavaan's ``parameterEstimates``).
    standardized : DataFrame
        ``std.all`` solution with delta-method SEs (``standardizedSolution``).
    r2 : Series
        R² of each endogenous variable.
    warnings : tuple of SEMWarning
        Non-convergence, Heywood cases, non-positive-definite matrices,
        under-identification, excluded rows.
    """

    model: str
    fit_indices: pd.Series = field(repr=False)
    converged: bool = True
    iterations: int = 0
    optimizer_message: str = ""
    estimator: str = "ML"
    likelihood: str = "normal"
    missing: str = "listwise"
    excluded: tuple = ()
    rows_read: int = 0
    group: str | None = None
    engine: str = "edu40"
    _spec: object = field(default=None, repr=False)
    _model: object = field(default=None, repr=False)
    _theta: np.ndarray = field(default=None, repr=False)
    _vcov: np.ndarray = field(default=None, repr=False)
    _moments: dict = field(default=None, repr=False)
    _prep: object = field(default=None, repr=False)
    _singular_information: tuple = ()
    _extra_warnings: tuple = ()       # problems found in the data before fitting (e.g. empty cells)

    @property
    def scaled(self) -> bool:
        """True when the estimator gives a scaled chi-square (MLM, MLR, WLSMV, ...)."""
        fi = self.fit_indices
        return "chisq.scaled" in fi.index and bool(np.isfinite(fi["chisq.scaled"]))

    # -- parameter tables ---------------------------------------------------------
    @cached_property
    def estimates(self) -> pd.DataFrame:
        t = self._spec.table
        theta, se_all = self._theta, self.standard_errors
        est = self._row_values(theta)
        se = np.where(t["free"] > 0, se_all[np.maximum(t["free"] - 1, 0)], 0.0)
        frame = pd.DataFrame({"lhs": t["lhs"], "op": t["op"], "rhs": t["rhs"], "group": t["group"],
                              "label": t["label"].where(~t["label"].str.startswith("."), ""),
                              "est": est, "se": se})
        if self._spec.definitions:
            frame = pd.concat([frame, self._defined()], ignore_index=True)
        return self._finish(frame, "est")

    def _row_values(self, theta) -> np.ndarray:
        """Every table row's value at theta (a model may compute some fixed rows, e.g. the
        residual variances of ordered variables under the delta parameterization)."""
        t = self._spec.table
        hook = getattr(self._model, "row_values", None)
        if hook is not None:
            return hook(theta, t)
        return np.where(t["free"] > 0, theta[np.maximum(t["free"] - 1, 0)], t["value"].to_numpy(float))

    @cached_property
    def standard_errors(self) -> np.ndarray:
        if self._vcov is None:
            return np.full(len(self._theta), np.nan)
        d = np.diag(self._vcov)
        return np.sqrt(np.where(d > 0, d, np.nan))

    def _defined(self) -> pd.DataFrame:
        defs = self._spec.definitions
        if not defs:
            return pd.DataFrame(columns=["lhs", "op", "rhs", "group", "label", "est", "se"])
        free = self._spec.table["free"].to_numpy()
        fixed = self._spec.table["value"].to_numpy(float)
        values, J = central_jacobian(
            lambda th: self._definition_values(th, np.where(free > 0, th[:, np.maximum(free - 1, 0)], fixed)),
            self._theta)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", J, self._vcov, J), 0, None))
        return pd.DataFrame({"lhs": [d[0] for d in defs], "op": ":=",
                             "rhs": [d[2].replace(" ", "") for d in defs],
                             "group": 0, "label": [d[0] for d in defs], "est": values, "se": se})

    def _definition_values(self, theta, values=None) -> np.ndarray:
        """Defined parameters at ``theta`` (or from per-row ``values``, e.g. standardized).

        ``values`` may be a stack (draws x rows): the expressions are arithmetic
        and take arrays, so every draw is evaluated at once.
        """
        t = self._spec.table
        if values is None:
            free = t["free"].to_numpy()
            values = np.where(free > 0, theta[np.maximum(free - 1, 0)], t["value"].to_numpy(float))
        values = np.asarray(values, float)
        env = {}
        for k, label in enumerate(t["label"]):
            if label and not label.startswith("."):
                env.setdefault(label, values[..., k])
        out = []
        for name, code, _ in self._spec.definitions:
            value = np.asarray(eval(code, {"__builtins__": {}}, env), float) * np.ones(values.shape[:-1])
            env[name] = value
            out.append(value)
        return np.stack(out, axis=-1) if out else np.zeros(values.shape[:-1] + (0,))

    def _finish(self, frame, col) -> pd.DataFrame:
        se = frame["se"].to_numpy(float)
        est = frame[col].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(se > 0, est / se, np.nan)
        frame["z"] = z
        frame["pvalue"] = 2 * special.ndtr(-np.abs(z))
        crit = special.ndtri(0.975)
        frame["ci.lower"] = est - crit * se
        frame["ci.upper"] = est + crit * se
        if len(self._model.groups) > 1:
            frame["group"] = [self._spec.group_labels[g] for g in frame["group"]]
        else:
            frame = frame.drop(columns="group")
        return frame.reset_index(drop=True)

    @cached_property
    def standardized(self) -> pd.DataFrame:
        """std.all with delta-method standard errors (lavaan ``standardizedSolution``).

        The Jacobian is by central differences; for a plain RAM model all ``2q``
        perturbed parameter vectors are evaluated as one stack
        (:mod:`edu40.sem.batchstats`).
        """
        t = self._spec.table
        defs = self._spec.definitions
        with one_blas_thread():
            if type(self._model) is RAMModel:
                values, J = self._std_jacobian_stacked(t, defs)
            else:   # models that compute some matrices themselves (ordered variables): one at a time
                values, J = self._std_jacobian_loop(t, defs)
        if self._vcov is not None:
            var = np.einsum("ij,jk,ik->i", J, self._vcov, J)
            se = np.sqrt(np.clip(var, 0, None))
            se[np.abs(var) < 1e-14] = 0.0
        else:
            se = np.full(len(values), np.nan)
        frame = pd.DataFrame({"lhs": t["lhs"], "op": t["op"], "rhs": t["rhs"], "group": t["group"]})
        if defs:
            frame = pd.concat([frame, pd.DataFrame({
                "lhs": [d[0] for d in defs], "op": ":=", "rhs": [d[2].replace(" ", "") for d in defs],
                "group": 0})], ignore_index=True)
        frame["est.std"] = values
        frame["se"] = se
        return self._finish(frame, "est.std")

    def _std_jacobian_stacked(self, t, defs):
        free = t["free"].to_numpy()
        fixed = t["value"].to_numpy(float)
        bm = BatchModel(self._model)

        def values_at(thetas):
            est = np.where(free > 0, thetas[:, np.maximum(free - 1, 0)], fixed)
            std = standardize_many(bm, thetas, t, est)
            if defs:   # lavaan: a defined parameter of standardized parameters
                std = np.concatenate([std, self._definition_values(thetas, std)], axis=1)
            return std

        return central_jacobian(values_at, self._theta)

    def _std_jacobian_loop(self, t, defs):
        def values_at(theta):
            std = standardize(self._model, theta, t, self._row_values(theta))
            if defs:
                std = np.concatenate([std, self._definition_values(theta, std)])
            return std

        values = values_at(self._theta)
        J = np.zeros((len(values), len(self._theta)))
        free = t["free"].to_numpy()
        is_threshold = (t["op"] == "|").to_numpy()
        for k in range(len(self._theta)):
            rows = np.flatnonzero(free == k + 1)
            if not defs and len(rows) and is_threshold[rows].all():
                # a threshold moves only its own std.all value, τ / sd(u*): d/dτ = 1 / sd = std / τ
                est = self._theta[k]
                if est != 0:
                    J[rows, k] = values[rows] / est
                    continue
            h = 1e-6 * max(1.0, abs(self._theta[k]))
            e = np.zeros(len(self._theta))
            e[k] = h
            J[:, k] = (values_at(self._theta + e) - values_at(self._theta - e)) / (2 * h)
        return values, J

    @cached_property
    def r2(self) -> pd.Series:
        """R² of the endogenous variables (indicators and outcomes)."""
        if len(self._model.groups) == 1:
            return pd.Series(r_squared(self._model, self._theta, 0), name="r2", dtype=float)
        parts = {self._spec.group_labels[g]: pd.Series(r_squared(self._model, self._theta, g))
                 for g in range(len(self._model.groups))}
        return pd.concat(parts, names=["group", "variable"]).rename("r2")

    # -- residuals and modification indices -----------------------------------------
    def implied(self, group=0) -> dict:
        """Model-implied covariance matrix (and means) of the observed variables."""
        m = self._moments["groups"][group]
        ov = self._spec.ov
        out = {"cov": pd.DataFrame(m["sigma"], index=ov, columns=ov)}
        if self._model.meanstructure:
            out["mean"] = pd.Series(m["mu"], index=ov)
        return out

    def residuals(self, kind: str = "raw", group=0) -> pd.DataFrame:
        """Residual matrix: ``"raw"`` (S - Sigma), ``"cor"`` (Bollen: cor(S) - cor(Sigma)) or
        ``"standardized"`` (raw / its standard error, lavaan ``type="standardized"``)."""
        m = self._moments["groups"][group]
        ov = self._spec.ov
        S, sigma = m["S"], m["sigma"]
        if kind == "raw":
            R = S - sigma
        elif kind == "cor":
            ds, dm = np.sqrt(np.diag(S)), np.sqrt(np.diag(sigma))
            R = S / np.outer(ds, ds) - sigma / np.outer(dm, dm)
        elif kind == "standardized":
            self._require_ml("standardized residuals")
            R = self._standardized_residuals(group)
        else:
            raise ValueError(f"kind must be 'raw', 'cor' or 'standardized', not {kind!r}")
        return pd.DataFrame(R, index=ov, columns=ov)

    def _standardized_residuals(self, group):
        """Residuals over their standard errors, as lavaan ``resid(fit, "standardized")``.

        acov(e) = Q Gamma_S Q' / n with Gamma_S the normal-theory covariance of
        vech(S) computed from S (``h1.acov = "unstructured"``), Q = I - w Delta I^-1
        Delta' A1, I the unit expected information and A1 = 1/2 D'(W x W)D at
        the implied Sigma (Ogasawara, 2001; lavaan's ``lav_residuals_acov``).
        """
        m = self._moments["groups"][group]
        S, sigma, n = m["S"], m["sigma"], m["n"]
        J, _, (rows, cols) = moment_jacobian(self._model, self._theta, group)
        W = np.linalg.inv(sigma)

        def pairs(M):   # M_ik M_jl + M_il M_jk over all pairs of vech elements
            return (M[np.ix_(rows, rows)] * M[np.ix_(cols, cols)]
                    + M[np.ix_(rows, cols)] * M[np.ix_(cols, rows)])

        gamma = pairs(S)
        A1 = vech_weight(W, rows, cols)
        if self._spec.table["exo"].any():
            # fixed.x: moments among the covariates carry no information (lavaan zeroes them),
            # and their sampling covariance comes from the generalized inverse of that weight
            x = np.isin(np.array(self._spec.ov), self._spec.roles["ov.x"])
            keep = np.outer(~(x[rows] & x[cols]), ~(x[rows] & x[cols]))
            A1 = A1 * keep
            gamma = np.linalg.pinv(vech_weight(np.linalg.inv(S), rows, cols) * keep)
        info = self._model.expected_information(self._theta)
        w = self._model.weights[group]
        Q = np.eye(len(rows)) - w * J @ np.linalg.pinv(info) @ J.T @ A1
        var = np.diag(Q @ gamma @ Q.T) / n
        e = (S - sigma)[rows, cols]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(var > 1e-12, e / np.sqrt(np.abs(var)), np.where(np.abs(e) < 1e-6, 0.0, np.nan))
        p = len(S)
        R = np.full((p, p), np.nan)
        R[rows, cols] = z
        R[cols, rows] = z
        return R

    def modification_indices(self, *, sort: bool = True, minimum: float = 0.0) -> pd.DataFrame:
        """Modification indices with EPC and standardized EPC (lavaan ``modindices``).

        With ordered indicators (WLSMV, DWLS, ULS ...) the score test uses the
        least-squares discrepancy and its expected information, as lavaan does
        (:mod:`edu40.sem.modindices_wls`).
        """
        if getattr(self._prep, "stats", None) is not None:
            from .modindices_wls import wls_modification_indices

            return wls_modification_indices(self, sort=sort, minimum=minimum)
        return modification_indices(self, sort=sort, minimum=minimum)

    def _require_ml(self, what: str) -> None:
        if getattr(self._spec, "ordered", ()):
            raise NotImplementedError(
                f"{what} are computed for maximum-likelihood fits; this model has ordered indicators "
                f"({self.estimator}). Fit it by ML (edu40.fit(model, data)) to screen for "
                f"modifications, then confirm the final model with {self.estimator}")

    # -- bootstrap -------------------------------------------------------------------
    def bootstrap(self, n: int = 1000, *, ci: str = "percentile", level: float = 0.95, seed=None,
                  n_jobs: int = -1, backend=None, client=None, progress: bool = True,
                  bollen_stine=None, standardized: bool = True, r2: bool = True,
                  fit_measures=True):
        """Bootstrap SEs and CIs of estimates, defined effects, std.all, R² and fit indices,
        with the Bollen–Stine p-value; parallel (joblib) or on Dask.  See :func:`edu40.sem.bootstrap.bootstrap`.

        Fits with ordered indicators (WLSMV, DWLS, ULSMV ...) are bootstrapped as lavaan's
        ``se = "bootstrap"``: each draw recomputes thresholds, polychoric correlations and
        weights and refits (:mod:`edu40.sem.bootstrap_ordinal`); no Bollen–Stine p for them.

        Examples
        --------
        >>> import edu40
        >>> from semopy.examples import holzinger39
        >>> res = edu40.fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9",
        ...                 holzinger39.get_data())
        >>> boot = res.bootstrap(100, seed=1, n_jobs=1, progress=False)
        >>> boot.n_ok
        100
        """
        # The bootstrap is a later pipeline stage (edu40.sem.bootstrap); imported on use.
        from .bootstrap import bootstrap
        return bootstrap(self, n, ci=ci, level=level, seed=seed, n_jobs=n_jobs, backend=backend,
                         client=client, progress=progress, bollen_stine=bollen_stine,
                         standardized=standardized, r2=r2, fit_measures=fit_measures)

    def to_semopy(self):
        """This model as a ``semopy.Model`` with its parameters at these estimates (single group, no means).

        See :func:`edu40.sem.semopy_engine.to_semopy`.
        """
        from .semopy_engine import to_semopy
        return to_semopy(self)

    # -- validity --------------------------------------------------------------------
    def reliability(self, group=0) -> pd.DataFrame:
        """CR (Fornell-Larcker), omega (semTools ``compRelSEM``), AVE, sqrt(AVE), the largest
        factor correlation and the Fornell-Larcker verdict (:func:`edu40.sem.validity.reliability_table`)."""
        return reliability_table(self, group)

    def htmt(self, kind: str = "htmt", group=0) -> pd.DataFrame:
        """Heterotrait-monotrait ratios among factors (``kind="htmt2"``: geometric-mean version)."""
        if kind not in ("htmt", "htmt2"):
            raise ValueError("kind must be 'htmt' (Henseler et al., 2015) or 'htmt2' (Roemer et al., 2021)")
        t = self._spec.table
        t = t[(t["op"] == "=~") & (t["group"] == group) & t["rhs"].isin(self._spec.ov)]
        factors = {f: list(t.loc[t["lhs"] == f, "rhs"]) for f in self._spec.lv if (t["lhs"] == f).any()}
        g = self._prep.groups[group]
        if g.raw is not None:
            data = pd.DataFrame(g.raw, columns=self._spec.ov)
            return htmt_matrix(data, factors, kind=kind)
        cov = pd.DataFrame(g.cov, index=self._spec.ov, columns=self._spec.ov)
        return htmt_matrix(cov, factors, kind=kind, is_cov=True)

    def fit_table(self, criteria="hu-bentler-1999", lang=None) -> pd.DataFrame:
        """Each index, its value, the criterion and pass/fail (ผ่าน/ไม่ผ่าน)."""
        return fit_table(self.fit_indices, criteria, lang, estimator=self.estimator)

    @cached_property
    def warnings(self) -> tuple:
        from .diagnostics import diagnose
        return diagnose(self)

    # -- display ----------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates (unstandardized, with std.all alongside)."""
        est = self.estimates.copy()
        std = self.standardized
        keys = ["lhs", "op", "rhs"] + (["group"] if "group" in std.columns else [])
        return est.merge(std[keys + ["est.std"]], on=keys, how="left")

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        th = lang == "th"
        fi = self.fit_indices
        lines = []
        if self.warnings:
            lines.append("คำเตือน:" if th else "Warnings:")
            lines += [f"  ! {w.text(lang)}" for w in self.warnings]
        p, m = len(self._spec.ov), len(self._spec.lv)
        if th:
            lines.append(f"แบบจำลอง: ตัวแปรสังเกตได้ {p} ตัว, ตัวแปรแฝง {m} ตัว; N = {int(fi['nobs'])}; "
                         f"{self.estimator} ({self._method_text(lang)}); "
                         + ("ลู่เข้า" if self.converged else "ไม่ลู่เข้า") + f" (ทำซ้ำ {self.iterations} รอบ)")
        else:
            lines.append(f"Model: {p} observed, {m} latent variables; N = {int(fi['nobs'])}; "
                         f"{self.estimator} ({self._method_text(lang)}); "
                         + ("converged" if self.converged else "NOT converged") + f" in {self.iterations} iterations")
        lines.append(f"chisq = {fi['chisq']:.3f}, df = {int(fi['df'])}, {_p(fi['pvalue'])}, "
                     f"CMIN/DF = {fi['cmin/df']:.3f}")
        lines.append(f"CFI = {fi['cfi']:.3f}, TLI = {fi['tli']:.3f}, NFI = {fi['nfi']:.3f}, "
                     f"GFI = {fi['gfi']:.3f}, AGFI = {fi['agfi']:.3f}")
        lines.append(f"RMSEA = {fi['rmsea']:.3f} [{fi['rmsea.ci.lower']:.3f}, {fi['rmsea.ci.upper']:.3f}], "
                     f"PCLOSE = {fi['rmsea.pvalue']:.3f}, SRMR = {fi['srmr']:.3f}, RMR = {fi['rmr']:.3f}")
        if self.scaled:
            lines.append(("ปรับแก้: " if th else "scaled: ") +
                         f"chisq = {fi['chisq.scaled']:.3f}, df = {fi['df.scaled']:.4g}, "
                         f"{_p(fi['pvalue.scaled'])}, scaling factor = {fi['chisq.scaling.factor']:.3f}; "
                         f"CFI = {fi['cfi.scaled']:.3f}, TLI = {fi['tli.scaled']:.3f}, RMSEA = {fi['rmsea.scaled']:.3f}")
            lines.append(("โรบัสต์: " if th else "robust: ") +
                         f"CFI = {fi['cfi.robust']:.3f}, TLI = {fi['tli.robust']:.3f}, "
                         f"RMSEA = {fi['rmsea.robust']:.3f} [{fi['rmsea.ci.lower.robust']:.3f}, "
                         f"{fi['rmsea.ci.upper.robust']:.3f}]")
        std = self.standardized
        loads = std[std["op"] == "=~"]
        if len(loads):
            lines.append("น้ำหนักองค์ประกอบมาตรฐาน (std.all):" if th else "Standardized loadings (std.all):")
            for f, grp in loads.groupby("lhs", sort=False):
                vals = ", ".join(f"{r}={v:.3f}" for r, v in zip(grp["rhs"], grp["est.std"]))
                lines.append(f"  {f}: {vals}")
        paths = std[std["op"] == "~"]
        if len(paths):
            lines.append("อิทธิพล (std.all):" if th else "Paths (std.all):")
            for lhs, rhs, v, pv in zip(paths["lhs"], paths["rhs"], paths["est.std"], paths["pvalue"]):
                lines.append(f"  {lhs} <- {rhs}: {v:.3f} ({_p(pv)})")
        endo = [v for v in self._spec.lv if v in self.r2.index] + \
               [v for v in self._spec.roles["ov.y"] if v in self.r2.index]
        if endo and len(self._model.groups) == 1:
            lines.append("R2: " + ", ".join(f"{v} = {self.r2[v]:.3f}" for v in endo))
        return "\n".join(lines)

    def _method_text(self, lang: str = "en") -> str:
        ordered = getattr(self._spec, "ordered", ())
        if ordered and lang == "th":
            return (f"ตัวแปรเรียงลำดับ {len(ordered)} จาก {len(self._spec.ov)} ตัว: ค่าขีดแบ่ง (thresholds) "
                    f"และสหสัมพันธ์โพลีคอริก, delta parameterization")
        if ordered:
            return (f"{len(ordered)} of {len(self._spec.ov)} variables ordered: thresholds and "
                    f"polychoric correlations, delta parameterization")
        if lang == "th":
            return ("ปกติ" if self.likelihood == "normal" else self.likelihood) + (", FIML" if self.missing == "fiml" else "")
        return self.likelihood + (", FIML" if self.missing == "fiml" else "")

    def __repr__(self) -> str:
        fi = self.fit_indices
        return (f"SEMResult(N={int(fi['nobs'])}, chisq={fi['chisq']:.2f}, df={int(fi['df'])}, "
                f"cfi={fi['cfi']:.3f}, rmsea={fi['rmsea']:.3f}, srmr={fi['srmr']:.3f}, "
                f"warnings={len(self.warnings)})")

    def _repr_html_(self) -> str:
        from ..core.render import html_fragment
        return html_fragment(self.report_blocks(figures=False))

    # -- report ---------------------------------------------------------------------
    def report_blocks(self, lang: str | None = None, *, criteria="hu-bentler-1999", instrument=None,
                      figures: bool = True) -> list:
        """Warnings and the fit verdict first, then fit, loadings, paths, R², validity and the diagram.

        ``criteria``: a name of :data:`edu40.sem.CRITERIA` or a dict (see
        :meth:`fit_table`); ``instrument``: factor labels for the validity
        table and the diagram's legend; ``figures=False`` leaves the path
        diagram out.
        """
        lang = check_language(lang)
        std = self.standardized
        structural = bool((std["op"] == "~").any())
        title = (pick("แบบจำลองสมการโครงสร้าง (SEM)", "Structural equation model (SEM)", lang) if structural
                 else pick("การวิเคราะห์องค์ประกอบเชิงยืนยัน (CFA)", "Confirmatory factor analysis (CFA)", lang))
        blocks = [heading(title)]
        blocks += [warning(w.text(lang)) for w in self.warnings]
        fi = self.fit_indices
        ft = self.fit_table(criteria, lang)
        n_pass, n_all = int(ft["passed"].sum()), len(ft)
        name = criteria if isinstance(criteria, str) else pick("ของผู้ใช้", "user-defined", lang)
        chisq_key = "chisq.scaled" if self.scaled else "chisq"
        df_value = float(fi["df.scaled"] if self.scaled else fi["df"])
        p = float(fi["pvalue.scaled" if self.scaled else "pvalue"])
        ptxt = "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
        df_txt = f"{df_value:.0f}" if float(df_value).is_integer() else f"{df_value:.2f}"
        ratio = fi[chisq_key] / df_value if df_value > 0 else np.nan
        chi_name = pick("χ² ปรับแก้", "scaled χ²", lang) if self.scaled else "χ²"
        blocks.append(text(pick(
            f"ผ่านเกณฑ์ {n_pass} จาก {n_all} ดัชนี (เกณฑ์ {name}); {chi_name} = {fi[chisq_key]:.2f}, df = {df_txt}, "
            f"{ptxt}, χ²/df = {ratio:.2f}; N = {int(fi['nobs'])}; "
            f"ประมาณค่าด้วย {self.estimator}" + (", FIML" if self.missing == "fiml" else "")
            + ("" if self.converged else "; การประมาณค่าไม่ลู่เข้า"),
            f"Fit: {n_pass} of {n_all} criteria met ({name}); {chi_name} = {fi[chisq_key]:.2f}, df = {df_txt}, "
            f"{ptxt}, χ²/df = {ratio:.2f}; N = {int(fi['nobs'])}; "
            f"{self.estimator} estimation" + (" with FIML" if self.missing == "fiml" else "")
            + ("" if self.converged else "; NOT converged"), lang)))
        shown = ft.drop(columns=["key", "passed", "index_used"])
        if lang == "en":
            shown = shown.rename(columns={"index": "Index", "value": "Value", "criterion": "Criterion",
                                          "result": "Result", "source": "Source", "chisq": "Chi-square"})
        blocks.append(table(shown, pick("ดัชนีความสอดคล้องกลมกลืนของแบบจำลอง", "Model fit indices and criteria",
                                        lang)))
        blocks += estimate_blocks(self, lang)
        blocks += validity_blocks(self, lang, instrument)
        if figures and len(self._model.groups) >= 1:
            labels = None
            if instrument is not None:
                labels = {f: instrument.label(f, lang) for f in self._spec.lv if f in instrument.factor_codes}

            def draw():
                from .diagram import path_diagram
                return path_diagram(self, lang=lang, labels=labels)
            blocks.append(figure(draw, pick("แผนภาพเส้นทางของแบบจำลอง (ค่ามาตรฐาน)",
                                            "Path diagram (standardized estimates)", lang)))
        return blocks


def _p(p) -> str:
    """A p-value as reports print it: "p < .001" rather than "p = 0.000"."""
    return "p < .001" if p < 0.001 else f"p = {p:.3f}"
