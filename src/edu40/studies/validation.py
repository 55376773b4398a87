"""Validate new survey data against an instrument: one report, one verdict with its reasons.

The steps follow what a thesis chapter on instrument quality reports:

1. the loader's validation report (rows read and kept, every problem);
2. descriptives (mean, S.D., Likert level per item and factor);
3. reliability per factor (Cronbach's alpha, McDonald's omega);
4. CFA of the instrument and its fit table against published criteria;
5. convergent and discriminant validity (CR, AVE, Fornell-Larcker, HTMT);
6. standardized loadings compared with a reference sample, with Tucker's
   congruence coefficient per factor (Lorenzo-Seva & ten Berge, 2006:
   >= .95 means the factor is the same);
7. measurement invariance across a grouping column (optional);
8. split-half cross-validation (optional, ``split_half=True``): EFA on one
   random half, CFA of the structure it finds on the other half
   (:func:`edu40.split_half`), reported as such.

Verdict rules (each shown with its value in ``checks``): reliability —
every factor's alpha >= .70 (Nunnally, 1978) and CR >= .70; model fit —
CFI, TLI, RMSEA and SRMR pass the chosen criteria; convergent validity —
AVE >= .50 (Fornell & Larcker, 1981); discriminant validity — every HTMT
< .85 (Henseler et al., 2015); invariance — metric invariance holds.
"supported" when all pass, "not supported" when reliability or fit fails,
"partly supported" otherwise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.blocks import heading, table, text, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language
from ..stats.descriptives import describe
from ..io.instrument import EM40, Instrument
from .crossvalidation import SplitHalfResult, split_half as _split_half
from .invariance import InvarianceResult, invariance
from ..io.loader import Survey, load_survey
from ..stats.reliability import reliability
from ..sem import SEMDataError, SEMResult, estimator_options, fit

__all__ = ["validate", "SurveyValidation"]

_VERDICT_TH = {"supported": "ผ่านการตรวจสอบ", "partly supported": "ผ่านบางส่วน",
               "not supported": "ไม่ผ่านการตรวจสอบ"}


@dataclass(frozen=True, eq=False)
class SurveyValidation(Reportable):
    """The validation of a survey against its instrument (see module docstring).

    Attributes
    ----------
    verdict : str
        "supported", "partly supported" or "not supported".
    checks : DataFrame
        aspect, criterion, value, passed, reason (English) and reason_th.
    survey, descriptives, reliability, cfa, fit_table, validity, htmt,
    loadings, invariance, split_half
        The results of each step (``loadings``, ``invariance`` and
        ``split_half`` may be None).
    notes : tuple of str
        Steps that could not be done, and why.
    """

    verdict: str
    checks: pd.DataFrame = field(repr=False)
    survey: Survey = field(repr=False)
    descriptives: pd.DataFrame = field(repr=False)
    reliability: pd.DataFrame = field(repr=False)
    cfa: SEMResult = field(repr=False)
    fit_table: pd.DataFrame = field(repr=False)
    validity: pd.DataFrame = field(repr=False)
    htmt: pd.DataFrame = field(repr=False)
    loadings: pd.DataFrame | None = field(default=None, repr=False)
    invariance: InvarianceResult | None = field(default=None, repr=False)
    split_half: SplitHalfResult | None = field(default=None, repr=False)
    notes: tuple = ()
    reference_label: str = ""

    def reasons(self, lang=None) -> list[str]:
        lang = check_language(lang)
        col = "reason_th" if lang == "th" else "reason"
        return list(self.checks[col])

    def verdict_text(self, lang=None) -> str:
        lang = check_language(lang)
        return _VERDICT_TH[self.verdict] if lang == "th" else self.verdict

    def to_frame(self, lang=None) -> pd.DataFrame:
        lang = check_language(lang)
        out = self.checks.drop(columns=["reason_th" if lang == "en" else "reason"])
        if lang == "th":
            out = out.rename(columns={"aspect": "ประเด็น", "criterion": "เกณฑ์", "value": "ค่าที่ได้",
                                      "passed": "ผ่าน", "reason_th": "เหตุผล"})
        return out

    def summary(self, lang=None) -> str:
        lang = check_language(lang)
        th = lang == "th"
        v = self.survey.validation
        lines = [("ผลการตรวจสอบแบบวัด: " if th else "Validation verdict: ") + self.verdict_text(lang)]
        lines += [f"  {'✓' if p else '✗'} {r}" for p, r in zip(self.checks["passed"], self.reasons(lang))]
        lines += ["  ! " + n for n in self.notes]
        lines.append(v.summary(lang, max_rows=3))
        lines.append(self.cfa.summary(lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang=None):
        lang = check_language(lang)
        th = lang == "th"
        blocks = [heading("การตรวจสอบคุณภาพแบบวัดกับข้อมูลชุดใหม่" if th else
                          "Validation of the survey against the instrument", 1),
                  text(("ผลการตรวจสอบ: " if th else "Verdict: ") + self.verdict_text(lang))]
        blocks += [warning(n) for n in self.notes]
        blocks.append(table(self.to_frame(lang), "เกณฑ์และผลการพิจารณา" if th else "Criteria and results"))
        for b in (self.survey.validation.report_blocks(lang)
                  if hasattr(self.survey.validation, "report_blocks") else []):
            blocks.append(b)
        blocks.append(table(self.descriptives, "ค่าเฉลี่ย ส่วนเบี่ยงเบนมาตรฐาน และระดับ" if th else
                            "Mean, S.D. and level"))
        blocks.append(table(self.reliability, "ความเชื่อมั่น" if th else "Reliability"))
        blocks.append(table(self.fit_table, "ความสอดคล้องของโมเดลการวัด" if th else "CFA fit"))
        blocks.append(table(self.validity, "ความตรงเชิงลู่เข้าและเชิงจำแนก" if th else
                            "Convergent and discriminant validity"))
        blocks.append(table(self.htmt.round(3).reset_index(), "HTMT"))
        if self.loadings is not None:
            blocks.append(table(self.loadings, ("เปรียบเทียบน้ำหนักองค์ประกอบกับ " if th else
                                                "Loadings compared with ") + self.reference_label))
        if self.invariance is not None:
            blocks += self.invariance.report_blocks(lang)
        if self.split_half is not None:
            blocks += self.split_half.report_blocks(lang)
        return blocks

    def _repr_html_(self) -> str:
        colour = {"supported": "#070", "partly supported": "#a60", "not supported": "#b00"}[self.verdict]
        parts = [f"<b>Validation verdict: <span style='color:{colour}'>{self.verdict}</span></b>",
                 self.to_frame().to_html(index=False, float_format="%.3f")]
        parts += [f"<p style='color:#a60'>{html.escape(n)}</p>" for n in self.notes]
        parts.append("<details><summary>CFA</summary>" + self.cfa._repr_html_() + "</details>")
        if self.loadings is not None:
            parts.append("<details><summary>Loadings vs reference</summary>"
                         + self.loadings.to_html(index=False, float_format="%.3f") + "</details>")
        if self.invariance is not None:
            parts.append("<details><summary>Invariance</summary>" + self.invariance._repr_html_()
                         + "</details>")
        return "".join(parts)


@lru_cache(maxsize=1)
def _reference_em40() -> SEMResult:
    from ..io.datasets import load_em40_survey
    return fit(EM40.model(structural=False), load_em40_survey())


def _loadings(res: SEMResult) -> pd.DataFrame:
    std = res.standardized
    return std[std["op"] == "=~"][["lhs", "rhs", "est.std"]].rename(
        columns={"lhs": "factor", "rhs": "item", "est.std": "loading"})


def _compare_loadings(new: SEMResult, reference) -> pd.DataFrame:
    ref = _loadings(reference) if isinstance(reference, SEMResult) else reference.rename(
        columns={"lhs": "factor", "rhs": "item", "est.std": "loading"})
    merged = _loadings(new).merge(ref, on=["factor", "item"], how="inner", suffixes=("", "_reference"))
    merged["difference"] = merged["loading"] - merged["loading_reference"]
    merged["large_difference"] = merged["difference"].abs() >= 0.10
    phi = merged.groupby("factor", sort=False).apply(
        lambda g: (g["loading"] * g["loading_reference"]).sum()
        / np.sqrt((g["loading"] ** 2).sum() * (g["loading_reference"] ** 2).sum()), include_groups=False)
    merged["congruence"] = merged["factor"].map(phi)
    return merged


def _reduced_model(instrument: Instrument, present: list) -> tuple[str, list]:
    lines, dropped = [], []
    for f in instrument.factor_codes:
        items = [i for i in instrument.items_of(f) if i in present]
        if len(items) >= 2:
            lines.append(f"{f} =~ " + " + ".join(items))
        else:
            dropped.append(f)
    return "\n".join(lines), dropped


def validate(survey, *, instrument: Instrument | None = None, group: str | None = None,
             reference="default", criteria="hu-bentler-1999", allow_missing_items: bool = False,
             htmt_limit: float = 0.85, split_half: bool = False, seed=0, lang=None,
             estimator: str = "ML") -> SurveyValidation:
    """Validate survey data against its instrument and give a verdict with reasons.

    Parameters
    ----------
    survey : Survey, DataFrame or path
        New survey data (a path is read with :func:`edu40.load_survey`).
    instrument : Instrument, optional
        Default: the survey's instrument (EM40 for files and DataFrames).
    group : str, optional
        Column for measurement invariance (e.g. ``"role"``).
    reference : "default", SEMResult, DataFrame or None
        Reference loadings: by default, for EM40, the CFA of the shipped
        synthetic sample (an illustration, not published loadings); a fitted
        result or a table ``factor, item, loading`` of your own; None to skip.
    criteria : str or dict
        Fit criteria (see :meth:`edu40.SEMResult.fit_table`).
    allow_missing_items : bool
        A survey lacking some instrument items is an error naming them; with
        True the CFA uses the items present (factors left with fewer than two
        items are dropped, and said so).
    split_half : bool
        Also cross-validate the structure: EFA on one random half of the
        respondents (as many factors as the instrument has), CFA of the
        structure it finds on the other half (:func:`edu40.split_half`); a
        check row says whether the EFA recovered the instrument's factors and
        the CFA fitted.
    seed : int
        Seed of the random split.
    estimator : str
        ``"ML"`` (default), ``"MLM"``, ``"MLR"`` or, with every item ordered,
        ``"WLSMV"`` ...; the fit criteria then judge the scaled / robust indices
        (the fit table says which chi-square each rests on).

    Returns
    -------
    SurveyValidation
    """
    lang = check_language(lang)
    if isinstance(survey, (str, Path)):
        survey = load_survey(survey, instrument or EM40)
    elif isinstance(survey, pd.DataFrame):
        survey = load_survey(survey, instrument or EM40)
    instrument = instrument or survey.instrument
    notes = []
    present = [i for i in instrument.item_codes if i in survey.data.columns]
    absent = [i for i in instrument.item_codes if i not in present]
    model = instrument.model(structural=False)
    if absent:
        if not allow_missing_items:
            raise ValueError(
                f"the survey lacks {len(absent)} item(s) of {instrument.name}: {absent}. Check the "
                f"column mapping (survey.validation.column_map), or call validate(..., "
                f"allow_missing_items=True) to validate the items present.")
        model, dropped = _reduced_model(instrument, present)
        notes.append(f"items absent from the data, left out of the CFA: {absent}"
                     + (f"; factors with fewer than two items dropped: {dropped}" if dropped else ""))
    desc = describe(survey, lang=lang)
    rel = reliability(survey, lang=lang)
    cfa = fit(model, survey, **estimator_options(estimator))
    fit_tab = cfa.fit_table(criteria, lang="en")
    validity = cfa.reliability()
    htmt = cfa.htmt()
    loadings = None
    ref_label = ""
    if isinstance(reference, str) and reference == "default":
        if instrument is EM40 or instrument.name == "EM40":
            reference = _reference_em40()
            ref_label = "the edu40 synthetic reference sample"
        else:
            reference = None
    if reference is not None:
        ref_label = ref_label or "the reference sample"
        loadings = _compare_loadings(cfa, reference)
    inv = None
    if group:
        try:
            inv = invariance(model, survey, group, estimator=estimator)
        except SEMDataError as exc:
            notes.append(f"measurement invariance across {group!r} not tested: {exc}")
    split = None
    if split_half:
        split = _split_half(survey, instrument=instrument, seed=seed, criteria=criteria,
                            items=[i for i in instrument.item_codes if i in present])
    checks = _checks(rel, fit_tab, validity, htmt, loadings, inv, htmt_limit, cfa, split)
    core_failed = not checks.loc[checks["aspect"].isin(["reliability", "model fit"]), "passed"].all()
    if checks["passed"].all():
        verdict = "supported"
    elif core_failed:
        verdict = "not supported"
    else:
        verdict = "partly supported"
    for w in cfa.warnings:
        if w.kind != "rows excluded":
            notes.append(w.text(lang))
    return SurveyValidation(verdict=verdict, checks=checks, survey=survey, descriptives=desc,
                            reliability=rel, cfa=cfa, fit_table=cfa.fit_table(criteria, lang=lang),
                            validity=validity, htmt=htmt, loadings=loadings, invariance=inv,
                            split_half=split, notes=tuple(notes), reference_label=ref_label)


def _checks(rel, fit_tab, validity, htmt, loadings, inv, htmt_limit, cfa, split=None) -> pd.DataFrame:
    rows = []
    factors = rel[rel["variable"] != "overall"]
    low = factors[factors["alpha"] < 0.70]
    rows.append({"aspect": "reliability", "criterion": "alpha >= .70 for every factor",
                 "value": f"min alpha {factors['alpha'].min():.3f}", "passed": low.empty,
                 "reason": ("every factor has alpha >= .70" if low.empty else
                            f"alpha below .70: {', '.join(low['variable'])}"),
                 "reason_th": ("ทุกองค์ประกอบมีค่าแอลฟาตั้งแต่ .70 ขึ้นไป" if low.empty else
                               f"องค์ประกอบที่มีค่าแอลฟาต่ำกว่า .70: {', '.join(low['variable'])}")})
    low_cr = validity[validity["cr"] < 0.70]
    rows.append({"aspect": "reliability", "criterion": "CR >= .70 for every factor",
                 "value": f"min CR {validity['cr'].min():.3f}", "passed": low_cr.empty,
                 "reason": ("every factor has composite reliability >= .70" if low_cr.empty else
                            f"CR below .70: {', '.join(low_cr['factor'])}"),
                 "reason_th": ("ทุกองค์ประกอบมีความเชื่อมั่นเชิงโครงสร้าง (CR) ตั้งแต่ .70" if low_cr.empty else
                               f"CR ต่ำกว่า .70: {', '.join(low_cr['factor'])}")})
    key = fit_tab.set_index("key")
    core = [k for k in ("cfi", "tli", "rmsea", "srmr") if k in key.index]
    failed = [k.upper() for k in core if not key.loc[k, "passed"]]
    vals = ", ".join(f"{k.upper()} {key.loc[k, 'value']:.3f}" for k in core)
    rows.append({"aspect": "model fit", "criterion": "CFI, TLI, RMSEA, SRMR meet the criteria",
                 "value": vals, "passed": not failed and cfa.converged,
                 "reason": (f"the CFA fits ({vals})" if not failed else f"the CFA misfits on {', '.join(failed)} ({vals})"),
                 "reason_th": (f"โมเดลการวัดสอดคล้องกับข้อมูล ({vals})" if not failed else
                               f"โมเดลการวัดไม่สอดคล้องกับข้อมูลด้าน {', '.join(failed)} ({vals})")})
    low_ave = validity[~(validity["ave"] >= 0.50)]
    rows.append({"aspect": "convergent validity", "criterion": "AVE >= .50 for every factor",
                 "value": f"min AVE {validity['ave'].min():.3f}", "passed": low_ave.empty,
                 "reason": ("every factor has AVE >= .50" if low_ave.empty else
                            f"AVE below .50 (or not computable): {', '.join(low_ave['factor'])}"),
                 "reason_th": ("ทุกองค์ประกอบมีค่า AVE ตั้งแต่ .50" if low_ave.empty else
                               f"AVE ต่ำกว่า .50: {', '.join(low_ave['factor'])}")})
    h = htmt.where(~np.eye(len(htmt), dtype=bool))
    worst = float(np.nanmax(h.to_numpy())) if h.notna().any().any() else np.nan
    pairs = [f"{a}-{b}" for i, a in enumerate(h.index) for b in h.columns[i + 1:] if h.loc[a, b] >= htmt_limit]
    rows.append({"aspect": "discriminant validity", "criterion": f"HTMT < {htmt_limit:.2f} for every pair",
                 "value": f"max HTMT {worst:.3f}", "passed": not pairs,
                 "reason": ("factors are distinct (every HTMT below the limit)" if not pairs else
                            f"HTMT at or above {htmt_limit:.2f}: {', '.join(pairs)}"),
                 "reason_th": ("องค์ประกอบแยกจากกันได้ (HTMT ต่ำกว่าเกณฑ์ทุกคู่)" if not pairs else
                               f"HTMT ตั้งแต่ {htmt_limit:.2f}: {', '.join(pairs)}")})
    if loadings is not None and len(loadings):
        phi = loadings.groupby("factor", sort=False)["congruence"].first()
        low_phi = phi[phi < 0.95]
        rows.append({"aspect": "same structure as reference",
                     "criterion": "Tucker congruence >= .95 per factor",
                     "value": f"min {phi.min():.3f}", "passed": low_phi.empty,
                     "reason": ("loadings match the reference sample" if low_phi.empty else
                                f"loadings differ from the reference for {', '.join(low_phi.index)}"),
                     "reason_th": ("น้ำหนักองค์ประกอบสอดคล้องกับกลุ่มอ้างอิง" if low_phi.empty else
                                   f"น้ำหนักองค์ประกอบต่างจากกลุ่มอ้างอิง: {', '.join(low_phi.index)}")})
    if inv is not None:
        ok = inv.level in ("metric", "scalar", "strict")
        rows.append({"aspect": "invariance", "criterion": "metric invariance holds (Chen, 2007)",
                     "value": inv.level, "passed": ok,
                     "reason": (f"measurement is invariant across {inv.group} up to the {inv.level} level"
                                if ok else f"loadings differ across {inv.group} (level reached: {inv.level})"),
                     "reason_th": (f"การวัดไม่แปรเปลี่ยนระหว่างกลุ่ม {inv.group} ถึงระดับ {inv.level}" if ok else
                                   f"น้ำหนักองค์ประกอบต่างกันระหว่างกลุ่ม {inv.group}")})
    if split is not None:
        fi = split.cfa.fit_indices
        vals = f"CFI {fi['cfi']:.3f}, RMSEA {fi['rmsea']:.3f}"
        same = {True: "recovers the instrument", False: "differs from the instrument", None: ""}[split.recovered]
        rows.append({"aspect": "split-half cross-validation",
                     "criterion": "EFA on half A recovers the factors; CFA on half B fits",
                     "value": f"n {split.n_a}/{split.n_b}; {vals}", "passed": split.passed,
                     "reason": (f"EFA on a random half (n = {split.n_a}) {same}; CFA of its structure on the other "
                                f"half (n = {split.n_b}) {'fits' if split.fit_passed else 'misfits'} ({vals})"),
                     "reason_th": (f"EFA กับข้อมูลครึ่งแรกที่สุ่ม (n = {split.n_a}) "
                                   + {True: "ได้องค์ประกอบตรงกับแบบวัด", False: "ได้องค์ประกอบต่างจากแบบวัด",
                                      None: ""}[split.recovered]
                                   + f"; CFA กับอีกครึ่งหนึ่ง (n = {split.n_b}) "
                                   + ("สอดคล้องกับข้อมูล" if split.fit_passed else "ไม่สอดคล้องกับข้อมูล")
                                   + f" ({vals})")})
    return pd.DataFrame(rows)
