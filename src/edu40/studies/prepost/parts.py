"""The parts of a pre/post report, one result object per analysis.

:class:`PrePostTest` (paired t-test and effect sizes), :class:`GainResult`
(Hake's normalized gain), :class:`EffectivenessIndex` (E.I.),
:class:`Efficiency` (E1/E2), :class:`TestQuality` (KR-20 and item analysis),
:class:`SatisfactionResult` and :class:`KnowledgeSatisfaction`.
:class:`edu40.studies.prepost.report.PrePostReport` holds one of each and
writes the conclusions from them; ``report`` re-exports everything here.

Every object stores numbers and stable ASCII-named tables; Thai or English
appears only when it is displayed (``summary(lang)``, ``tables(lang)``), so
one report serves both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.i18n import check_language, pick
from ...core.results import Result, fmt, fmt_p
from ...stats.correlation import CorrelationResult
from ...stats.testitems import KRResult
from ...stats.ttests import PairedTTestResult, _cohen_label
from .indices import hake_level

__all__ = ["PrePostTest", "GainResult", "EffectivenessIndex", "Efficiency", "TestQuality",
           "SatisfactionResult", "KnowledgeSatisfaction", "significance_level"]


# English item-analysis words of edu40.item_difficulty_discrimination -> Thai
_ITEM_WORDS_TH = {"too hard": "ยากมาก", "too easy": "ง่ายมาก", "acceptable": "ใช้ได้", "low": "ต่ำ",
                  "keep": "ใช้ได้", "revise": "ควรปรับปรุง", "undefined": "คำนวณไม่ได้"}
_TEST_TH = {"pre": "ก่อนอบรม", "post": "หลังอบรม"}
# What "knowledge" is in the knowledge x satisfaction correlation (Thai, English); the report's
# conclusion sentences name it too
_KNOWLEDGE = {"post": ("คะแนนความรู้หลังอบรม", "post-test knowledge"),
              "gain": ("คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)", "the knowledge gain (post − pre)"),
              "normalized_gain": ("ค่าพัฒนาการสัมพัทธ์ (normalized gain)", "the normalized gain")}


def significance_level(p: float) -> str | None:
    """The level a Thai report names: ``".01"`` if p < .01, ``".05"`` if p < .05, else None."""
    if p is None or not np.isfinite(p):
        return None
    if p < 0.01:
        return ".01"
    if p < 0.05:
        return ".05"
    return None


def _r(x: float) -> str:
    """A correlation without the leading zero, APA style (.45, -.12)."""
    return fmt(x, 2).replace("0.", ".", 1)


# ---------------------------------------------------------------------------
# The parts
# ---------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PrePostTest(Result):
    """Paired t-test of post - pre (as R's ``t.test(post, pre, paired = TRUE)``) with effect sizes.

    ``paired`` is the :class:`edu40.PairedTTestResult` of
    :func:`edu40.paired_ttest` (t, df, p, mean difference and its interval,
    Cohen's d_z, Shapiro-Wilk of the differences, Wilcoxon signed-rank); the
    common fields are also reachable directly (``.t``, ``.p`` ...).  Added:
    the interval of d_z and Hedges' g_av with its interval (Lakens, 2013;
    see :func:`edu40.studies.prepost.paired_effect_sizes`).
    """

    paired: PairedTTestResult
    cohen_dz: float
    dz_ci_low: float
    dz_ci_high: float
    cohen_dav: float
    hedges_gav: float
    gav_ci_low: float
    gav_ci_high: float

    # the paired t-test's fields, reachable as report.test.t, report.test.p ...
    n = property(lambda self: self.paired.n)
    t = property(lambda self: self.paired.t)
    df = property(lambda self: self.paired.df)
    p = property(lambda self: self.paired.p)
    diff = property(lambda self: self.paired.diff)
    se = property(lambda self: self.paired.se)
    ci_low = property(lambda self: self.paired.ci_low)
    ci_high = property(lambda self: self.paired.ci_high)
    mean_pre = property(lambda self: self.paired.mean_pre)
    mean_post = property(lambda self: self.paired.mean_post)
    sd_pre = property(lambda self: self.paired.sd_pre)
    sd_post = property(lambda self: self.paired.sd_post)
    sd_diff = property(lambda self: self.paired.sd_diff)
    r_pre_post = property(lambda self: self.paired.r_pre_post)
    alternative = property(lambda self: self.paired.alternative)
    confidence = property(lambda self: self.paired.confidence)
    shapiro_W = property(lambda self: self.paired.shapiro_W)
    shapiro_p = property(lambda self: self.paired.shapiro_p)
    wilcoxon_V = property(lambda self: self.paired.wilcoxon_V)
    wilcoxon_p = property(lambda self: self.paired.wilcoxon_p)
    wilcoxon_method = property(lambda self: self.paired.wilcoxon_method)

    @property
    def level(self) -> str | None:
        """``".01"``, ``".05"`` or None: the significance level a Thai report names."""
        return significance_level(self.p)

    def to_frame(self) -> pd.DataFrame:
        row = self.paired.to_dict()
        row.update({k: v for k, v in self.to_dict().items() if k != "paired"})
        return pd.DataFrame([row])

    def effect_line(self, lang=None) -> str:
        c = f"{self.confidence:.0%} CI"
        return (f"Cohen's d_z = {fmt(self.cohen_dz, 3)} ({c} [{fmt(self.dz_ci_low, 3)}, {fmt(self.dz_ci_high, 3)}], "
                f"{_cohen_label(self.cohen_dz, lang)}); Hedges' g_av = {fmt(self.hedges_gav, 3)} "
                f"({c} [{fmt(self.gav_ci_low, 3)}, {fmt(self.gav_ci_high, 3)}], {_cohen_label(self.hedges_gav, lang)})")

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        lines = self.paired.summary(lang).split("\n")
        lines[2] = self.effect_line(lang)
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class GainResult(Result):
    """Hake's normalized gain: class average <g> and each participant's g_i.

    ``individual`` has one row per analysed participant: ``participant, pre,
    post, gain`` (post - pre) and ``g`` (NaN when the pre score is already
    full).  ``mean_individual`` is the mean of the defined g_i.
    """

    class_average: float
    mean_individual: float
    n: int
    n_undefined: int
    full_score: float
    individual: pd.DataFrame

    def level(self, lang: str | None = None) -> str | None:
        """Hake's band of the class average: high (>= .7), medium (.3-.7), low (< .3)."""
        return hake_level(self.class_average, check_language(lang))

    def __float__(self) -> float:
        return float(self.class_average)

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        undefined = (pick(f"; ไม่นิยาม {self.n_undefined} คน (คะแนนก่อนอบรมเต็มแล้ว)",
                          f"; undefined for {self.n_undefined} (pre score already full)", lang)
                     if self.n_undefined else "")
        return pick(f"ค่าพัฒนาการสัมพัทธ์ (normalized gain, Hake) ของกลุ่ม <g> = {fmt(self.class_average, 3)} "
                    f"(ระดับ{self.level(lang)})\nค่าเฉลี่ยของ g รายบุคคล = {fmt(self.mean_individual, 3)} "
                    f"(n = {self.n - self.n_undefined}{undefined})",
                    f"Normalized gain (Hake) of the class <g> = {fmt(self.class_average, 3)} ({self.level(lang)})\n"
                    f"mean of the individual gains g_i = {fmt(self.mean_individual, 3)} "
                    f"(n = {self.n - self.n_undefined}{undefined})", lang)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        return {pick("รายบุคคล", "per participant", lang): self.individual}


@dataclass(frozen=True, eq=False)
class EffectivenessIndex(Result):
    """E.I. = (sum post - sum pre) / (N x full score - sum pre) (Goodman, Fletcher & Schneider, 1980)."""

    value: float
    n: int
    full_score: float
    sum_pre: float
    sum_post: float
    criterion: float

    @property
    def percent(self) -> float:
        """E.I. as the percentage of the possible gain achieved."""
        return 100 * self.value

    @property
    def meets_criterion(self) -> bool:
        return bool(self.value >= self.criterion - 1e-12)

    def __float__(self) -> float:
        return float(self.value)

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        formula = (f"({fmt(self.sum_post, 0)} − {fmt(self.sum_pre, 0)}) / ({self.n} × {self.full_score:g} − "
                   f"{fmt(self.sum_pre, 0)})")
        ok = self.meets_criterion
        return pick(f"ดัชนีประสิทธิผล E.I. = {fmt(self.value, 4)} (ร้อยละ {fmt(self.percent, 2)}) "
                    f"{'ผ่าน' if ok else 'ไม่ผ่าน'}เกณฑ์ {self.criterion:.2f}\nE.I. = {formula}",
                    f"Effectiveness index E.I. = {fmt(self.value, 4)} ({fmt(self.percent, 2)}% of the possible gain); "
                    f"{'meets' if ok else 'below'} the {self.criterion:.2f} criterion\nE.I. = {formula}", lang)


@dataclass(frozen=True, eq=False)
class Efficiency(Result):
    """E1/E2 efficiency against a criterion such as 80/80 (Brahmawong)."""

    e1: float
    e2: float
    n_process: int
    n_post: int
    process_full: float
    full_score: float
    criterion_e1: float
    criterion_e2: float

    @property
    def meets_criterion(self) -> bool:
        return bool(self.e1 >= self.criterion_e1 - 1e-12 and self.e2 >= self.criterion_e2 - 1e-12)

    @property
    def criterion(self) -> str:
        return f"{self.criterion_e1:g}/{self.criterion_e2:g}"

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        ok = self.meets_criterion
        return pick(f"ประสิทธิภาพ E1/E2 = {fmt(self.e1, 2)}/{fmt(self.e2, 2)} "
                    f"{'เป็นไปตาม' if ok else 'ไม่เป็นไปตาม'}เกณฑ์ {self.criterion}\n"
                    f"E1: คะแนนระหว่างอบรม (เต็ม {self.process_full:g}) n = {self.n_process}; "
                    f"E2: คะแนนหลังอบรม (เต็ม {self.full_score:g}) n = {self.n_post}",
                    f"Efficiency E1/E2 = {fmt(self.e1, 2)}/{fmt(self.e2, 2)}: "
                    f"{'meets' if ok else 'does not meet'} the {self.criterion} criterion\n"
                    f"E1: process score (out of {self.process_full:g}), n = {self.n_process}; "
                    f"E2: post-test (out of {self.full_score:g}), n = {self.n_post}", lang)


@dataclass(frozen=True, eq=False)
class TestQuality(Result):
    """KR-20 and item difficulty/discrimination of the pre- and post-test (0/1 items only).

    ``items``: ``test`` (pre/post), ``item, n, difficulty, discrimination``
    (corrected point-biserial), ``difficulty_level, discrimination_level,
    decision`` (English codes; ``tables("th")`` shows Thai).  An item answered
    alike by everyone has no discrimination (NaN, ``undefined``).
    """

    __test__ = False   # not a pytest class

    kr20_pre: KRResult | None
    kr20_post: KRResult | None
    items: pd.DataFrame

    def n_revise(self, test: str) -> int:
        t = self.items[self.items["test"] == test]
        return int((t["decision"] != "keep").sum())

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        parts = []
        for test, kr in (("pre", self.kr20_pre), ("post", self.kr20_post)):
            if kr is None:
                continue
            name = pick(f"แบบทดสอบ{_TEST_TH[test]}", f"{test}-test", lang)
            parts.append(pick(f"{name}: KR-20 = {fmt(kr.value, 3)} ({kr.k} ข้อ, n = {kr.n}); "
                              f"ข้อที่ควรปรับปรุง {self.n_revise(test)} ข้อ",
                              f"{name}: KR-20 = {fmt(kr.value, 3)} ({kr.k} items, n = {kr.n}); "
                              f"{self.n_revise(test)} item(s) to revise", lang))
        return "\n".join(parts) if parts else pick("ไม่มีข้อมูลรายข้อ", "no item data", lang)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        t = self.items.copy()
        if check_language(lang) == "th":
            t["test"] = t["test"].map(_TEST_TH)
            for c in ("difficulty_level", "discrimination_level", "decision"):
                t[c] = t[c].map(lambda v: _ITEM_WORDS_TH.get(v, v))
        return {pick("คุณภาพรายข้อ", "item analysis", lang): t}

    def to_frame(self) -> pd.DataFrame:
        return self.items.copy()


@dataclass(frozen=True, eq=False)
class SatisfactionResult(Result):
    """Satisfaction per item and overall: mean, S.D. and the level band of the scale.

    ``items``: ``item, label_th, label_en, n, missing, mean, sd, level_th,
    level_en, rank`` (from :func:`edu40.describe`).  Overall: each
    participant's mean of the items they answered, then the mean and S.D. of
    those scores over ``n`` participants.
    """

    items: pd.DataFrame
    n: int
    n_no_answer: int
    mean: float
    sd: float
    level_th: str
    level_en: str
    scale_points: int

    def level(self, lang: str | None = None) -> str:
        return self.level_th if check_language(lang) == "th" else self.level_en

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        none = (pick(f"; ไม่ตอบเลย {self.n_no_answer} คน", f"; {self.n_no_answer} gave no answer", lang)
                if self.n_no_answer else "")
        return pick(f"ความพึงพอใจโดยรวม: x̄ = {fmt(self.mean, 2)}, S.D. = {fmt(self.sd, 2)}, ระดับ{self.level_th} "
                    f"({len(self.items)} ข้อ, n = {self.n}{none})",
                    f"Overall satisfaction: M = {fmt(self.mean, 2)}, SD = {fmt(self.sd, 2)}, {self.level_en} "
                    f"({len(self.items)} items, n = {self.n}{none})", lang)

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        th = check_language(lang) == "th"
        t = self.items.rename(columns={"label_th" if th else "label_en": "label",
                                       "level_th" if th else "level_en": "level"})
        t = t[["item", "label", "n", "mean", "sd", "level", "rank"]]
        total = pd.DataFrame([{"item": pick("ภาพรวม", "overall", lang), "label": "", "n": self.n,
                               "mean": self.mean, "sd": self.sd, "level": self.level(lang), "rank": pd.NA}])
        return {pick("ความพึงพอใจ", "satisfaction", lang): pd.concat([t, total], ignore_index=True)}

    def to_frame(self) -> pd.DataFrame:
        return self.items.copy()


@dataclass(frozen=True, eq=False)
class KnowledgeSatisfaction(Result):
    """Correlation of knowledge (post score, gain or normalized gain) with overall satisfaction."""

    knowledge: str
    method: str
    n: int
    r: float
    ci_low: float
    ci_high: float
    p: float
    correlation: CorrelationResult

    @property
    def level(self) -> str | None:
        return significance_level(self.p)

    def to_frame(self) -> pd.DataFrame:
        return self.correlation.to_frame()

    def summary(self, lang: str | None = None) -> str:
        lang = check_language(lang)
        name = "r" if self.method == "pearson" else "r_s"
        ci = f"95% CI [{_r(self.ci_low)}, {_r(self.ci_high)}]"
        what = _KNOWLEDGE[self.knowledge][0 if lang == "th" else 1]
        return pick(f"ความสัมพันธ์ระหว่าง{what}กับความพึงพอใจ: {name} = {_r(self.r)}, {ci}, {fmt_p(self.p)}, "
                    f"n = {self.n}",
                    f"Correlation of {what} with satisfaction: {name} = {_r(self.r)}, {ci}, {fmt_p(self.p)}, "
                    f"n = {self.n}", lang)
