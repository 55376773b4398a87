"""A loaded survey and its validation report: what came in, what was wrong, what was done.

:class:`Survey` holds the numeric answers and the respondents' other columns;
:class:`ValidationReport` lists every problem with the row as the file shows
it (the row number Excel shows, title lines above the header counted; SPSS:
case number), the column, the value and the action taken.
:func:`edu40.load_survey` (:mod:`edu40.io.loader`) makes both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..core.blocks import heading, table, text, warning
from ..core.reportable import Reportable
from ..core.i18n import check_language, pick
from .instrument import Instrument
from .scales import LikertScale

__all__ = ["Survey", "ValidationReport", "SurveyInputError"]

_ID_NAMES = ["respondent_id", "respondent", "participant_id", "id", "รหัส", "รหัสผู้ตอบ", "เลขที่", "no", "case"]
# E-mail columns (normalized headers): Google Forms' own ("Email Address", "ที่อยู่อีเมล") and the
# questions form authors add; used to find double submissions when there is no respondent id.
_EMAIL_NAMES = ["email address", "ที่อยู่อีเมล", "อีเมล", "email", "e-mail", "e-mail address", "อีเมล์",
                "ที่อยู่อีเมล์", "ที่อยู่ email", "ที่อยู่ e-mail"]
_FORM_META = ["timestamp", "ประทับเวลา", *_EMAIL_NAMES, "score", "คะแนน"]
_PROBLEM_COLUMNS = ["row", "respondent", "column", "item", "value", "problem", "severity", "action"]

# What each kind of problem means, for the summary (en, th).
PROBLEM_TEXT = {
    "out_of_range": ("value outside the scale", "ค่าอยู่นอกช่วงมาตรวัด"),
    "unparseable": ("answer that cannot be read as a scale point", "คำตอบที่อ่านเป็นค่ามาตรวัดไม่ได้"),
    "missing": ("missing answers", "ไม่ได้ตอบ"),
    "user_missing": ("SPSS user-missing code", "รหัสค่าสูญหายของ SPSS"),
    "missing_code": ("missing-answer code (NA, #N/A, n/a, -)", "รหัสแทนการไม่ตอบ (NA, #N/A, n/a, -)"),
    "duplicate_id": ("duplicate respondent id", "รหัสผู้ตอบซ้ำ"),
    "duplicate_email": ("e-mail address that submitted more than once", "อีเมลที่ส่งแบบสอบถามมากกว่าหนึ่งครั้ง"),
    "header_row": ("header row below title lines (lines above skipped)",
                   "แถวหัวตารางอยู่ใต้บรรทัดชื่อเรื่อง (ข้ามบรรทัดด้านบน)"),
    "straight_lining": ("same answer to every item (straight-liner)", "ตอบค่าเดียวกันทุกข้อ"),
    "speeding": ("completed too fast (speeder)", "ใช้เวลาตอบเร็วเกินไป"),
    "time_unknown": ("completion time unknown", "ไม่ทราบเวลาที่ใช้ตอบ"),
    "empty_row": ("row with no item answered", "แถวที่ไม่มีคำตอบ"),
    "absent_item": ("instrument item not in the file", "ข้อคำถามที่ไม่พบในไฟล์"),
    "unknown_column": ("column that is not an item", "คอลัมน์ที่ไม่ใช่ข้อคำถาม"),
    "reverse_recoded": ("reverse-keyed item recoded", "กลับค่าข้อคำถามเชิงลบ"),
    "value_labels": ("SPSS value labels", "value labels ของ SPSS"),
}


# The careless-responding checks of a load (see edu40.io.screening), one row per check.
_SCREENING_COLUMNS = ["check", "checked", "rule", "rule_th", "flagged", "excluded"]


def empty_screening() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        _SCREENING_COLUMNS, ["object", "bool", "object", "object", "int64", "int64"])})


class SurveyInputError(ValueError):
    """A survey file with invalid answers; ``.report`` holds every problem found.

    ``cli_message`` (when set) says the same with the command line's options in place of
    Python's arguments; ``edu40`` on the command line prints it.
    """

    def __init__(self, message: str, report: "ValidationReport | None" = None, cli_message: str | None = None):
        super().__init__(message)
        self.report = report
        self.cli_message = cli_message


# Report headers of the validation tables (th, en).
_REPORT_HEADERS = {
    "problem": ("ปัญหา", "Problem"), "description": ("คำอธิบาย", "Description"),
    "severity": ("ระดับ", "Severity"), "entries": ("จำนวนรายการ", "Entries"),
    "row": ("แถว", "Row"), "respondent": ("ผู้ตอบ", "Respondent"), "column": ("คอลัมน์", "Column"),
    "item": ("ข้อ", "Item"), "value": ("ค่า", "Value"), "action": ("การดำเนินการ", "Action"),
    "n_missing": ("ไม่ตอบ", "Missing"), "pct_missing": ("ร้อยละที่ไม่ตอบ", "Percent missing"),
    "matched_by": ("วิธีจับคู่", "Matched by"),
    "check": ("การตรวจ", "Check"), "rule": ("เกณฑ์", "Rule"), "flagged": ("พบ", "Flagged"),
    "excluded": ("ตัดออก", "Excluded"),
}

# Names of the screening checks (en, th).
CHECK_TEXT = {"straight_lining": ("Straight-lining", "การตอบค่าเดียวกันทุกข้อ"),
              "speeding": ("Speeding", "การตอบเร็วเกินไป")}


def _headers(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    k = 0 if lang == "th" else 1
    return frame.rename(columns={c: _REPORT_HEADERS[c][k] for c in frame.columns if c in _REPORT_HEADERS})


@dataclass(frozen=True, eq=False)
class ValidationReport(Reportable):
    """What was read, what was kept, and every problem with its place in the file.

    Attributes
    ----------
    source : str
        File name (or ``"<DataFrame>"``).
    file_format : str
        ``csv``, ``excel``, ``spss`` or ``dataframe``.
    encoding : str or None
        Text encoding of a CSV (``utf-8``, ``utf-8 with BOM``, ``utf-16``,
        ``tis-620/cp874``) or the one an SPSS file declares;
        ``encoding_detected`` is False when the caller gave it.
    sheet : str or None
        The Excel sheet read; ``sheets`` lists every sheet of the workbook.
    header_row : int or None
        Row of the column headers as the file shows it (1 = the first row;
        higher when title lines above the table were skipped); None for
        SPSS files and DataFrames.
    rows_read, rows_kept : int
        Data rows in the file, and rows in ``Survey.data``.
    problems : DataFrame
        One row per problem: ``row`` (as the file shows it: the row number
        in Excel, title lines above the header counted; SPSS: case number),
        ``respondent``, ``column``, ``item``, ``value``,
        ``problem`` (a key of :data:`PROBLEM_TEXT`), ``severity``
        (``error`` / ``warning`` / ``info``) and ``action`` (what was done).
    column_map : DataFrame
        How each file column was matched to an item (``code``, ``mapping``,
        ``text``, ``fuzzy text``) or why it was not.
    missing_by_item : DataFrame
        Missing answers per item among the kept rows.
    screening : DataFrame
        The careless-responding checks: ``check`` (``straight_lining``,
        ``speeding``), ``checked`` (False when the file cannot show it, e.g.
        speeding in a Google Forms export), ``rule`` / ``rule_th``,
        ``flagged`` and ``excluded`` (respondents).  Each flagged row is in
        ``problems``.
    """

    source: str
    file_format: str
    encoding: str | None
    rows_read: int
    rows_kept: int
    n_items: int
    n_items_found: int
    problems: pd.DataFrame = field(repr=False)
    column_map: pd.DataFrame = field(repr=False)
    missing_by_item: pd.DataFrame = field(repr=False)
    row_label: str = "row"
    sheet: str | None = None
    sheets: tuple = ()
    encoding_detected: bool = False
    screening: pd.DataFrame = field(default=None, repr=False)
    header_row: int | None = None

    def __post_init__(self):
        if self.screening is None:
            object.__setattr__(self, "screening", empty_screening())

    @property
    def rows_excluded(self) -> int:
        return self.rows_read - self.rows_kept

    @property
    def n_errors(self) -> int:
        return int((self.problems["severity"] == "error").sum())

    @property
    def ok(self) -> bool:
        """True when no answer was invalid (warnings may remain)."""
        return self.n_errors == 0

    def exclusions(self) -> dict:
        """Rows excluded per reason (a row excluded for two reasons counts under both)."""
        p = self.problems
        hit = p[p["action"].astype(str).str.startswith("excluded")]
        return hit.groupby("problem", sort=False).size().to_dict()

    def counts(self, lang: str | None = None) -> pd.DataFrame:
        """Number of report entries and of affected cells per kind of problem."""
        lang = check_language(lang)
        p = self.problems
        if p.empty:
            return pd.DataFrame(columns=["problem", "description", "severity", "entries"])
        g = p.groupby(["problem", "severity"], sort=False).size().reset_index(name="entries")
        g.insert(1, "description", [PROBLEM_TEXT.get(k, (k, k))[lang == "th"] for k in g["problem"]])
        return g

    def to_frame(self) -> pd.DataFrame:
        """The problems table (a copy)."""
        return self.problems.copy()

    def describe_source(self, lang: str | None = None) -> str:
        """``name (format, encoding[, detected]; sheet ...)`` as the report prints it."""
        th = check_language(lang) == "th"
        parts = [self.file_format]
        if self.encoding:
            how = ("" if not self.encoding_detected else
                   (" ตามที่ระบุในไฟล์" if th else " as the file declares") if self.file_format == "spss" else
                   (" ตรวจพบอัตโนมัติ" if th else " detected"))
            parts.append(f"{'รหัสอักขระ' if th else 'encoding'} {self.encoding}{how}")
        if self.sheet is not None:
            others = [s for s in self.sheets if s != self.sheet]
            parts.append((f"ชีต '{self.sheet}'" if th else f"sheet '{self.sheet}'")
                         + ((f" จาก {len(self.sheets)} ชีต" if th else f" of {len(self.sheets)}") if others else ""))
        if self.header_row and self.header_row > 1:
            n = self.header_row - 1
            parts.append(f"หัวตารางที่แถว {self.header_row} ข้าม {n} บรรทัดด้านบน" if th else
                         f"header row {self.header_row}, {n} line{'s' if n > 1 else ''} above skipped")
        return f"{self.source} ({'; '.join(parts)})"

    def screening_table(self, lang: str | None = None) -> pd.DataFrame:
        """The careless-responding checks with Thai or English wording."""
        th = check_language(lang) == "th"
        sc = self.screening
        out = pd.DataFrame({
            "check": [CHECK_TEXT.get(c, (c, c))[th] for c in sc["check"]],
            "rule": sc["rule_th" if th else "rule"].to_numpy(),
            "flagged": [f if ok else "" for f, ok in zip(sc["flagged"], sc["checked"])],
            "excluded": [e if ok else "" for e, ok in zip(sc["excluded"], sc["checked"])],
        })
        return out

    def _screening_lines(self, lang: str, max_rows: int = 30) -> list[str]:
        """One line per check: rule, how many, which rows, kept or excluded."""
        th = lang == "th"
        lines = []
        word = {"en": {"row": "rows", "case": "cases", "index": "index"},
                "th": {"row": "แถวที่", "case": "รายที่", "index": "ดัชนี"}}[lang][self.row_label]
        for r in self.screening.itertuples():
            name = CHECK_TEXT.get(r.check, (r.check, r.check))[th]
            rule = r.rule_th if th else r.rule
            if not r.checked:
                lines.append(f"  {name}: {rule}")
                continue
            hit = self.problems[self.problems["problem"] == r.check]
            where = ", ".join(str(int(x)) for x in hit["row"].head(max_rows) if pd.notna(x))
            more = (f" ... (+{len(hit) - max_rows})" if len(hit) > max_rows else "")
            if r.flagged == 0:
                fate = "ไม่พบ" if th else "none"
            elif r.excluded:
                fate = (f"พบ {r.flagged} ราย ตัดออก {r.excluded} ราย" if th
                        else f"{r.flagged} flagged, {r.excluded} excluded")
            else:
                fate = f"พบ {r.flagged} ราย เก็บไว้" if th else f"{r.flagged} flagged, kept"
            lines.append(f"  {name} ({rule}): {fate}" + (f" — {word} {where}{more}" if where else ""))
        return lines

    def summary(self, lang: str | None = None, max_rows: int = 10) -> str:
        """A readable account: rows read and kept, items found, problems."""
        lang = check_language(lang)
        th = lang == "th"
        lines = [
            ("ไฟล์ " if th else "File ") + self.describe_source(lang),
            (f"อ่าน {self.rows_read} แถว, เก็บไว้ {self.rows_kept} แถว, ตัดออก {self.rows_excluded} แถว"
             if th else f"Rows read {self.rows_read}, kept {self.rows_kept}, excluded {self.rows_excluded}"),
            (f"พบข้อคำถาม {self.n_items_found} จาก {self.n_items} ข้อ" if th
             else f"Items found {self.n_items_found} of {self.n_items}"),
        ]
        if len(self.screening):
            lines.append("การตรวจการตอบแบบไม่ตั้งใจ:" if th else "Careless responding:")
            lines += self._screening_lines(lang)
        if self.problems.empty:
            lines.append("ไม่พบปัญหา" if th else "No problems found.")
            return "\n".join(lines)
        lines.append("ปัญหาที่พบ:" if th else "Problems:")
        severity_th = {"error": "ผิดพลาด", "warning": "เตือน", "info": "ข้อมูล"}
        for r in self.counts(lang).itertuples():
            sev = severity_th.get(r.severity, r.severity) if th else r.severity
            lines.append(f"  {sev:<7} {r.entries:>5}  {r.description}")
        shown = self.problems[self.problems["severity"] != "info"].head(max_rows)
        if len(shown):
            lines.append("รายการแรก:" if th else "First entries:")
            for r in shown.itertuples():
                lines.append("  " + _describe_problem(r, self.row_label, lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def report_blocks(self, lang: str | None = None, max_rows: int = 20) -> list:
        """Verdict and counts first, then the first problem entries and missing answers per item."""
        lang = check_language(lang)
        src = self.describe_source(lang)
        blocks = [heading(pick(f"การตรวจสอบข้อมูล: {self.source}", f"Data validation: {self.source}", lang))]
        if not self.ok:
            blocks.append(warning(pick(
                f"พบคำตอบที่ไม่ถูกต้อง {self.n_errors} รายการ (ตั้งเป็นค่าสูญหายและบันทึกไว้ทุกรายการ)",
                f"{self.n_errors} invalid answer(s) (set missing, each one recorded below)", lang)))
        if self.rows_excluded:
            why = self.exclusions()
            reasons = ", ".join(f"{PROBLEM_TEXT.get(k, (k, k))[lang == 'th']} {n}" for k, n in why.items())
            blocks.append(warning(pick(f"ตัดออก {self.rows_excluded} แถว ({reasons}; ทุกแถวอยู่ในตารางรายการปัญหา)",
                                       f"{self.rows_excluded} row(s) excluded ({reasons}; each one is listed "
                                       f"in the problems)", lang)))
        verdict = (pick("คำตอบถูกต้องทุกข้อ", "All answers valid", lang) if self.ok
                   else pick("มีคำตอบที่ไม่ถูกต้อง", "Invalid answers found", lang))
        blocks.append(text(pick(
            f"{verdict} — ไฟล์ {src}: อ่าน {self.rows_read} แถว, เก็บไว้ {self.rows_kept} แถว, "
            f"ตัดออก {self.rows_excluded} แถว; พบข้อคำถาม {self.n_items_found} จาก {self.n_items} ข้อ",
            f"{verdict} — file {src}: rows read {self.rows_read}, kept {self.rows_kept}, "
            f"excluded {self.rows_excluded}; items found {self.n_items_found} of {self.n_items}", lang)))
        if len(self.screening):
            blocks.append(table(_headers(self.screening_table(lang), lang),
                                pick("การตรวจการตอบแบบไม่ตั้งใจ", "Careless responding", lang),
                                note=pick("แถวที่พบทุกแถวอยู่ในตารางรายการปัญหา (survey.validation.problems); "
                                          "ตัดออกเมื่อระบุ drop_straightliners=True หรือ drop_speeders=True เท่านั้น",
                                          "Every flagged row is listed in survey.validation.problems; rows are "
                                          "excluded only with drop_straightliners=True or drop_speeders=True",
                                          lang)))
        if self.problems.empty:
            blocks.append(text(pick("ไม่พบปัญหา", "No problems found.", lang)))
            return blocks
        blocks.append(table(_headers(self.counts(lang), lang), pick("ปัญหาที่พบ", "Problems found", lang)))
        shown = self.problems[self.problems["severity"] != "info"].head(max_rows)
        if len(shown):
            detail = shown.assign(problem=[PROBLEM_TEXT.get(k, (k, k))[lang == "th"] for k in shown["problem"]],
                                  action=[action_text(a, lang) for a in shown["action"]])
            detail = detail[["row", "respondent", "column", "value", "problem", "action"]]
            n_all = int((self.problems["severity"] != "info").sum())
            blocks.append(table(_headers(detail, lang),
                                pick(f"รายการปัญหา {len(shown)} รายการแรก", f"First {len(shown)} entries", lang),
                                note=pick(f"ทั้งหมด {n_all} รายการ; ดูทั้งหมดได้ที่ survey.validation.problems",
                                          f"{n_all} entries in all; survey.validation.problems lists every one",
                                          lang)))
        missing = self.missing_by_item[self.missing_by_item["n_missing"] > 0]
        if len(missing):
            blocks.append(table(_headers(missing, lang),
                                pick("ข้อที่มีผู้ไม่ตอบ", "Items with missing answers", lang)))
        return blocks

    def _repr_html_(self) -> str:
        from ..core.render import html_fragment
        return html_fragment(self.report_blocks())


_WORDS = {"en": {"row": "row", "case": "case", "index": "index", "column": "column", "item": "item",
                 "respondent": "respondent", "value": "value"},
          "th": {"row": "แถว", "case": "รายที่", "index": "ดัชนี", "column": "คอลัมน์", "item": "ข้อ",
                 "respondent": "ผู้ตอบ", "value": "ค่า"}}


# Thai wording of the actions recorded in English in the problems table.
_ACTION_TH = [
    (r"^kept; same answer to all (\d+) answered items$", r"เก็บไว้; ตอบค่าเดียวกันทั้ง \1 ข้อที่ตอบ"),
    (r"^excluded \(same answer to all (\d+) answered items; (drop_straightliners=True)\)$",
     r"ตัดออก (ตอบค่าเดียวกันทั้ง \1 ข้อที่ตอบ; \2)"),
    (r"^kept; completed in ([\d.]+) s, under the ([\d.]+) s threshold$",
     r"เก็บไว้; ใช้เวลาตอบ \1 วินาที น้อยกว่าเกณฑ์ \2 วินาที"),
    (r"^excluded \(completed in ([\d.]+) s, under the ([\d.]+) s threshold; (drop_speeders=True)\)$",
     r"ตัดออก (ใช้เวลาตอบ \1 วินาที น้อยกว่าเกณฑ์ \2 วินาที; \3)"),
    (r"^kept; completion time unknown, not checked for speeding$",
     "เก็บไว้; ไม่ทราบเวลาที่ใช้ตอบ จึงไม่ได้ตรวจการตอบเร็วเกินไป"),
    (r"^codes shown by their value labels: (.*)$", r"แสดงรหัสด้วย value labels: \1"),
    (r"^codes recoded by their value labels: (.*)$", r"แปลงรหัสตาม value labels: \1"),
    (r"^kept as codes: (.*) have no value label$", r"เก็บเป็นรหัส: \1 ไม่มี value label"),
    (r"^kept; (\d+) item\(s\) unanswered$", r"เก็บไว้; ไม่ได้ตอบ \1 ข้อ"),
    (r"^excluded \(no item answered\)$", "ตัดออก (ไม่ได้ตอบข้อใดเลย)"),
    (r"^kept; check for a double submission$", "เก็บไว้; โปรดตรวจสอบการส่งซ้ำ"),
    (r"^excluded \(a later copy of an id already kept\)$", "ตัดออก (ส่งซ้ำ เก็บรายการแรกไว้)"),
    (r"^kept; (\d+) submissions with this e-mail \((rows|cases|index) ([^)]*)\); check for a double submission$",
     lambda m: f"เก็บไว้; อีเมลนี้ส่งแบบสอบถาม {m[1]} ครั้ง ({_ROWS_TH[m[2]]} {m[3]}); โปรดตรวจสอบการส่งซ้ำ"),
    (r"^kept; first of (\d+) submissions with this e-mail \((rows|cases|index) ([^)]*)\)$",
     lambda m: f"เก็บไว้; รายการแรกจาก {m[1]} รายการที่ใช้อีเมลนี้ ({_ROWS_TH[m[2]]} {m[3]})"),
    (r"^excluded \(a later submission with an e-mail already kept: (row|case|index) ([^)]*)\)$",
     lambda m: f"ตัดออก (ส่งซ้ำด้วยอีเมลที่เก็บไว้แล้ว: {_ROWS_TH[m[1]]} {m[2]})"),
    (r"^row (\d+) taken as the header \((found|header_row=\d+)\); (\d+) line\(s\) above it skipped$",
     lambda m: f"ใช้แถวที่ {m[1]} เป็นแถวหัวตาราง ({'ตรวจพบอัตโนมัติ' if m[2] == 'found' else m[2]}); "
               f"ข้าม {m[3]} บรรทัดด้านบน"),
    (r"^kept as-is \((.*); e-mail address, checked for double submissions\)$",
     r"เก็บไว้ตามเดิม (\1; ใช้อีเมลตรวจการส่งซ้ำ)"),
    (r"^set to missing(.*)$", r"กำหนดเป็นค่าสูญหาย\1"),
    (r"^rejected(.*)$", r"ไม่รับค่านี้\1"),
    (r"^not in the file; analyses needing it will say so$", "ไม่พบในไฟล์; การวิเคราะห์ที่ต้องใช้จะแจ้งให้ทราบ"),
    (r"^kept as-is \((.*)\)$", r"เก็บไว้ตามเดิม (\1)"),
    (r"^treated as missing \(SPSS user-missing code\)$", "ถือเป็นค่าสูญหาย (รหัสค่าสูญหายของ SPSS)"),
    (r"^(\d+) cells read as missing answers$", r"อ่านเป็นการไม่ตอบ \1 เซลล์"),
    (r"^(\d+) answers recoded as (.*)$", r"กลับค่าคำตอบ \1 รายการเป็น \2"),
    (r"\(scale is (\d+)-(\d+)\)", r"(มาตรวัด \1-\2)"),
]


_ROWS_TH = {"row": "แถวที่", "rows": "แถวที่", "case": "รายที่", "cases": "รายที่", "index": "ดัชนี"}


def action_text(action: str, lang: str = "en") -> str:
    """The recorded action in Thai or English."""
    if lang != "th":
        return action
    for pattern, repl in _ACTION_TH:
        action = re.sub(pattern, repl, action)
    return action


def _describe_problem(r, row_label: str = "row", lang: str = "en") -> str:
    w = _WORDS[lang]
    where = [] if pd.isna(r.row) else [f"{w[row_label]} {int(r.row)}"]
    if r.column:
        where.append(f"{w['column']} '{r.column}'")
    if r.item and not r.column:
        where.append(f"{w['item']} {r.item}")
    if r.respondent not in ("", None) and not pd.isna(r.respondent):
        where.append(f"{w['respondent']} {r.respondent}")
    value = "" if r.value in ("", None) else f": {w['value']} {r.value!r}"
    text = PROBLEM_TEXT.get(r.problem, (r.problem, r.problem))[lang == "th"]
    return f"{', '.join(where)}{value} — {text}; {action_text(r.action, lang)}"


@dataclass(frozen=True, eq=False)
class Survey(Reportable):
    """Survey responses matched to an instrument, with their validation report.

    Attributes
    ----------
    data : DataFrame
        Item responses (float, NaN = missing; reverse-keyed items already
        recoded) followed by the file's other columns (demographics ...).
    instrument : Instrument
    scale : LikertScale
    validation : ValidationReport
    id_column : str or None
        Column holding respondent ids, if any.
    """

    data: pd.DataFrame = field(repr=False)
    instrument: Instrument
    scale: LikertScale
    validation: ValidationReport = field(repr=False)
    id_column: str | None = None

    @property
    def item_columns(self) -> list[str]:
        """Instrument items present in the data, in instrument order."""
        return [c for c in self.instrument.item_codes if c in self.data.columns]

    @property
    def items(self) -> pd.DataFrame:
        """The item responses only."""
        return self.data[self.item_columns]

    @property
    def other_columns(self) -> list[str]:
        items = set(self.item_columns)
        return [c for c in self.data.columns if c not in items]

    def factor_scores(self) -> pd.DataFrame:
        """Mean of each factor's answered items per respondent (the usual Thai factor score).

        A respondent's factor score uses the items they answered; a factor
        with no answered item is NaN.
        """
        out = {}
        for fac in self.instrument.factor_codes:
            cols = [c for c in self.instrument.items_of(fac) if c in self.data.columns]
            if cols:
                out[fac] = self.data[cols].mean(axis=1, skipna=True)
        return pd.DataFrame(out, index=self.data.index)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        v = self.validation
        return (f"Survey({v.source!r}: {len(self)} respondents, {len(self.item_columns)} of "
                f"{len(self.instrument)} {self.instrument.name} items, {len(self.other_columns)} other "
                f"columns; {v.n_errors} errors, {len(v.problems)} report entries)")

    def summary(self, lang: str | None = None) -> str:
        """What the survey holds, then its validation summary."""
        blocks = self.report_blocks(lang)
        return blocks[1].content + "\n" + self.validation.summary(lang)

    def report_blocks(self, lang: str | None = None) -> list:
        """What the survey holds, then its validation report."""
        lang = check_language(lang)
        v = self.validation
        blocks = [heading(pick(f"ข้อมูลแบบสอบถาม: {v.source}", f"Survey: {v.source}", lang), 1),
                  text(pick(f"ผู้ตอบ {len(self)} คน; ข้อคำถาม {len(self.item_columns)} จาก {len(self.instrument)} ข้อ "
                            f"ของแบบวัด {self.instrument.name}; คอลัมน์อื่น {len(self.other_columns)} คอลัมน์ "
                            f"({', '.join(self.other_columns)})",
                            f"{len(self)} respondents; {len(self.item_columns)} of {len(self.instrument)} items of "
                            f"{self.instrument.name}; {len(self.other_columns)} other columns "
                            f"({', '.join(self.other_columns)})", lang))]
        return blocks + v.report_blocks(lang)

    def _repr_html_(self) -> str:
        from ..core.render import html_fragment
        return html_fragment(self.report_blocks()) + self.data.head().to_html()


