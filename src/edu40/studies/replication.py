"""Replicate a published SEM fit and say, index by index, what was reproduced.

:func:`replicate` fits the published structural model (for EM40: ACL, ATM,
QMG, HRM, IQA -> EFF) to survey data under both chi-square conventions —
N as lavaan, N - 1 as AMOS/LISREL — and compares each obtained index with the
printed one: *reproduced* when the obtained value prints as the published
one at the published number of decimals, *differs* otherwise, and *not
comparable* where the models differ (df).  The audit of the published
numbers (:func:`edu40.audit_reported_fit`) explains what no data can
reproduce.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.blocks import heading, table, text, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language
from .audit import FitAudit, audit_reported_fit
from ..io.instrument import EM40, Instrument
from ..io.loader import Survey, load_survey
from .published import JEDAMAN_2020, PublishedFit
from ..sem import SEMResult, estimator_options, fit
from ..sem.criteria import AMOS_NAMES, resolve_index

__all__ = ["replicate", "ReplicationReport"]

_VERDICT_TH = {"reproduced": "ได้ค่าเท่ากับที่รายงาน", "differs": "ต่างจากที่รายงาน",
               "not comparable": "เปรียบเทียบไม่ได้"}


@dataclass(frozen=True, eq=False)
class ReplicationReport(Reportable):
    """A replication of published fit: the comparison table, the fits and the notes.

    Attributes
    ----------
    table : DataFrame
        index, published, obtained (N, lavaan), obtained (N - 1, AMOS/LISREL),
        difference (AMOS/LISREL convention minus published) and verdict.
    result, result_wishart : SEMResult
        The published model fitted with the normal (lavaan) and Wishart
        (AMOS/LISREL) likelihoods.
    audit : FitAudit
        What the printed numbers themselves allow.
    synthetic : bool
        True when the data are edu40's shipped synthetic sample.
    estimator : str
        ``"ML"`` (the published analysis), or the estimator of the extra column
        ``obtained (<estimator>)`` (e.g. WLSMV: the same model with the items as
        ordered categories); its chi-square based indices are the scaled / robust ones.
    result_estimator : SEMResult or None
        The fit with ``estimator`` when it is not ML.
    """

    published: PublishedFit
    table: pd.DataFrame = field(repr=False)
    result: SEMResult = field(repr=False)
    result_wishart: SEMResult = field(repr=False)
    audit: FitAudit = field(repr=False)
    data_label: str = ""
    synthetic: bool = False
    estimator: str = "ML"
    result_estimator: SEMResult | None = field(default=None, repr=False)

    @property
    def obtained(self) -> pd.Series:
        """All fit indices of the replication (lavaan convention)."""
        return self.result.fit_indices

    @property
    def paths(self) -> pd.DataFrame:
        """Standardized structural paths (std.all) with SE, z, p."""
        std = self.result.standardized
        return std[std["op"] == "~"].reset_index(drop=True)

    @property
    def r2(self) -> float:
        """R² of the outcome factor."""
        return float(self.result.r2[self.published.outcome])

    def to_frame(self, lang=None) -> pd.DataFrame:
        lang = check_language(lang)
        out = self.table.copy()
        if lang == "th":
            out["verdict"] = out["verdict"].map(_VERDICT_TH)
            out = out.rename(columns={"index": "ดัชนี", "published": "ที่รายงาน",
                                      "obtained (N, lavaan)": "ที่ได้ (N แบบ lavaan)",
                                      "obtained (N-1, AMOS/LISREL)": "ที่ได้ (N-1 แบบ AMOS/LISREL)",
                                      "difference": "ผลต่าง", "verdict": "ผลการเปรียบเทียบ",
                                      f"obtained ({self.estimator})": f"ที่ได้ ({self.estimator})"})
        return out

    def notes(self, lang=None) -> list[str]:
        """Plain-language notes: what was and was not reproduced, and why."""
        lang = check_language(lang)
        th = lang == "th"
        fi = self.obtained
        out = []
        if self.synthetic:
            out.append("ข้อมูลที่ใช้เป็นข้อมูลสังเคราะห์ของ edu40 (python -m edu40.io.datasets data/sample) "
                       "ไม่ใช่ข้อมูลจริงของงานวิจัย ผลนี้แสดงวิธีการทำซ้ำเท่านั้น" if th else
                       "The data are edu40's synthetic sample (regenerate: python -m edu40.io.datasets "
                       "data/sample), not the study's data: this shows how to replicate, not a finding.")
        reproduced = list(self.table.loc[self.table["verdict"] == "reproduced", "index"])
        differs = list(self.table.loc[self.table["verdict"] == "differs", "index"])
        if reproduced:
            out.append(("ค่าที่ได้เท่ากับที่รายงาน: " if th else "Reproduced: ") + ", ".join(reproduced))
        if differs:
            out.append(("ค่าที่ต่างจากที่รายงาน: " if th else "Not reproduced: ") + ", ".join(differs))
        df_row = self.audit.findings[self.audit.findings["check"] == "df"]
        if len(df_row):
            out.append(df_row["arithmetic_th" if th else "arithmetic"].iloc[0])
        gfi_row = self.audit.findings[self.audit.findings["check"] == "gfi"]
        if len(gfi_row) and gfi_row["status"].iloc[0] != "consistent":
            out.append(gfi_row["arithmetic_th" if th else "arithmetic"].iloc[0])
        out.append(
            (f"CMIN/DF และ RMSEA ขึ้นกับ chi2/df และ N เท่านั้น จึงทำซ้ำได้แม้ df ต่างกัน "
             f"(ที่นี่ N = {int(fi['nobs'])}, df = {int(fi['df'])})") if th else
            (f"CMIN/DF and RMSEA depend only on chi2/df and N, so they can be matched even though df "
             f"differ (here N = {int(fi['nobs'])}, df = {int(fi['df'])})."))
        if self.result_estimator is not None:
            est = self.estimator
            ordered = bool(getattr(self.result_estimator._spec, "ordered", ()))
            out.append(
                (f"คอลัมน์ 'ที่ได้ ({est})' ประมาณค่าแบบจำลองเดียวกันด้วย {est}"
                 + (" โดยถือว่าคำตอบแต่ละข้อเป็นข้อมูลอันดับ (สหสัมพันธ์โพลีคอริก)" if ordered else "")
                 + "; ไค-สแควร์และ CMIN/DF ใช้ค่าปรับแก้ CFI, TLI และ RMSEA ใช้ค่าโรบัสต์ (ถ้ามี) "
                   "จึงไม่ใช่ค่าชุดเดียวกับที่งานวิจัยรายงาน (ML) และไม่ใช้ตัดสินการทำซ้ำ") if th else
                (f"The column 'obtained ({est})' fits the same model by {est}"
                 + (" with every item as an ordered category (polychoric correlations)" if ordered else "")
                 + "; its chi-square and CMIN/DF are the scaled ones, CFI, TLI and RMSEA the robust ones "
                   "where available: not the quantities the study printed (ML), so they do not decide "
                   "the verdict"))
        out += list(self.published.notes_th if th else self.published.notes_en)
        return out

    def summary(self, lang=None) -> str:
        lang = check_language(lang)
        th = lang == "th"
        lines = [("การทำซ้ำผลการวิจัย: " if th else "Replication of ") + self.published.citation]
        lines.append(self.to_frame(lang).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        paths = self.paths
        lines.append(("อิทธิพลมาตรฐาน: " if th else "Standardized paths: ")
                     + ", ".join(f"{a}->{b} {v:.3f}" for a, b, v in zip(paths["rhs"], paths["lhs"], paths["est.std"])))
        lines.append(f"R2({self.published.outcome}) = {self.r2:.3f}")
        lines += ["- " + n for n in self.notes(lang)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang=None):
        lang = check_language(lang)
        th = lang == "th"
        blocks = [heading("การทำซ้ำค่าความสอดคล้องของแบบจำลองที่ตีพิมพ์" if th else
                          "Replication of the published model fit", 1)]
        if self.synthetic:
            blocks.append(warning(self.notes(lang)[0]))
        blocks.append(table(self.to_frame(lang), "เปรียบเทียบกับค่าที่รายงาน" if th else
                            "Published and obtained fit"))
        blocks.append(table(self.paths[["lhs", "op", "rhs", "est.std", "se", "pvalue"]],
                            "อิทธิพลเชิงสาเหตุ (มาตรฐาน)" if th else "Standardized structural paths",
                            note=f"R2({self.published.outcome}) = {self.r2:.3f}"))
        for n in self.notes(lang)[1 if self.synthetic else 0:]:
            blocks.append(text(n))
        blocks += self.audit.report_blocks(lang)
        return blocks

    def _repr_html_(self) -> str:
        parts = []
        if self.synthetic:
            parts.append(f"<p style='color:#a60'>{html.escape(self.notes()[0])}</p>")
        parts.append("<b>Replication</b>" + self.to_frame().to_html(index=False, float_format="%.3f"))
        parts.append("<b>Standardized paths</b>" + self.paths[["lhs", "op", "rhs", "est.std", "pvalue"]]
                     .to_html(index=False, float_format="%.3f"))
        parts.append(f"<p>R²({self.published.outcome}) = {self.r2:.3f}</p>")
        parts.append("<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in self.notes()[1 if self.synthetic else 0:])
                     + "</ul>")
        return "".join(parts)


def _is_shipped_sample(path) -> bool:
    """True for the shipped synthetic survey (a copy anywhere counts: same bytes)."""
    from ..io.datasets import SURVEY_PATH

    path = Path(path)
    try:
        return path.stat().st_size == SURVEY_PATH.stat().st_size and path.read_bytes() == SURVEY_PATH.read_bytes()
    except OSError:
        return False


def _prints_as(value: float, published: str) -> bool:
    d = len(published.split(".")[1]) if "." in published else 0
    h = 0.5 * 10 ** -d
    return float(published) - h <= value + 1e-12 < float(published) + h


def replicate(data=None, *, published: PublishedFit = JEDAMAN_2020, instrument: Instrument = EM40,
              model: str | None = None, missing: str = "listwise", estimator: str = "ML") -> ReplicationReport:
    """Fit the published structural model and compare every reported index.

    Parameters
    ----------
    data : Survey, DataFrame or path, optional
        Default: the shipped synthetic sample (``edu40.datasets.load_em40_survey()``).
    published : PublishedFit
        The printed values (default :data:`edu40.published.JEDAMAN_2020`).
    instrument : Instrument
        Gives the model (``instrument.model(structural=True)``) unless ``model=``.
    missing : {"listwise", "fiml"}
    estimator : str
        ``"ML"`` (default, as the study), or also fit the model by ``"MLM"``, ``"MLR"``,
        ``"WLSMV"`` (items ordered) ... and show it in an extra column.

    Returns
    -------
    ReplicationReport

    Examples
    --------
    >>> import edu40
    >>> rep = edu40.replicate()
    >>> rep.table.set_index("index").loc["RMSEA", "verdict"]
    'reproduced'
    """
    synthetic = False
    if data is None:
        from ..io.datasets import load_em40_survey
        data = load_em40_survey()
        synthetic = True
        label = "edu40 synthetic sample (data/sample/em40_survey.csv)"
    elif isinstance(data, (str, Path)):
        label = str(data)
        synthetic = _is_shipped_sample(data)
        data = load_survey(data, instrument)
    else:
        label = getattr(getattr(data, "validation", None), "source", "<DataFrame>")
    frame = data.data if isinstance(data, Survey) else data
    missing_items = [i for i in instrument.item_codes if i not in frame.columns]
    if missing_items and model is None:
        raise ValueError(f"the data lack {len(missing_items)} item(s) of {instrument.name}: "
                         f"{missing_items}; the published model needs all {len(instrument)} "
                         f"(pass model= to fit a reduced model)")
    syntax = model or instrument.model(structural=True)
    res = fit(syntax, frame, missing=missing)
    res_w = fit(syntax, frame, likelihood="wishart") if missing == "listwise" else res
    audit = audit_reported_fit(published=published)
    estimator = estimator.upper()
    res_e = None
    if estimator != "ML":
        options = estimator_options(estimator)
        res_e = fit(syntax, frame, missing=missing if "ordered" not in options else "listwise", **options)
    rows = []
    r2 = float(res.r2.get(published.outcome, np.nan))
    for key, printed in published.values.items():
        name = "R2" if key == "r2" else AMOS_NAMES.get(key, key)
        if key == "r2":
            a = b = r2
        else:
            a, b = float(res.fit_indices[key]), float(res_w.fit_indices[key])
        if key in ("chisq", "df") and int(res.fit_indices["df"]) != int(float(published.values["df"])):
            verdict = "not comparable"
        elif _prints_as(a, printed) or _prints_as(b, printed):
            verdict = "reproduced"
        else:
            verdict = "differs"
        row = {"index": name, "published": float(printed), "obtained (N, lavaan)": a,
               "obtained (N-1, AMOS/LISREL)": b, "difference": b - float(printed), "verdict": verdict}
        if res_e is not None:
            row[f"obtained ({estimator})"] = (float(res_e.r2.get(published.outcome, np.nan)) if key == "r2"
                                              else resolve_index(res_e.fit_indices, key, estimator)[1])
        rows.append(row)
    table_ = pd.DataFrame(rows)
    if res_e is not None:      # the estimator's column next to the two ML ones
        cols = list(table_.columns)
        cols.insert(cols.index("difference"), cols.pop(cols.index(f"obtained ({estimator})")))
        table_ = table_[cols]
    return ReplicationReport(published=published, table=table_, result=res,
                             result_wishart=res_w, audit=audit, data_label=label, synthetic=synthetic,
                             estimator=estimator, result_estimator=res_e)
