"""SEMResult: a fitted model, its fit indices, estimates and evidence, shown well."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from .._i18n import check_language
from .criteria import fit_table
from .modindices import modification_indices
from .standardize import moment_jacobian, r_squared, standardize
from .validity import htmt_matrix, reliability_table

__all__ = ["SEMResult"]


@dataclass(frozen=True, eq=False)
class SEMResult:
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
    _spec: object = field(default=None, repr=False)
    _model: object = field(default=None, repr=False)
    _theta: np.ndarray = field(default=None, repr=False)
    _vcov: np.ndarray = field(default=None, repr=False)
    _moments: dict = field(default=None, repr=False)
    _prep: object = field(default=None, repr=False)
    _singular_information: tuple = ()

    # -- parameter tables ---------------------------------------------------------
    @cached_property
    def estimates(self) -> pd.DataFrame:
        t = self._spec.table
        theta, se_all = self._theta, self.standard_errors
        est = np.where(t["free"] > 0, theta[np.maximum(t["free"] - 1, 0)], t["value"])
        se = np.where(t["free"] > 0, se_all[np.maximum(t["free"] - 1, 0)], 0.0)
        frame = pd.DataFrame({"lhs": t["lhs"], "op": t["op"], "rhs": t["rhs"], "group": t["group"],
                              "label": t["label"].where(~t["label"].str.startswith("."), ""),
                              "est": est, "se": se})
        if self._spec.definitions:
            frame = pd.concat([frame, self._defined()], ignore_index=True)
        return self._finish(frame, "est")

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
        values = self._definition_values(self._theta)
        J = np.zeros((len(defs), len(self._theta)))
        for k in range(len(self._theta)):
            h = 1e-6 * max(1.0, abs(self._theta[k]))
            e = np.zeros(len(self._theta))
            e[k] = h
            J[:, k] = (self._definition_values(self._theta + e) - self._definition_values(self._theta - e)) / (2 * h)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", J, self._vcov, J), 0, None))
        return pd.DataFrame({"lhs": [d[0] for d in defs], "op": ":=",
                             "rhs": [d[2].replace(" ", "") for d in defs],
                             "group": 0, "label": [d[0] for d in defs], "est": values, "se": se})

    def _definition_values(self, theta, values=None) -> np.ndarray:
        """Defined parameters at ``theta`` (or from per-row ``values``, e.g. standardized)."""
        t = self._spec.table
        env = {}
        for k, row in enumerate(t.itertuples()):
            if row.label and not row.label.startswith("."):
                if values is not None:
                    env.setdefault(row.label, values[k])
                else:
                    env.setdefault(row.label, theta[row.free - 1] if row.free > 0 else row.value)
        out = []
        for name, code, _ in self._spec.definitions:
            value = float(eval(code, {"__builtins__": {}}, env))  # AST checked in spec
            env[name] = value
            out.append(value)
        return np.array(out)

    def _finish(self, frame, col) -> pd.DataFrame:
        se = frame["se"].to_numpy(float)
        est = frame[col].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(se > 0, est / se, np.nan)
        frame["z"] = z
        frame["pvalue"] = 2 * stats.norm.sf(np.abs(z))
        crit = stats.norm.ppf(0.975)
        frame["ci.lower"] = est - crit * se
        frame["ci.upper"] = est + crit * se
        if len(self._model.groups) > 1:
            frame["group"] = [self._spec.group_labels[g] for g in frame["group"]]
        else:
            frame = frame.drop(columns="group")
        return frame.reset_index(drop=True)

    @cached_property
    def standardized(self) -> pd.DataFrame:
        """std.all with delta-method standard errors (lavaan ``standardizedSolution``)."""
        t = self._spec.table
        free = t["free"].to_numpy()
        fixed = t["value"].to_numpy()

        defs = self._spec.definitions

        def values_at(theta):
            est = np.where(free > 0, theta[np.maximum(free - 1, 0)], fixed)
            std = standardize(self._model, theta, t, est)
            if defs:   # lavaan: a defined parameter of standardized parameters
                std = np.concatenate([std, self._definition_values(theta, std)])
            return std

        values = values_at(self._theta)
        J = np.zeros((len(values), len(self._theta)))
        for k in range(len(self._theta)):
            h = 1e-6 * max(1.0, abs(self._theta[k]))
            e = np.zeros(len(self._theta))
            e[k] = h
            J[:, k] = (values_at(self._theta + e) - values_at(self._theta - e)) / (2 * h)
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
        A1 = self._vech_information(W, rows, cols)
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

    @staticmethod
    def _vech_information(W, rows, cols):
        """1/2 D'(W x W) D for vech elements (rows, cols), D the duplication matrix."""
        p = len(W)
        k = len(rows)
        D = np.zeros((p * p, k))
        D[rows * p + cols, np.arange(k)] = 1.0
        D[cols * p + rows, np.arange(k)] = 1.0
        return 0.5 * D.T @ np.kron(W, W) @ D

    def modification_indices(self, *, sort: bool = True, minimum: float = 0.0) -> pd.DataFrame:
        """Modification indices with EPC and standardized EPC (lavaan ``modindices``)."""
        return modification_indices(self, sort=sort, minimum=minimum)

    # -- bootstrap -------------------------------------------------------------------
    def bootstrap(self, n: int = 1000, *, ci: str = "percentile", level: float = 0.95, seed=None,
                  n_jobs: int = -1, backend=None, client=None, progress: bool = True,
                  bollen_stine=None, standardized: bool = True, r2: bool = True,
                  fit_measures=True):
        """Bootstrap SEs and CIs of estimates, defined effects, std.all, R² and fit indices,
        with the Bollen–Stine p-value; parallel (joblib) or on Dask.  See :func:`edu40.bootstrap.bootstrap`.

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
        # The bootstrap is a later pipeline stage (edu40.bootstrap); imported on use.
        from ..bootstrap import bootstrap
        return bootstrap(self, n, ci=ci, level=level, seed=seed, n_jobs=n_jobs, backend=backend,
                         client=client, progress=progress, bollen_stine=bollen_stine,
                         standardized=standardized, r2=r2, fit_measures=fit_measures)

    # -- validity --------------------------------------------------------------------
    def reliability(self, group=0) -> pd.DataFrame:
        """CR, AVE, sqrt(AVE), the largest factor correlation and the Fornell-Larcker verdict."""
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
        return fit_table(self.fit_indices, criteria, lang)

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
            lines += [f"  ! {w}" for w in self.warnings]
        lines.append(("แบบจำลอง" if th else "Model") +
                     f": {len(self._spec.ov)} observed, {len(self._spec.lv)} latent variables; "
                     f"N = {int(fi['nobs'])}; {self.estimator} ({self.likelihood}"
                     f"{', FIML' if self.missing == 'fiml' else ''}); "
                     + ("converged" if self.converged else "NOT converged") + f" in {self.iterations} iterations")
        lines.append(f"chisq = {fi['chisq']:.3f}, df = {int(fi['df'])}, p = {fi['pvalue']:.3f}, "
                     f"CMIN/DF = {fi['cmin/df']:.3f}")
        lines.append(f"CFI = {fi['cfi']:.3f}, TLI = {fi['tli']:.3f}, NFI = {fi['nfi']:.3f}, "
                     f"GFI = {fi['gfi']:.3f}, AGFI = {fi['agfi']:.3f}")
        lines.append(f"RMSEA = {fi['rmsea']:.3f} [{fi['rmsea.ci.lower']:.3f}, {fi['rmsea.ci.upper']:.3f}], "
                     f"PCLOSE = {fi['rmsea.pvalue']:.3f}, SRMR = {fi['srmr']:.3f}, RMR = {fi['rmr']:.3f}")
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
            for r in paths.itertuples(index=False):
                lines.append(f"  {r.lhs} <- {r.rhs}: {r[4]:.3f} (p = {r.pvalue:.3f})")
        endo = [v for v in self._spec.lv if v in self.r2.index] + \
               [v for v in self._spec.roles["ov.y"] if v in self.r2.index]
        if endo and len(self._model.groups) == 1:
            lines.append("R2: " + ", ".join(f"{v} = {self.r2[v]:.3f}" for v in endo))
        return "\n".join(lines)

    def __repr__(self) -> str:
        fi = self.fit_indices
        return (f"SEMResult(N={int(fi['nobs'])}, chisq={fi['chisq']:.2f}, df={int(fi['df'])}, "
                f"cfi={fi['cfi']:.3f}, rmsea={fi['rmsea']:.3f}, srmr={fi['srmr']:.3f}, "
                f"warnings={len(self.warnings)})")

    def _repr_html_(self) -> str:
        parts = []
        if self.warnings:
            items = "".join(f"<li>{html.escape(str(w))}</li>" for w in self.warnings)
            parts.append(f"<div style='color:#a00'><b>Warnings</b><ul>{items}</ul></div>")
        parts.append("<b>Fit</b>" + self.fit_table().to_html(index=False, float_format="%.3f"))
        std = self.standardized
        loads = std[std["op"] == "=~"]
        if len(loads):
            parts.append("<b>Standardized loadings</b>"
                         + loads.pivot_table(index="rhs", columns="lhs", values="est.std", sort=False)
                         .to_html(float_format="%.3f", na_rep=""))
        paths = std[std["op"] == "~"]
        if len(paths):
            parts.append("<b>Paths</b>" + paths[["lhs", "op", "rhs", "est.std", "pvalue"]]
                         .to_html(index=False, float_format="%.3f"))
        if len(self._model.groups) == 1 and len(self.r2):
            parts.append("<b>R²</b>" + self.r2.to_frame().T.to_html(float_format="%.3f"))
        return "".join(parts)
