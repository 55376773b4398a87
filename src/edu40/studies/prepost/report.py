"""The report of a pre/post comparison: :class:`PrePostReport` and the sentences it prints.

The report gathers the parts (:mod:`edu40.studies.prepost.parts`, re-exported
here) and writes from them the verdict, the conclusion sentences, the
summary, the tables and the plots.  It stores numbers and stable ASCII-named
tables; Thai or English appears only when it is displayed
(``summary(lang)``, ``tables(lang)``, ``conclusions(lang)``), so one report
serves both languages.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ...core.i18n import check_language, pick
from ...core.results import Result, fmt, fmt_p, relabel
from ._data import EXCLUSION_REASONS
from .parts import (_KNOWLEDGE, EffectivenessIndex, Efficiency, GainResult, KnowledgeSatisfaction, PrePostTest,
                    SatisfactionResult, TestQuality, _r, significance_level)

__all__ = ["PrePostReport", "PrePostTest", "GainResult", "EffectivenessIndex", "Efficiency", "TestQuality",
           "SatisfactionResult", "KnowledgeSatisfaction", "significance_level"]


# Report headers of the columns edu40.core.results.HEADERS does not know (Thai, English)
_EXTRA_HEADERS = {"participant": ("ผู้เข้าอบรม", "Participant"), "reason": ("เหตุผล", "Reason"),
                  "detail": ("รายละเอียด", "Detail"), "difficulty_level": ("ระดับความยาก", "Difficulty level"),
                  "discrimination_level": ("ระดับอำนาจจำแนก", "Discrimination level")}


def _headers(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    i = 0 if lang == "th" else 1
    return relabel(table.rename(columns={k: v[i] for k, v in _EXTRA_HEADERS.items() if k in table.columns}), lang)


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PrePostReport(Result):
    """Everything a training evaluation reports, from one call of :func:`edu40.prepost`.

    Attributes
    ----------
    test : PrePostTest
        Paired t-test of post - pre, effect sizes, Shapiro-Wilk, Wilcoxon.
    normalized_gain : GainResult
        Hake's class-average <g> and each participant's g_i.
    effectiveness_index : EffectivenessIndex
        E.I. (``float(report.effectiveness_index)`` gives the number).
    efficiency : Efficiency or None
        E1/E2 against the criterion, when process scores were given.
    quality : TestQuality or None
        KR-20 and item analysis of each test given as 0/1 items.
    satisfaction : SatisfactionResult or None
    correlation : KnowledgeSatisfaction or None
        Knowledge x satisfaction, when satisfaction was given.
    scores : DataFrame
        One row per analysed participant: ``participant, pre, post, gain, g``
        and ``process``/``satisfaction`` when given.
    exclusions : DataFrame
        One row per participant left out: ``participant, reason, detail,
        detail_th`` (reasons: ``not_in_post``, ``not_in_pre``, ``no_pre``, ``no_post``,
        ``no_pre_post``).
    n_read_pre, n_read_post : int
        Rows read in the pre-test and post-test data (the same table when
        there is one).
    notes : tuple of (English, Thai)
        What the reader should know (non-normal differences, undefined
        discriminations ...).
    """

    test: PrePostTest
    normalized_gain: GainResult
    effectiveness_index: EffectivenessIndex
    efficiency: Efficiency | None
    quality: TestQuality | None
    satisfaction: SatisfactionResult | None
    correlation: KnowledgeSatisfaction | None
    scores: pd.DataFrame
    exclusions: pd.DataFrame
    n_read_pre: int
    n_read_post: int
    full_score: float
    pre_columns: tuple
    post_columns: tuple
    sources: tuple
    notes: tuple

    @property
    def n(self) -> int:
        """Participants analysed (complete pairs)."""
        return int(len(self.scores))

    @property
    def n_excluded(self) -> int:
        return int(len(self.exclusions))

    # -- sentences ----------------------------------------------------------
    def _verdict_core(self, lang) -> str:
        level = self.test.level
        if level is None:
            return pick("คะแนนก่อนและหลังอบรมไม่แตกต่างกันอย่างมีนัยสำคัญทางสถิติ",
                        "Pre- and post-training scores did not differ significantly", lang)
        higher = self.test.diff > 0
        return pick(f"คะแนนหลังอบรม{'สูงกว่า' if higher else 'ต่ำกว่า'}ก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ {level}",
                    f"Post-training scores were significantly {'higher' if higher else 'lower'} than pre-training "
                    f"scores at the {level} level", lang)

    def verdict(self, lang: str | None = None) -> str:
        """The headline sentence on the paired t-test, as a Thai report prints it.

        The level named is .01 when p < .01, .05 when p < .05; otherwise the
        scores "did not differ significantly".  Direction follows the sign of
        the mean difference post - pre.
        """
        lang = check_language(lang)
        core = self._verdict_core(lang)
        if lang == "th":
            return core
        return core + (f" ({fmt_p(self.test.p)})." if self.test.level is None else ".")

    def conclusions(self, lang: str | None = None) -> list[str]:
        """The conclusion sentences of the report, in order: test, E.I., E1/E2, satisfaction, correlation."""
        lang = check_language(lang)
        t = self.test
        stat = f"t({t.df}) = {fmt(t.t, 2)}, {fmt_p(t.p)}"
        if lang == "th":
            out = [f"{self._verdict_core(lang)} ({stat}) โดยมีค่าเฉลี่ยก่อนอบรม {fmt(t.mean_pre, 2)} และหลังอบรม "
                   f"{fmt(t.mean_post, 2)} จากคะแนนเต็ม {self.full_score:g}"]
        else:
            out = [f"{self._verdict_core(lang)} ({stat}, d_z = {fmt(t.cohen_dz, 2)}); the mean was "
                   f"{fmt(t.mean_pre, 2)} before and {fmt(t.mean_post, 2)} after the training, out of "
                   f"{self.full_score:g}."]
        ei = self.effectiveness_index
        ok = "สูงกว่าหรือเท่ากับ" if ei.meets_criterion else "ต่ำกว่า"
        if ei.value >= 0:
            out.append(pick(f"ดัชนีประสิทธิผลของการอบรม (E.I.) เท่ากับ {fmt(ei.value, 4)} แสดงว่าผู้เข้าอบรมมีความรู้"
                            f"เพิ่มขึ้นร้อยละ {fmt(ei.percent, 2)} ซึ่ง{ok}เกณฑ์ {ei.criterion:.2f}",
                            f"The effectiveness index was E.I. = {fmt(ei.value, 4)}: participants gained "
                            f"{fmt(ei.percent, 2)}% of the knowledge they could still gain "
                            f"({'meeting' if ei.meets_criterion else 'below'} the {ei.criterion:.2f} criterion).",
                            lang))
        else:   # the total fell: "gained -12 %" would misread
            out.append(pick(f"ดัชนีประสิทธิผลของการอบรม (E.I.) เท่ากับ {fmt(ei.value, 4)} ซึ่งติดลบ แสดงว่าคะแนนรวม"
                            f"หลังอบรมต่ำกว่าก่อนอบรม และต่ำกว่าเกณฑ์ {ei.criterion:.2f}",
                            f"The effectiveness index was negative, E.I. = {fmt(ei.value, 4)}: the total score fell "
                            f"after the training (below the {ei.criterion:.2f} criterion).", lang))
        if self.efficiency is not None:
            e = self.efficiency
            out.append(pick(f"ประสิทธิภาพของการอบรม E1/E2 เท่ากับ {fmt(e.e1, 2)}/{fmt(e.e2, 2)} "
                            f"{'เป็นไปตาม' if e.meets_criterion else 'ไม่เป็นไปตาม'}เกณฑ์ {e.criterion} ที่กำหนด",
                            f"The efficiency of the training was E1/E2 = {fmt(e.e1, 2)}/{fmt(e.e2, 2)}, "
                            f"{'meeting' if e.meets_criterion else 'not meeting'} the {e.criterion} criterion.", lang))
        if self.satisfaction is not None:
            s = self.satisfaction
            out.append(pick(f"ผู้เข้าอบรมมีความพึงพอใจต่อการอบรมโดยรวมอยู่ในระดับ{s.level_th} "
                            f"(x̄ = {fmt(s.mean, 2)}, S.D. = {fmt(s.sd, 2)})",
                            f"Overall satisfaction with the training was at the {s.level_en} level "
                            f"(M = {fmt(s.mean, 2)}, SD = {fmt(s.sd, 2)}).", lang))
        if self.correlation is not None:
            c = self.correlation
            what_th, what_en = _KNOWLEDGE[c.knowledge]
            sign_th, sign_en = ("ทางบวก", "positively") if c.r > 0 else ("ทางลบ", "negatively")
            name = "r" if c.method == "pearson" else "r_s"
            if c.level is None:
                out.append(pick(f"{what_th}กับความพึงพอใจต่อการอบรมไม่มีความสัมพันธ์กันอย่างมีนัยสำคัญทางสถิติ "
                                f"({name} = {_r(c.r)})",
                                f"{what_en[0].upper() + what_en[1:]} and satisfaction were not significantly "
                                f"correlated ({name} = {_r(c.r)}, {fmt_p(c.p)}).", lang))
            else:
                out.append(pick(f"{what_th}กับความพึงพอใจต่อการอบรมมีความสัมพันธ์{sign_th}อย่างมีนัยสำคัญทางสถิติ"
                                f"ที่ระดับ {c.level} ({name} = {_r(c.r)})",
                                f"{what_en[0].upper() + what_en[1:]} and satisfaction were {sign_en} correlated, "
                                f"significant at the {c.level} level ({name} = {_r(c.r)}, {fmt_p(c.p)}).", lang))
        return out

    # -- displays ------------------------------------------------------------
    def _essentials(self, lang) -> list[str]:
        t = self.test
        head = pick(f"การเปรียบเทียบก่อน-หลังอบรม: วิเคราะห์ {self.n} คู่"
                    + (f", ตัดออก {self.n_excluded} คน" if self.n_excluded else ""),
                    f"Pre/post comparison: {self.n} pairs analysed"
                    + (f", {self.n_excluded} excluded" if self.n_excluded else ""), lang)
        lines = [head, self.verdict(lang), t.paired.summary(lang).split("\n")[0],
                 self.effectiveness_index.summary(lang).split("\n")[0]]
        if self.satisfaction is not None:
            lines.append(self.satisfaction.summary(lang))
        if self.correlation is not None:
            lines.append(self.correlation.summary(lang))
        return lines

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        t = self.test
        lines = self._essentials(lang)
        lines.append("")
        lines.append(pick(f"ผู้เข้าอบรม: อ่านข้อมูลก่อนอบรม {self.n_read_pre} แถว, หลังอบรม {self.n_read_post} แถว; "
                          f"วิเคราะห์ {self.n} คน, ตัดออก {self.n_excluded} คน",
                          f"Participants: {self.n_read_pre} rows read (pre), {self.n_read_post} (post); "
                          f"{self.n} analysed, {self.n_excluded} excluded", lang)
                     if self.sources[0] != self.sources[1] else
                     pick(f"ผู้เข้าอบรม: อ่าน {self.n_read_pre} แถว; วิเคราะห์ {self.n} คน, ตัดออก {self.n_excluded} คน",
                          f"Participants: {self.n_read_pre} rows read; {self.n} analysed, {self.n_excluded} excluded",
                          lang))
        for r in self.exclusions.head(20).itertuples():
            en, th = EXCLUSION_REASONS[r.reason]
            lines.append(f"  {r.participant}: {pick(th, en, lang)} ({pick(r.detail_th, r.detail, lang)})")
        if self.n_excluded > 20:
            lines.append(pick(f"  ... และอีก {self.n_excluded - 20} คน (ดู report.exclusions)",
                              f"  ... and {self.n_excluded - 20} more (see report.exclusions)", lang))
        lines.extend(t.paired.summary(lang).split("\n")[1:2])
        lines.append(t.effect_line(lang))
        lines.append(t.paired.summary(lang).split("\n")[3])
        lines.extend(self.normalized_gain.summary(lang).split("\n"))
        lines.append(self.effectiveness_index.summary(lang).split("\n")[1])
        if self.efficiency is not None:
            lines.extend(self.efficiency.summary(lang).split("\n"))
        if self.quality is not None:
            lines.extend(self.quality.summary(lang).split("\n"))
        if self.notes:
            lines.append(pick("หมายเหตุ:", "Notes:", lang))
            lines.extend(f"  - {pick(th, en, lang)}" for en, th in self.notes)
        lines.append(pick("สรุปผล:", "Conclusions:", lang))
        lines.extend(f"  {k}. {s}" for k, s in enumerate(self.conclusions(lang), 1))
        return "\n".join(lines)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        lang = check_language(lang)
        t = self.test
        out = {pick("คะแนนก่อนและหลังอบรม", "pre- and post-test scores", lang): pd.DataFrame({
            "test": [pick("ก่อนอบรม", "pre-test", lang), pick("หลังอบรม", "post-test", lang),
                     pick("ผลต่าง (หลัง − ก่อน)", "difference (post − pre)", lang)],
            "n": [t.n, t.n, t.n], "mean": [t.mean_pre, t.mean_post, t.diff],
            "sd": [t.sd_pre, t.sd_post, t.sd_diff],
            "percent": [100 * t.mean_pre / self.full_score, 100 * t.mean_post / self.full_score,
                        100 * t.diff / self.full_score]})}
        if self.n_excluded:
            ex = self.exclusions.copy()
            ex["reason"] = [EXCLUSION_REASONS[r][1 if lang == "th" else 0] for r in ex["reason"]]
            if lang == "th":
                ex["detail"] = ex["detail_th"]
            ex = ex[["participant", "reason", "detail"]]
            out[pick("ผู้ที่ตัดออกจากการวิเคราะห์", "excluded participants", lang)] = ex
        if self.satisfaction is not None:
            out.update(self.satisfaction.tables(lang))
        if self.quality is not None:
            out.update(self.quality.tables(lang))
        return out

    def to_frame(self) -> pd.DataFrame:
        """Every headline number as a long table: ``section, statistic, value``."""
        t = self.test
        rows = [("sample", "n_read_pre", self.n_read_pre), ("sample", "n_read_post", self.n_read_post),
                ("sample", "n_analysed", self.n), ("sample", "n_excluded", self.n_excluded),
                ("scores", "full_score", self.full_score)]
        for k in ("mean_pre", "sd_pre", "mean_post", "sd_post", "diff", "sd_diff", "r_pre_post"):
            rows.append(("scores", k, getattr(t, k)))
        for k in ("t", "df", "p", "ci_low", "ci_high", "cohen_dz", "dz_ci_low", "dz_ci_high", "cohen_dav",
                  "hedges_gav", "gav_ci_low", "gav_ci_high", "shapiro_W", "shapiro_p", "wilcoxon_V", "wilcoxon_p"):
            rows.append(("test", k, getattr(t, k)))
        rows.append(("test", "significance_level", t.level or "n.s."))
        g = self.normalized_gain
        rows += [("gain", "normalized_gain_class", g.class_average), ("gain", "normalized_gain_level", g.level("en")),
                 ("gain", "normalized_gain_mean_individual", g.mean_individual),
                 ("gain", "effectiveness_index", self.effectiveness_index.value),
                 ("gain", "effectiveness_index_meets_criterion", self.effectiveness_index.meets_criterion)]
        if self.efficiency is not None:
            e = self.efficiency
            rows += [("efficiency", "E1", e.e1), ("efficiency", "E2", e.e2), ("efficiency", "criterion", e.criterion),
                     ("efficiency", "meets_criterion", e.meets_criterion)]
        if self.quality is not None:
            for name, kr in (("kr20_pre", self.quality.kr20_pre), ("kr20_post", self.quality.kr20_post)):
                if kr is not None:
                    rows.append(("quality", name, kr.value))
        if self.satisfaction is not None:
            s = self.satisfaction
            rows += [("satisfaction", "n", s.n), ("satisfaction", "mean", s.mean), ("satisfaction", "sd", s.sd),
                     ("satisfaction", "level", s.level_en), ("satisfaction", "level_th", s.level_th)]
        if self.correlation is not None:
            c = self.correlation
            rows += [("correlation", "knowledge", c.knowledge), ("correlation", "r", c.r),
                     ("correlation", "p", c.p), ("correlation", "n", c.n),
                     ("correlation", "significance_level", c.level or "n.s.")]
        frame = pd.DataFrame(rows, columns=["section", "statistic", "value"])
        frame["value"] = frame["value"].astype(object)
        return frame

    def _repr_html_(self) -> str:
        from ...core.i18n import get_language

        lang = get_language()
        ess = self._essentials(lang)
        head = (f"<p><b>{html.escape(ess[1])}</b><br>{html.escape(ess[0])}</p><ul>"
                + "".join(f"<li>{html.escape(s)}</li>" for s in ess[2:]) + "</ul>")
        rest = self.summary(lang).split("\n")[len(ess) + 1:]
        detail = "<details><summary>" + html.escape(pick("รายละเอียด", "details", lang)) + "</summary><pre>" \
                 + html.escape("\n".join(rest)) + "</pre></details>"
        body = ""
        for name, table in self.tables(lang).items():
            rendered = _headers(table, lang).to_html(index=False, na_rep="",
                                                    float_format=lambda v: f"{v:.3f}")
            if len(table) > 12:
                body += f"<details><summary><i>{html.escape(name)}</i></summary>{rendered}</details>"
            else:
                body += f"<p><i>{html.escape(name)}</i></p>{rendered}"
        return head + detail + body

    def report_blocks(self, lang: str | None = None) -> list:
        """The summary and tables (as every result), then the paired plot and the gains."""
        from ...core.blocks import figure

        lang = check_language(lang)
        blocks = super().report_blocks(lang)
        blocks.append(figure(lambda: self.plot_paired(lang=lang),
                             pick("คะแนนก่อนและหลังอบรมของผู้เข้าอบรมแต่ละคน",
                                  "Each participant's pre- and post-test score", lang)))
        blocks.append(figure(lambda: self.plot_gains(lang=lang),
                             pick("การกระจายของคะแนนที่เพิ่มขึ้น", "Distribution of the gains", lang)))
        return blocks

    # -- plots: edu40.plots.paired_slope / gain_hist with this report's data ----------------
    def plot_paired(self, kind: str = "slope", *, lang: str | None = None, ax=None, **options):
        """Each participant's pre and post score, ``kind="slope"`` or ``"dumbbell"`` (:func:`edu40.plots.paired_slope`)."""
        from .figures import paired_slope

        return paired_slope(self.scores["pre"], self.scores["post"], kind=kind, lang=lang,
                            full_score=self.full_score, ax=ax, **options)

    def plot_gains(self, which: str = "raw", *, lang: str | None = None, ax=None, **options):
        """Gains post - pre, or Hake's g_i with the class <g> (``"normalized"``) (:func:`edu40.plots.gain_hist`)."""
        from .figures import gain_hist

        g = self.normalized_gain.class_average if which == "normalized" else None
        return gain_hist(self.scores["g" if which == "normalized" else "gain"], which=which, class_average=g,
                         lang=lang, ax=ax, **options)
