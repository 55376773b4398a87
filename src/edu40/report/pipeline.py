"""The whole survey analysis in one call: validation -> descriptives -> reliability -> CFA/SEM -> validity -> plots.

:func:`survey_report` runs the steps a Thai thesis chapter 4 reports, in
that order, and returns a :class:`SurveyReport` whose blocks put the key
results first.  ``edu40 report FILE -o OUT`` is this function plus a file
writer.  Nothing here computes a statistic of its own: every number comes
from the topic modules (``describe``, ``reliability``, ``item_analysis``,
``correlations``, ``ttest``/``anova``, ``fit``), so the report shows exactly
what those functions return.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.blocks import Block, figure, figure_of, heading, table, text, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language, pick
from ..stats._inputs import StatsInputError
from ..core.results import relabel
from .._version import __version__
from ..stats.anova import anova
from ..stats.correlation import correlations
from ..stats.descriptives import describe, frequencies
from ..io.instrument import EM40, Instrument
from ..io.loader import Survey, load_survey
from ..stats.reliability import item_analysis, reliability
from ..sem import SEMResult, estimator_options, fit
from ..sem.criteria import resolve_index
from ..sem.data import SEMDataError
from ..sem.spec import ModelSpecError
from ..sem.syntax import ModelSyntaxError
from ..stats.ttests import ttest

__all__ = ["survey_report", "SurveyReport", "model_for"]

STEPS = ("validation", "descriptives", "reliability", "CFA/SEM", "validity", "plots")


def model_for(survey: Survey, structural: bool | None = None) -> tuple[str, list[str]]:
    """lavaan syntax of the instrument's model for the items present in ``survey``, and notes.

    The instrument's structural model (``outcome ~ predictors``) when it names
    an outcome, else the correlated-factors CFA.  A factor with fewer than two
    items in the data is left out, and the notes say so.
    """
    inst = survey.instrument
    present = set(survey.item_columns)
    notes, kept = [], []
    for f in inst.factor_codes:
        items = [i for i in inst.items_of(f) if i in present]
        if len(items) >= 2:
            kept.append((f, items))
        else:
            notes.append(f"factor {f} left out of the model: {len(items)} of its items in the data (needs 2)")
    if not kept:
        raise ModelSpecError("no factor of the instrument has two items in the data; nothing to model")
    lines = [f"{f} =~ " + " + ".join(items) for f, items in kept]
    names = [f for f, _ in kept]
    if structural is None:
        structural = inst.outcome is not None
    if structural and inst.outcome in names:
        preds = [p for p in (inst.predictors or [f for f in inst.factor_codes if f != inst.outcome]) if p in names]
        if preds:
            lines.append(f"{inst.outcome} ~ " + " + ".join(preds))
    return "\n".join(lines), notes


@dataclass(frozen=True, eq=False)
class SurveyReport(Reportable):
    """The analysis of one survey, ready to show or export.

    Attributes
    ----------
    survey : Survey
    sem : SEMResult or None
        The fitted CFA/SEM (None if it could not be fitted; the report says why).
    model : str
        The lavaan syntax that was fitted.
    lang : str
        Language the blocks were built in (``report_blocks(lang=other)``
        rebuilds them, reusing the fitted model).
    group : str or None
    criteria : str or dict
    blocks : tuple of Block
    """

    survey: Survey
    sem: SEMResult | None
    model: str
    lang: str
    group: str | None = None
    criteria: object = "hu-bentler-1999"
    blocks: tuple = field(default=(), repr=False)
    sem_error: str = ""
    notes: tuple = ()
    missing: str = "listwise"

    def report_blocks(self, lang: str | None = None) -> list[Block]:
        """The blocks in ``lang``; ``None`` keeps the language the report was made in."""
        lang = self.lang if lang is None else check_language(lang)
        if lang == self.lang:
            return list(self.blocks)
        parts = {"validation": self.survey.validation, "sem": self.sem, "sem_error": self.sem_error,
                 "model": self.model, "notes": self.notes}
        parts.update(_descriptives(self.survey, lang, self.group))
        parts.update(_reliability(self.survey, lang))
        return _assemble(self.survey, parts, lang, self.group, self.criteria)

    def summary(self, lang: str | None = None) -> str:
        """The key results as text (the first section of the report)."""
        blocks = self.report_blocks(lang)
        out = []
        for b in blocks[1:]:
            if b.kind == "heading" and out:
                break
            if b.kind in ("text", "warning"):
                out.append(("! " if b.kind == "warning" else "") + str(b.content))
        return "\n".join(out)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        fi = self.sem.fit_indices if self.sem is not None else None
        fit_txt = (f"CFI={fi['cfi']:.3f}, RMSEA={fi['rmsea']:.3f}" if fi is not None else "model not fitted")
        n_tables = sum(b.kind == "table" for b in self.blocks)
        n_figs = sum(b.kind == "figure" for b in self.blocks)
        return (f"SurveyReport({self.survey.validation.source!r}: {len(self.survey)} respondents, {fit_txt}; "
                f"{n_tables} tables, {n_figs} figures)")


def _is_sample(survey: Survey) -> bool:
    """True if this is the synthetic sample shipped with edu40 (same name and same answers)."""
    from ..io import datasets
    if survey.validation.source != Path(datasets.SURVEY_PATH).name:
        return False
    try:
        sample = datasets.load_em40_survey()
    except Exception:  # pragma: no cover - a broken install
        return False
    return sample.items.shape == survey.items.shape and sample.items.equals(survey.items)


def survey_report(survey, *, instrument: Instrument | None = None, lang: str | None = None,
                  group: str | None = None, criteria="hu-bentler-1999", missing: str = "listwise",
                  model: str | None = None, plots: bool = True, progress=False,
                  estimator: str = "ML") -> SurveyReport:
    """Run the survey analysis of a thesis chapter in one call and collect it as a report.

    Steps: validation (what was read and kept) -> descriptives with Likert
    levels (factors, items, correlations of factor scores; by ``group`` if
    given, with a t-test or one-way ANOVA per factor) -> reliability (alpha,
    omega, corrected item-total r) -> CFA/SEM (the instrument's structural
    model if it names an outcome, else the CFA) -> fit table with criteria ->
    validity (CR, AVE, Fornell-Larcker, HTMT) -> plots (path diagram,
    Likert bars, factor profile, correlation heatmap).

    Parameters
    ----------
    survey : Survey or path
        A loaded survey, or a file for :func:`edu40.load_survey`.
    instrument : Instrument, optional
        For a path: the codebook (default :data:`edu40.EM40`).
    lang : {None, "th", "en"}
        Language of the report (default: the session's).
    group : str, optional
        A column of the survey (e.g. ``"role"``): descriptives by group and,
        per factor, Welch's t-test (two groups) or one-way ANOVA (more).
    criteria : str or dict
        Fit criteria (:data:`edu40.sem.CRITERIA` name or a dict), see
        :meth:`edu40.SEMResult.fit_table`.
    missing : {"listwise", "fiml"}
        Missing answers in the CFA/SEM (:func:`edu40.fit`).
    estimator : str
        ``"ML"`` (default), ``"MLM"``, ``"MLR"`` or, with the items ordered, ``"WLSMV"`` ...
        (see :func:`edu40.fit`); the fit table judges the scaled / robust indices.
    model : str, optional
        lavaan syntax to fit instead of the instrument's model.
    plots : bool
        Draw the figures.
    progress : bool or tqdm
        Show a progress bar (tqdm, on stderr); or a tqdm bar to advance by
        one per step (the command line adds the writing of the file).

    Returns
    -------
    SurveyReport
        ``to_html(path)``, ``to_docx(path)``, ``to_excel(path)``,
        ``to_markdown()``; ``.sem`` is the fitted model.

    Examples
    --------
    >>> import edu40
    >>> rep = edu40.report.survey_report(edu40.datasets.load_em40_survey(), lang="en", plots=False)
    >>> int(rep.sem.fit_indices["df"])
    804
    >>> print(rep.summary().splitlines()[0])
    All answers valid — 772 respondents; 772 rows kept of 772 read; 42 of 42 items.
    """
    lang = check_language(lang)
    if not isinstance(survey, Survey):
        survey = load_survey(survey, instrument or EM40)
    if group is not None and group not in survey.data.columns:
        raise StatsInputError(f"group={group!r} is not a column of {survey.validation.source}; "
                              f"columns other than items: {survey.other_columns}")
    bar, own_bar = progress, False
    if progress is True:
        from tqdm.auto import tqdm
        bar, own_bar = tqdm(total=len(STEPS), desc="edu40 report", unit="step", file=sys.stderr), True
    elif not progress:
        bar = None
    parts: dict = {}
    try:
        for name in STEPS:
            if bar is not None:
                bar.set_postfix_str(name)
            if name == "validation":
                parts["validation"] = survey.validation
            elif name == "descriptives":
                parts.update(_descriptives(survey, lang, group))
            elif name == "reliability":
                parts.update(_reliability(survey, lang))
            elif name == "CFA/SEM":
                parts.update(_fit(survey, model, missing, estimator))
            elif name == "validity":
                blocks = _assemble(survey, parts, lang, group, criteria, plots=plots)
            elif name == "plots":       # draw now what the blocks would otherwise draw on demand
                blocks = [Block("figure", figure_of(b), title=b.title, note=b.note) if b.kind == "figure" else b
                          for b in blocks]
            if bar is not None:
                bar.update(1)
    finally:
        if own_bar:
            bar.close()
    return SurveyReport(survey=survey, sem=parts["sem"], model=parts["model"], lang=lang, group=group,
                        criteria=criteria, blocks=tuple(blocks), sem_error=parts["sem_error"],
                        notes=parts["notes"], missing=missing)


def _descriptives(survey, lang, group) -> dict:
    out = {"describe": describe(survey, lang=lang), "correlations": correlations(survey)}
    if group is not None:
        out["by_group"] = _group_blocks(survey, group, lang)
    return out


def _reliability(survey, lang) -> dict:
    inst = survey.instrument
    ia = []
    for f in inst.factor_codes:
        cols_f = [c for c in inst.items_of(f) if c in survey.item_columns]
        if len(cols_f) >= 3:
            t = item_analysis(survey.items[cols_f], lang=lang)
            t.insert(0, "factor", f)
            ia.append(t[["factor", "item", "n", "r_drop", "alpha_if_deleted", "decision"]])
    return {"reliability": reliability(survey, lang=lang),
            "item_analysis": pd.concat(ia, ignore_index=True) if ia else None}


def _fit(survey, model, missing, estimator="ML") -> dict:
    notes: tuple = ()
    sem, sem_error = None, ""
    if model is None:
        try:
            model, note_list = model_for(survey)
            notes = tuple(note_list)
        except ModelSpecError as exc:
            model, sem_error = "", str(exc)
    if model:
        try:
            options = estimator_options(estimator)
            sem = fit(model, survey, missing=missing if "ordered" not in options else "listwise", **options)
        except (ModelSpecError, ModelSyntaxError, SEMDataError, ValueError, ArithmeticError) as exc:
            sem_error = f"{type(exc).__name__}: {exc}"
    return {"sem": sem, "sem_error": sem_error, "model": model, "notes": notes}


# ---------------------------------------------------------------------------
# Assembly of the blocks
# ---------------------------------------------------------------------------
def _assemble(survey, parts, lang, group, criteria, plots: bool = True) -> list[Block]:
    inst = survey.instrument
    v = survey.validation
    desc, rel, sem = parts["describe"], parts["reliability"], parts["sem"]
    sem_error, model, notes = parts["sem_error"], parts["model"], parts["notes"]
    title = inst.title_th if lang == "th" and inst.title_th else inst.title_en or inst.name
    blocks = [heading(pick(f"รายงานผลการวิเคราะห์ข้อมูลแบบสอบถาม: {title}", f"Survey analysis report: {title}",
                           lang), 1)]
    sample = _is_sample(survey)

    # -- key results first ---------------------------------------------------------
    blocks.append(heading(pick("สรุปผลสำคัญ", "Key results", lang)))
    blocks += _key_results(survey, desc, rel, sem, sem_error, criteria, lang)
    if sample:
        blocks.append(text(pick("ข้อมูลตัวอย่างนี้เป็นข้อมูลสังเคราะห์ (synthetic) ที่ edu40 สร้างจากแบบจำลองประชากร "
                                "ไม่ใช่คำตอบของผู้ตอบจริง",
                                "These sample data are synthetic: edu40 simulated them from a population model; "
                                "they are not real respondents' answers.", lang)))
    blocks.append(text(pick(f"ไฟล์ {v.source}; แบบวัด {inst.name}; สร้างด้วย edu40 {__version__}",
                            f"File {v.source}; instrument {inst.name}; made with edu40 {__version__}", lang)))

    # -- 1 validation ----------------------------------------------------------------
    blocks += v.report_blocks(lang)
    blocks += _profile_blocks(survey, lang)

    # -- 2 descriptives ---------------------------------------------------------------
    blocks.append(heading(pick("สถิติเชิงพรรณนา", "Descriptive statistics", lang)))
    blocks.append(text(pick("ค่าเฉลี่ยแปลผลตามเกณฑ์ " + _bands_text(survey.scale, lang),
                            "Means are read by the bands " + _bands_text(survey.scale, lang), lang)))
    cols = ["variable", "label", "n", "mean", "sd", "skewness", "kurtosis", "level", "rank"]
    fac = desc[desc["kind"].isin(["factor", "total"])][cols]
    blocks.append(table(relabel(fac, lang).reset_index(drop=True),
                        pick("ค่าเฉลี่ย ส่วนเบี่ยงเบนมาตรฐาน และระดับของแต่ละองค์ประกอบ",
                             "Mean, standard deviation and level of each factor", lang),
                        note=pick("คะแนนองค์ประกอบ = ค่าเฉลี่ยของข้อที่ผู้ตอบตอบในองค์ประกอบนั้น; ความเบ้และความโด่งแบบ SPSS (G1, G2)",
                                  "Factor score = mean of the respondent's answered items of the factor; "
                                  "skewness and excess kurtosis as SPSS (G1, G2)", lang)))
    items = desc[desc["kind"] == "item"]
    for f in inst.factor_codes:
        part = items[items["factor"] == f][["variable", "label", "mean", "sd", "level", "rank"]]
        if len(part):
            blocks.append(table(relabel(part, lang).reset_index(drop=True),
                                pick(f"ค่าเฉลี่ย ส่วนเบี่ยงเบนมาตรฐาน และระดับ ด้าน{inst.label(f, 'th')} ({f})",
                                     f"Items of {inst.label(f, 'en')} ({f}): mean, SD and level", lang)))
    if plots:
        blocks.append(figure(lambda: _plots().factor_profile(survey, lang=lang),
                             pick("ค่าเฉลี่ยของแต่ละองค์ประกอบเทียบกับเกณฑ์การแปลผล",
                                  "Factor means against the level bands", lang)))
        blocks.append(figure(lambda: _plots().likert_bars(survey, lang=lang),
                             pick("ร้อยละของคำตอบแต่ละระดับในแต่ละข้อ", "Answers to each item (percent)", lang)))
    corr = parts["correlations"]
    blocks += corr.report_blocks(lang)[1:]     # its heading would repeat ours
    if plots:
        blocks.append(figure(lambda: _plots().correlation_heatmap(corr, lang=lang),
                             pick("สหสัมพันธ์ระหว่างคะแนนองค์ประกอบ", "Correlations of the factor scores", lang)))
    if group is not None:
        blocks += parts["by_group"]

    # -- 3 reliability ---------------------------------------------------------------
    blocks.append(heading(pick("ความเชื่อมั่นของแบบวัด", "Reliability", lang)))
    blocks.append(table(relabel(rel, lang), pick("ค่าสัมประสิทธิ์แอลฟาของครอนบาคและโอเมกา",
                                                 "Cronbach's alpha and McDonald's omega", lang),
                        note=pick("ช่วงความเชื่อมั่น 95% ของแอลฟาแบบ Feldt; การแปลผลตาม George และ Mallery (2003)",
                                  "95% Feldt interval of alpha; interpretation after George & Mallery (2003)",
                                  lang)))
    if parts["item_analysis"] is not None:
        blocks.append(table(relabel(parts["item_analysis"], lang),
                            pick("ค่าอำนาจจำแนกรายข้อ (สหสัมพันธ์ระหว่างข้อกับคะแนนรวมที่ปรับแก้)",
                                 "Corrected item-total correlations", lang),
                            note=pick("เกณฑ์ r ≥ .20", "criterion r ≥ .20", lang)))

    # -- 4 CFA / SEM and validity -------------------------------------------------------
    if sem is not None:
        sem_blocks = sem.report_blocks(lang, criteria=criteria, instrument=inst, figures=plots)
        blocks += sem_blocks[:1]
        blocks += [warning(n) for n in notes]
        blocks += sem_blocks[1:]
        blocks.append(text(pick("แบบจำลองที่ประมาณค่า (ไวยากรณ์ lavaan):", "Model fitted (lavaan syntax):", lang)
                           + "\n" + model))
    else:
        blocks.append(heading(pick("การวิเคราะห์องค์ประกอบเชิงยืนยัน", "Confirmatory factor analysis", lang)))
        blocks.append(warning(pick(f"ประมาณค่าแบบจำลองไม่ได้: {sem_error}", f"The model could not be fitted: {sem_error}",
                                   lang)))
    return blocks


def _profile_blocks(survey, lang, max_categories: int = 12) -> list[Block]:
    """Respondents by each categorical column (role, gender ...): frequency and percent, as chapter 4 opens.

    Columns with more than ``max_categories`` answers (ids, years, times) and
    form metadata (timestamp, e-mail) are left out.
    """
    from ..io.survey import _FORM_META
    from ..io.scales import normalize_text

    cols = [c for c in survey.other_columns if c != survey.id_column and normalize_text(c) not in _FORM_META
            and 1 <= survey.data[c].nunique() <= max_categories]
    if not cols:
        return []
    f = frequencies(survey, cols, lang=lang)
    f = f[~f["missing"] | (f["count"] > 0)]          # a missing row only where someone left it blank
    shown = f[["variable", "label", "count", "percent"]].reset_index(drop=True)
    shown["percent"] = [f"{p:.2f}" for p in shown["percent"]]      # percents to two decimals, as printed
    shown = relabel(shown, lang).rename(columns={pick("ข้อความ", "Label", lang): pick("กลุ่ม", "Category", lang)})
    return [heading(pick("สถานภาพของผู้ตอบแบบสอบถาม", "Respondents", lang)),
            table(shown, pick(f"จำนวนและร้อยละของผู้ตอบแบบสอบถาม (n = {len(survey)})",
                                             f"Respondents by {', '.join(cols)} (n = {len(survey)})", lang),
                  note=pick("ร้อยละของผู้ตอบทั้งหมด", "Percent of all respondents", lang))]


def _plots():
    from .. import plots
    return plots


def _bands_text(scale, lang) -> str:
    return ", ".join(f"{b.lower:.2f}–{b.upper:.2f} {b.label(lang)}" for b in reversed(scale.bands))


def _key_results(survey, desc, rel, sem, sem_error, criteria, lang) -> list[Block]:
    v = survey.validation
    out = []
    if not v.ok:
        out.append(warning(pick(f"พบคำตอบที่ไม่ถูกต้อง {v.n_errors} รายการ", f"{v.n_errors} invalid answers", lang)))
    verdict = pick("คำตอบถูกต้องทุกข้อ", "All answers valid", lang) if v.ok else pick("มีคำตอบที่ไม่ถูกต้อง",
                                                                                    "Invalid answers", lang)
    out.append(text(pick(f"{verdict} — ผู้ตอบ {len(survey)} คน; เก็บไว้ {v.rows_kept} แถวจาก {v.rows_read} แถว; "
                         f"ข้อคำถาม {v.n_items_found} จาก {v.n_items} ข้อ",
                         f"{verdict} — {len(survey)} respondents; {v.rows_kept} rows kept of {v.rows_read} read; "
                         f"{v.n_items_found} of {v.n_items} items.", lang)))
    overall = desc[desc["kind"] == "total"].iloc[0]
    fac = desc[desc["kind"] == "factor"].sort_values("mean", ascending=False)
    top = fac.iloc[0]
    out.append(text(pick(f"ภาพรวมอยู่ในระดับ{overall['level']} (M = {overall['mean']:.2f}, S.D. = {overall['sd']:.2f}); "
                         f"ค่าเฉลี่ยสูงสุดคือ {top['label']} (M = {top['mean']:.2f})",
                         f"Overall level: {overall['level']} (M = {overall['mean']:.2f}, SD = {overall['sd']:.2f}); "
                         f"highest factor: {top['label']} (M = {top['mean']:.2f})", lang)))
    tot = rel[rel["variable"] == "overall"].iloc[0]
    low = rel[rel["variable"] != "overall"].sort_values("alpha").iloc[0]
    out.append(text(pick(f"ความเชื่อมั่นทั้งฉบับ α = {tot['alpha']:.3f} ({tot['interpretation']}); ต่ำสุดรายด้าน "
                         f"{low['variable']} α = {low['alpha']:.3f}",
                         f"Reliability of the whole instrument α = {tot['alpha']:.3f} ({tot['interpretation']}); "
                         f"lowest factor {low['variable']} α = {low['alpha']:.3f}", lang)))
    if sem is None:
        out.append(warning(pick(f"ประมาณค่าแบบจำลองไม่ได้: {sem_error}", f"The model could not be fitted: {sem_error}",
                                lang)))
        return out
    for w in sem.warnings:
        out.append(warning(w.text(lang)))
    ft = sem.fit_table(criteria, lang)
    # the values the criteria judge: scaled / robust ones with a robust estimator
    fi = {k: resolve_index(sem.fit_indices, k, sem.estimator)[1] for k in ("cfi", "tli", "rmsea", "srmr", "cmin/df")}
    failed = ", ".join(ft.loc[~ft["passed"], ft.columns[0]])
    out.append(text(pick(
        f"แบบจำลองผ่านเกณฑ์ {int(ft['passed'].sum())} จาก {len(ft)} ดัชนี: CFI = {fi['cfi']:.3f}, TLI = {fi['tli']:.3f}, "
        f"RMSEA = {fi['rmsea']:.3f}, SRMR = {fi['srmr']:.3f}, χ²/df = {fi['cmin/df']:.2f}"
        + (f"; ไม่ผ่าน: {failed}" if failed else ""),
        f"Model fit: {int(ft['passed'].sum())} of {len(ft)} criteria met: CFI = {fi['cfi']:.3f}, TLI = {fi['tli']:.3f}, "
        f"RMSEA = {fi['rmsea']:.3f}, SRMR = {fi['srmr']:.3f}, χ²/df = {fi['cmin/df']:.2f}"
        + (f"; not met: {failed}" if failed else ""), lang)))
    std = sem.standardized
    paths = std[std["op"] == "~"]
    if len(paths) and len(sem.r2.index) and not isinstance(sem.r2.index, pd.MultiIndex):
        outcome = paths["lhs"].iloc[0]
        if outcome in sem.r2.index:
            strongest = paths.loc[paths["est.std"].abs().idxmax()]
            out.append(text(pick(
                f"ตัวแปรต้นร่วมกันอธิบายความแปรปรวนของ {outcome} ได้ร้อยละ {100 * sem.r2[outcome]:.1f} "
                f"(R² = {sem.r2[outcome]:.3f}); อิทธิพลสูงสุดคือ {strongest['rhs']} (β = {strongest['est.std']:.3f})",
                f"The predictors explain {100 * sem.r2[outcome]:.1f}% of the variance of {outcome} "
                f"(R² = {sem.r2[outcome]:.3f}); the largest path is from {strongest['rhs']} "
                f"(β = {strongest['est.std']:.3f})", lang)))
    return out


def _group_blocks(survey, group, lang) -> list[Block]:
    inst = survey.instrument
    factors = [f for f in inst.factor_codes if any(c in survey.item_columns for c in inst.items_of(f))]
    levels = survey.data[group].dropna().unique()
    out = [heading(pick(f"เปรียบเทียบตาม {group}", f"Comparison by {group}", lang), 3)]
    by = describe(survey, by=group, columns=factors + ["overall"], lang=lang, shape=False)
    out.append(table(relabel(by[["group", "variable", "n", "mean", "sd", "level"]], lang),
                     pick(f"ค่าเฉลี่ยและระดับ จำแนกตาม {group}", f"Means and levels by {group}", lang)))
    rows, problems = [], []
    if len(levels) == 2:
        for f in factors:
            try:
                r = ttest(survey, dv=f, group=group)
            except StatsInputError as exc:
                problems.append(f"{f}: {exc}")
                continue
            rows.append({"variable": f, "group1": r.group1, "group2": r.group2, "diff": r.diff, "t": r.t,
                         "df": r.df, "p": r.p, "cohen_d": r.cohen_d, "levene_p": r.levene_p})
        note = pick("Welch t-test (ไม่สมมติว่าความแปรปรวนเท่ากัน); ผลต่าง = กลุ่ม 1 − กลุ่ม 2",
                    "Welch's t-test (unequal variances); difference = group 1 − group 2", lang)
        name = pick(f"ผลการทดสอบที จำแนกตาม {group}", f"t-tests by {group}", lang)
    elif len(levels) > 2:
        for f in factors:
            try:
                r = anova(survey, f, group, lang=lang)
            except StatsInputError as exc:
                problems.append(f"{f}: {exc}")
                continue
            rows.append({"variable": f, "F": r.F, "df1": r.df1, "df2": r.df2, "p": r.p, "eta_sq": r.eta_sq,
                         "welch_F": r.welch_F, "welch_p": r.welch_p, "levene_p": r.levene_p})
        note = pick("ถ้า Levene p < .05 ให้อ่าน Welch F; η² = SS ระหว่างกลุ่ม / SS รวม",
                    "When Levene p < .05 read Welch's F; η² = SS between / SS total", lang)
        name = pick(f"ผลการวิเคราะห์ความแปรปรวนทางเดียว จำแนกตาม {group}", f"One-way ANOVA by {group}", lang)
    else:
        out.append(warning(pick(f"{group} มีเพียงกลุ่มเดียว จึงไม่ทดสอบความแตกต่าง",
                                f"{group} has one group only; no test of differences", lang)))
        return out
    out += [warning(p) for p in problems]
    if rows:
        t = pd.DataFrame(rows).rename(columns={"cohen_d": "Cohen's d", "eta_sq": "η²", "welch_F": "Welch F",
                                               "welch_p": "Welch p", "levene_p": "Levene p"})
        out.append(table(relabel(t, lang), name, note=note))
    return out
