"""Result objects and display headers shared by the statistics modules.

Column names of every returned table are stable ASCII identifiers (``mean``,
``sd``, ``level`` ...) so that code and exports do not depend on the label
language.  :func:`relabel` gives the Thai or English headers that a report
table shows; result objects use it in ``summary()`` and ``_repr_html_``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, fields

import pandas as pd

from .blocks import heading, table, text
from .reportable import Reportable
from .i18n import check_language, pick

# column -> (Thai, English) display header
HEADERS = {
    "variable": ("ตัวแปร", "Variable"), "label": ("ข้อความ", "Label"), "kind": ("ประเภท", "Kind"),
    "factor": ("องค์ประกอบ", "Factor"), "group": ("กลุ่ม", "Group"), "item": ("ข้อ", "Item"),
    "n": ("n", "n"), "missing": ("ไม่ตอบ", "Missing"), "mean": ("ค่าเฉลี่ย", "Mean"),
    "sd": ("S.D.", "S.D."), "min": ("ต่ำสุด", "Min"), "max": ("สูงสุด", "Max"),
    "skewness": ("ความเบ้", "Skewness"), "kurtosis": ("ความโด่ง", "Kurtosis"),
    "level": ("ระดับ", "Level"), "rank": ("อันดับ", "Rank"),
    "value": ("ค่า", "Value"), "count": ("ความถี่", "Frequency"), "percent": ("ร้อยละ", "Percent"),
    "valid_percent": ("ร้อยละของผู้ตอบ", "Valid percent"),
    "cumulative_percent": ("ร้อยละสะสม", "Cumulative percent"),
    "k": ("จำนวนข้อ", "Items"), "alpha": ("แอลฟา", "Alpha"), "std_alpha": ("แอลฟามาตรฐาน", "Std. alpha"),
    "ci_low": ("ขีดล่าง CI", "CI lower"), "ci_high": ("ขีดบน CI", "CI upper"),
    "omega": ("โอเมกา", "Omega"), "interpretation": ("การแปลผล", "Interpretation"),
    "r_total": ("r กับคะแนนรวม", "Item-total r"), "r_drop": ("r ที่ปรับแก้", "Corrected item-total r"),
    "alpha_if_deleted": ("แอลฟาเมื่อตัดข้อนี้", "Alpha if item deleted"),
    "std_alpha_if_deleted": ("แอลฟามาตรฐานเมื่อตัดข้อนี้", "Std. alpha if item deleted"),
    "decision": ("ผลการพิจารณา", "Decision"),
    "p": ("p", "p"), "p_adj": ("p (ปรับแก้)", "p (adjusted)"),
    "difficulty": ("ความยาก (p)", "Difficulty (p)"), "discrimination": ("อำนาจจำแนก", "Discrimination"),
    "ioc": ("IOC", "IOC"), "n_experts": ("ผู้เชี่ยวชาญ", "Experts"),
    "x": ("ตัวแปร 1", "Variable 1"), "y": ("ตัวแปร 2", "Variable 2"), "r": ("r", "r"),
    "stars": ("นัยสำคัญ", "Sig."), "statistic": ("สถิติ", "Statistic"), "df": ("df", "df"),
    "df1": ("df1", "df1"), "df2": ("df2", "df2"), "F": ("F", "F"), "t": ("t", "t"),
    "ss": ("SS", "SS"), "ms": ("MS", "MS"), "source": ("แหล่งความแปรปรวน", "Source"),
    "group1": ("กลุ่ม 1", "Group 1"), "group2": ("กลุ่ม 2", "Group 2"),
    "diff": ("ผลต่างค่าเฉลี่ย", "Mean difference"), "se": ("SE", "SE"),
    "test": ("การทดสอบ", "Test"),
}


def relabel(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with report headers in Thai or English.

    The returned tables of edu40 keep ASCII column names (``mean``, ``sd``,
    ``level``) for code; this gives the headers a report shows.

    Examples
    --------
    >>> import pandas as pd, edu40
    >>> t = pd.DataFrame({"variable": ["ACL"], "mean": [4.1], "sd": [0.6], "level": ["high"]})
    >>> list(edu40.relabel(t, "th").columns)
    ['ตัวแปร', 'ค่าเฉลี่ย', 'S.D.', 'ระดับ']
    """
    th = check_language(lang) == "th"
    return frame.rename(columns={c: HEADERS[c][0 if th else 1] for c in frame.columns if c in HEADERS})


def fmt_p(p: float) -> str:
    """APA style: ``p < .001`` or ``p = .034``."""
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


def fmt(x: float, digits: int = 2) -> str:
    return "NA" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def stars(p: float, convention: str = "apa") -> str:
    """``***`` p < .001, ``**`` p < .01, ``*`` p < .05 (``"thai"``: no ``***``)."""
    if p < 0.001 and convention == "apa":
        return "***"
    if p < 0.01:
        return "**"
    if p < 0.05:
        return "*"
    return ""


@dataclass(frozen=True, eq=False)
class Result(Reportable):
    """Base of the small immutable result objects.

    Subclasses implement :meth:`summary` (text, essentials first) and may
    override :meth:`tables` (named DataFrames shown under the summary) and
    ``TITLE`` (Thai, English).  :meth:`report_blocks` builds on both, so every
    result also has ``to_html``, ``to_docx``, ``to_excel`` and ``to_markdown``.
    """

    TITLE = ("ผลการวิเคราะห์", "Result")

    def to_frame(self) -> pd.DataFrame:
        """The scalar fields as a one-row DataFrame."""
        row = {f.name: getattr(self, f.name) for f in fields(self)
               if not isinstance(getattr(self, f.name), pd.DataFrame)}
        return pd.DataFrame([row])

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)
                if not isinstance(getattr(self, f.name), pd.DataFrame)}

    def summary(self, lang: str | None = None) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def tables(self, lang: str | None = None) -> dict[str, pd.DataFrame]:
        return {}

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang: str | None = None) -> list:
        """Title, the summary (its first line is the verdict), then the tables with report headers."""
        lang = check_language(lang)
        blocks = [heading(pick(*self.TITLE, lang)), text(self.summary(lang))]
        blocks += [table(relabel(t, lang), name) for name, t in self.tables(lang).items()]
        return blocks

    def _repr_html_(self) -> str:
        lines = self.summary().split("\n")
        head = f"<b>{html.escape(lines[0])}</b><br>" + "<br>".join(html.escape(s) for s in lines[1:])
        body = "".join(f"<p><i>{html.escape(name)}</i></p>" + relabel(t).to_html(index=False, float_format=lambda v: f"{v:.4f}")
                       for name, t in self.tables().items())
        return head + body
