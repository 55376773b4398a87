"""Published results, frozen as they were printed, for replication and audit.

Numbers are kept as the paper prints them (as text, so that their number
of decimals — which fixes the rounding interval a replication is judged
against — is not lost).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["PublishedFit", "JEDAMAN_2020"]


@dataclass(frozen=True)
class PublishedFit:
    """The reported fit of a published SEM.

    ``values`` maps lavaan index names (``chisq``, ``df``, ``cmin/df``, ``nfi``,
    ``gfi``, ``rmsea``, ``rmr``, ``r2``) to the printed text, e.g. ``"0.95"``.
    """

    key: str
    citation: str
    values: MappingProxyType
    n_factors: int
    n_indicators: int
    outcome: str
    predictors: tuple
    nobs: int | None = None
    notes_en: tuple = ()
    notes_th: tuple = ()
    source: str = ""

    def value(self, name: str) -> float:
        return float(self.values[name])

    def decimals(self, name: str) -> int:
        text = self.values[name]
        return len(text.split(".")[1]) if "." in text else 0

    def as_dict(self) -> dict:
        return {k: float(v) for k, v in self.values.items()}


#: Jedaman et al. (research year 2020, presented 8 Nov 2021), OBEC: the Education Management 4.0 model.
JEDAMAN_2020 = PublishedFit(
    key="jedaman-2020",
    citation=("Jedaman, P., Kidrakarn, P., Yuenyung, S., Kenaphum, S., Jongmuainwai, B., "
              "Wang-sard, A., Niyomves, B. & Suksub, S. (2021). Developing Model to Education "
              "Management 4.0 of Quality Organization Effectiveness to Sustainability Educational "
              "Institution. Office of the Basic Education Commission (OBEC), Thailand."),
    values=MappingProxyType({"chisq": "562.16", "df": "192", "cmin/df": "2.92", "nfi": "0.95",
                             "gfi": "0.93", "rmsea": "0.05", "rmr": "0.30", "r2": "0.78"}),
    n_factors=6,
    n_indicators=42,
    outcome="EFF",
    predictors=("ACL", "ATM", "QMG", "HRM", "IQA"),
    nobs=None,
    notes_en=(
        "The paper does not report the sample size N.",
        "The Thai abstract names four predictors explaining 78% of EFF (academic leadership, "
        "internal QA, HRM, atmosphere); the English abstract names five (adds quality management).",
        "Training impact: post-test above pre-test at .01; satisfaction 'highest' (4.51-5.00); "
        "knowledge and satisfaction correlated at .01.",
    ),
    notes_th=(
        "บทความไม่ได้รายงานขนาดกลุ่มตัวอย่าง (N)",
        "บทคัดย่อภาษาไทยระบุตัวแปรทำนาย 4 ตัว อธิบายความแปรปรวนได้ร้อยละ 78 "
        "(ภาวะผู้นำทางวิชาการ การประกันคุณภาพภายใน การบริหารทรัพยากรมนุษย์ บรรยากาศสถานศึกษา) "
        "ส่วนบทคัดย่อภาษาอังกฤษระบุ 5 ตัว (เพิ่มการบริหารจัดการคุณภาพ)",
        "ผลการอบรม: คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญที่ระดับ .01 ความพึงพอใจระดับมากที่สุด "
        "และความรู้กับความพึงพอใจสัมพันธ์กันอย่างมีนัยสำคัญที่ระดับ .01",
    ),
    source="../shared/seeds/000 (the study); summarised in EM40-model.md",
)
