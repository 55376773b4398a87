"""Measurement invariance across groups: configural, metric, scalar, strict.

Each step adds equality constraints across groups (lavaan ``group.equal``):

============  ==========================================  ======================
configural    same pattern, nothing equal                  ``group.equal = c()``
metric        equal loadings                               ``"loadings"``
scalar        + equal intercepts (latent means free)       ``+ "intercepts"``
strict        + equal residual variances                   ``+ "residuals"``
============  ==========================================  ======================

Each step is compared with the previous one by the chi-square difference
test (nested models, ML) and by the change in CFI, RMSEA and SRMR, judged
with Chen (2007): metric holds if ΔCFI >= -.010, ΔRMSEA <= .015 and
ΔSRMR <= .030; scalar and strict if ΔCFI >= -.010, ΔRMSEA <= .015 and
ΔSRMR <= .010 — or with Cheung & Rensvold (2002): ΔCFI >= -.01 alone.
chisq and df at each step equal lavaan's ``cfa(model, data, group=,
group.equal=)``.

Robust estimators: with MLM / MLR the chi-square difference is the scaled
difference of Satorra & Bentler (2001), Δ = (T₀ - T₁)/c_d with
c_d = (df₀c₀ - df₁c₁)/(df₀ - df₁), and CFI / RMSEA are the robust ones; with
ordered items (WLSMV ...) the steps are those of
:mod:`edu40.studies.ordinal_invariance` (thresholds instead of intercepts),
judged by the changes in the scaled CFI and RMSEA (the robust ones are not
defined once thresholds are held equal), and the difference test is the
scaled-and-shifted one of Satorra (2000). Each test is lavaan's
``lavTestLRT`` default; :func:`edu40.sem.compare.chisq_difference` gives the
formulas.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.blocks import heading, table, text
from ..core.reportable import Reportable
from ..core.i18n import check_language
from ..sem import SEMDataError, estimator_options, fit, parse_model
from ..sem.compare import difference_method, difference_test
from .ordinal_invariance import ORDINAL_STEPS, step_syntax

__all__ = ["invariance", "InvarianceResult", "STEPS"]

STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}
_STEP_TH = {"configural": "รูปแบบ (configural)", "metric": "น้ำหนักองค์ประกอบ (metric)",
            "scalar": "จุดตัด (scalar)", "strict": "ความคลาดเคลื่อน (strict)"}
CRITERIA = ("chen-2007", "cheung-rensvold-2002")


@dataclass(frozen=True, eq=False)
class InvarianceResult(Reportable):
    """Fit of each invariance step, the comparisons and the level reached.

    Attributes
    ----------
    table : DataFrame
        step, npar, chisq, df, pvalue, cfi, rmsea, srmr, delta_chisq, delta_df,
        delta_pvalue, delta_cfi, delta_rmsea, delta_srmr, holds.
    fits : dict
        The :class:`~edu40.SEMResult` of each step.
    level : str
        The highest step that holds with all steps before it ("none" if even
        configural fails to converge).
    group_sizes : Series
    """

    table: pd.DataFrame = field(repr=False)
    fits: dict = field(repr=False)
    level: str = "configural"
    group: str = ""
    group_sizes: pd.Series = field(default=None, repr=False)
    criteria: str = "chen-2007"
    estimator: str = "ML"
    fit_basis: str = "cfi, rmsea"       # the lavaan names of the CFI and RMSEA compared

    def to_frame(self, lang=None) -> pd.DataFrame:
        lang = check_language(lang)
        out = self.table.copy()
        if lang == "th":
            out["step"] = out["step"].map(_STEP_TH)
            out["holds"] = out["holds"].map({True: "ผ่าน", False: "ไม่ผ่าน", None: ""})
            out = out.rename(columns={"step": "ขั้น", "holds": "ผลการพิจารณา"})
        return out

    def summary(self, lang=None) -> str:
        lang = check_language(lang)
        th = lang == "th"
        sizes = ", ".join(f"{k}: {v}" for k, v in self.group_sizes.items())
        head = (f"ความไม่แปรเปลี่ยนของการวัดระหว่างกลุ่ม {self.group} ({sizes}) — ผ่านถึงขั้น "
                f"{_STEP_TH.get(self.level, self.level)}" if th else
                f"Measurement invariance across {self.group} ({sizes}): holds up to the "
                f"{self.level} level ({_CRITERIA_NAME.get(self.criteria, self.criteria)})")
        cols = ["step", "chisq", "df", "cfi", "rmsea", "srmr", "delta_chisq", "delta_df", "delta_pvalue",
                "delta_cfi", "delta_rmsea", "holds"]
        if "chisq.scaled" in self.table:     # the chi-square a robust fit reports, beside the one tested
            cols.insert(2, "chisq.scaled")
        if self.estimator != "ML":
            test = _DIFFERENCE_TEST[difference_method(self.estimator)][th]
            head += (f"; {self.estimator}: เปรียบเทียบ {self.fit_basis}, Δχ² {test}" if th else
                     f"; {self.estimator}: compared by {self.fit_basis}, Δχ² {test}")
        return head + "\n" + self.table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}")

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang=None):
        lang = check_language(lang)
        th = lang == "th"
        return [heading("ความไม่แปรเปลี่ยนของการวัด" if th else "Measurement invariance"),
                text(self.summary(lang).splitlines()[0]),
                table(self.to_frame(lang), "ผลการทดสอบแต่ละขั้น" if th else "Invariance steps",
                      note="Chen (2007)" if self.criteria == "chen-2007" else "Cheung & Rensvold (2002)")]

    def _repr_html_(self) -> str:
        return (f"<b>{html.escape(self.summary().splitlines()[0])}</b>"
                + self.table.to_html(index=False, float_format="%.3f"))


_CRITERIA_NAME = {"chen-2007": "Chen, 2007", "cheung-rensvold-2002": "Cheung & Rensvold, 2002"}
_DIFFERENCE_TEST = {
    "standard": ("unscaled", "ไม่ปรับแก้"),
    "satorra.bentler.2001": ("scaled (Satorra & Bentler, 2001)", "ปรับแก้ (Satorra & Bentler, 2001)"),
    "satorra.2000": ("scaled and shifted (Satorra, 2000)", "ปรับแก้และเลื่อน (Satorra, 2000)"),
}


def _holds(step, dcfi, drmsea, dsrmr, criteria):
    if criteria == "cheung-rensvold-2002":
        return bool(dcfi >= -0.01 - 1e-12)
    srmr_limit = 0.030 if step == "metric" else 0.010
    return bool(dcfi >= -0.010 - 1e-12 and drmsea <= 0.015 + 1e-12 and dsrmr <= srmr_limit + 1e-12)


def invariance(model: str, data, group: str, *, steps=("configural", "metric", "scalar"),
               strict: bool = False, group_partial=(), criteria: str = "chen-2007",
               missing: str = "listwise", min_group_size: int | None = None,
               estimator: str = "ML", parameterization: str = "delta") -> InvarianceResult:
    """Test configural, metric, scalar (and optionally strict) invariance across groups.

    Parameters
    ----------
    model : str
        lavaan syntax of the measurement model (e.g. ``edu40.EM40.model(structural=False)``).
    data : DataFrame or Survey
    group : str
        Grouping column (e.g. ``"role"``, ``"region"``).
    steps : sequence of str
        Steps to fit, in order; ``strict=True`` adds ``"strict"``.
    group_partial : sequence of str
        Parameters freed in every step, e.g. ``["ACL =~ ACL3", "ACL3 ~1"]``
        (partial invariance).
    criteria : {"chen-2007", "cheung-rensvold-2002"}
    missing : {"listwise", "fiml", "pairwise"}
        Missing answers: listwise deletion (default), FIML (ML, MLR), or with
        ordered items ``"pairwise"`` (see :func:`edu40.fit`).
    min_group_size : int, optional
        Smallest group allowed; default: more rows than observed variables
        (otherwise a group's covariance matrix is singular).
    estimator : str
        ``"ML"`` (default), ``"MLM"``/``"MLR"`` (scaled difference test, robust
        CFI/RMSEA), or ``"WLSMV"`` ... for ordered items: steps configural,
        metric (thresholds and loadings equal), scalar (+ intercepts), as
        semTools' ``measEq.syntax`` writes them (Wu & Estabrook, 2016).
    parameterization : {"delta", "theta"}
        With ordered items: lavaan's parameterization of the latent responses.
        ``"theta"`` allows ``strict=True`` (equal residual variances).

    Returns
    -------
    InvarianceResult

    Examples
    --------
    >>> import edu40
    >>> from semopy.examples import holzinger39
    >>> hs = holzinger39.get_data()
    >>> m = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> inv = edu40.invariance(m, hs, "school")
    >>> inv.table[["step", "df"]].values.tolist()
    [['configural', 48], ['metric', 54], ['scalar', 60]]
    """
    if criteria not in CRITERIA:
        raise ValueError(f"criteria must be one of {CRITERIA}, not {criteria!r}")
    options = estimator_options(estimator)
    estimator = options["estimator"]
    ordinal = "ordered" in options
    steps = list(steps) + (["strict"] if strict and "strict" not in steps else [])
    allowed = ORDINAL_STEPS if ordinal else STEPS
    bad = [s for s in steps if s not in allowed]
    if bad:
        raise ValueError(f"unknown step(s) {bad} for estimator {estimator}; choose from {list(allowed)}")
    if ordinal and "strict" in steps and parameterization != "theta":
        raise ValueError("strict invariance of ordered items holds the residual variances of the latent "
                         "responses equal; they are parameters only in the theta parameterization: "
                         "use parameterization='theta'")
    if ordinal and (missing not in ("listwise", "pairwise") or group_partial):
        raise ValueError("with ordered items invariance deletes missing answers listwise or pairwise "
                         "(missing='pairwise') and takes no group_partial")
    frame = data.data if hasattr(data, "data") and hasattr(data, "instrument") else data
    parsed = parse_model(model)
    observed = [v for v in dict.fromkeys(t.rhs for t in parsed.terms if t.op == "=~") if v in frame.columns]
    if group not in frame.columns:
        import difflib

        others = [str(c) for c in frame.columns if c not in observed]   # the candidate group columns
        close = difflib.get_close_matches(str(group), others, n=1)
        raise SEMDataError(f"group column {group!r} is not in the data"
                           + (f"; did you mean {close[0]!r}?" if close else "")
                           + f" Columns that are not indicators of the model: {others[:20]}")
    usable = frame[observed + [group]].dropna() if missing == "listwise" else frame[frame[group].notna()]
    sizes = usable[group].value_counts(sort=False)
    sizes = sizes.reindex(list(dict.fromkeys(usable[group]))).astype(int)
    minimum = min_group_size or len(observed) + 1
    small = sizes[sizes < minimum]
    if len(small):
        detail = ", ".join(f"{k!r} has {v} usable row(s)" for k, v in small.items())
        raise SEMDataError(
            f"group(s) too small for the model: {detail}; each group needs at least {minimum} rows "
            f"(more than the {len(observed)} observed variables; 100 or more is advisable). Merge small "
            f"groups (e.g. recode the column) or test invariance on a coarser grouping.")
    fits, rows = {}, []
    prev = None
    basis = {"cfi": "cfi", "rmsea": "rmsea"}
    if estimator in ("MLM", "MLR"):
        basis = {"cfi": "cfi.robust", "rmsea": "rmsea.robust"}
    elif ordinal:
        basis = {"cfi": "cfi.scaled", "rmsea": "rmsea.scaled"}
    if ordinal:
        levels = {v: usable[v].nunique() - 1 for v in observed}
    for step in steps:
        if ordinal:
            res = fit(step_syntax(model, len(sizes), levels, step, parameterization), frame, group=group,
                      ordered=observed, estimator=estimator, missing=missing, parameterization=parameterization)
        else:
            res = fit(model, frame, group=group, group_equal=STEPS[step], group_partial=group_partial,
                      missing=missing, estimator=estimator)
        fits[step] = res
        fi = res.fit_indices
        row = {"step": step, "npar": int(fi["npar"]), "chisq": fi["chisq"], "df": int(fi["df"]),
               "pvalue": fi["pvalue"], "cfi": fi[basis["cfi"]], "rmsea": fi[basis["rmsea"]], "srmr": fi["srmr"],
               "converged": res.converged}
        if res.scaled:
            row["chisq.scaled"] = fi["chisq.scaled"]
            row["scaling.factor"] = fi["chisq.scaling.factor"]
        if prev is None:
            row.update({"delta_chisq": np.nan, "delta_df": np.nan, "delta_pvalue": np.nan,
                        "delta_cfi": np.nan, "delta_rmsea": np.nan, "delta_srmr": np.nan,
                        "holds": bool(res.converged)})
        else:
            d_df = fi["df"] - prev["df"]
            if d_df > 0:        # plain, Satorra-Bentler (2001) or Satorra (2000), as lavTestLRT chooses
                test = difference_test(fits[prev_step], res)
                d_chi, d_p = test["delta_chisq"], test["delta_pvalue"]
            else:
                d_chi, d_p = fi["chisq"] - prev["chisq"], np.nan
            row.update({"delta_chisq": d_chi, "delta_df": d_df, "delta_pvalue": d_p,
                        "delta_cfi": fi[basis["cfi"]] - prev[basis["cfi"]],
                        "delta_rmsea": fi[basis["rmsea"]] - prev[basis["rmsea"]],
                        "delta_srmr": fi["srmr"] - prev["srmr"]})
            row["holds"] = res.converged and _holds(step, row["delta_cfi"], row["delta_rmsea"],
                                                    row["delta_srmr"], criteria)
        rows.append(row)
        prev, prev_step = fi, step
    table_ = pd.DataFrame(rows)
    level = "none"
    for r in rows:
        if not r["holds"]:
            break
        level = r["step"]
    return InvarianceResult(table=table_, fits=fits, level=level, group=group, group_sizes=sizes,
                            criteria=criteria, estimator=estimator,
                            fit_basis=f"{basis['cfi']}, {basis['rmsea']}")
