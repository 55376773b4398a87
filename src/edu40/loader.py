"""Load a questionnaire export and report exactly what came in and what was wrong.

Reads CSV (UTF-8, UTF-8 with BOM, TIS-620/cp874), Excel, SPSS ``.sav``
(value labels and user-missing codes honoured) and Google Forms exports
(question text as headers; answers such as ``"มากที่สุด"`` or
``"5 - มากที่สุด"``), matches columns to instrument items, and returns a
:class:`Survey` whose :attr:`Survey.validation` lists every problem with the
row as the file shows it (header = row 1; SPSS: case number), the column,
the value and what was done.  No row is dropped without a record.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._blocks import Reportable, heading, table, text, warning
from ._i18n import check_language, pick
from .instrument import EM40, Instrument
from .scales import LikertScale, normalize_text

__all__ = ["load_survey", "Survey", "ValidationReport", "SurveyInputError"]

_ID_NAMES = ["respondent_id", "respondent", "participant_id", "id", "รหัส", "รหัสผู้ตอบ", "เลขที่", "no", "case"]
_FORM_META = ["timestamp", "ประทับเวลา", "email address", "ที่อยู่อีเมล", "อีเมล", "email", "score", "คะแนน"]
_PROBLEM_COLUMNS = ["row", "respondent", "column", "item", "value", "problem", "severity", "action"]

# What each kind of problem means, for the summary (en, th).
PROBLEM_TEXT = {
    "out_of_range": ("value outside the scale", "ค่าอยู่นอกช่วงมาตรวัด"),
    "unparseable": ("answer that cannot be read as a scale point", "คำตอบที่อ่านเป็นค่ามาตรวัดไม่ได้"),
    "missing": ("missing answers", "ไม่ได้ตอบ"),
    "user_missing": ("SPSS user-missing code", "รหัสค่าสูญหายของ SPSS"),
    "duplicate_id": ("duplicate respondent id", "รหัสผู้ตอบซ้ำ"),
    "straight_lining": ("same answer to every item", "ตอบค่าเดียวกันทุกข้อ"),
    "empty_row": ("row with no item answered", "แถวที่ไม่มีคำตอบ"),
    "absent_item": ("instrument item not in the file", "ข้อคำถามที่ไม่พบในไฟล์"),
    "unknown_column": ("column that is not an item", "คอลัมน์ที่ไม่ใช่ข้อคำถาม"),
    "reverse_recoded": ("reverse-keyed item recoded", "กลับค่าข้อคำถามเชิงลบ"),
    "value_labels": ("recoded by SPSS value labels", "แปลงค่าตาม value labels ของ SPSS"),
}


class SurveyInputError(ValueError):
    """A survey file with invalid answers; ``.report`` holds every problem found."""

    def __init__(self, message: str, report: "ValidationReport | None" = None):
        super().__init__(message)
        self.report = report


# Report headers of the validation tables (th, en).
_REPORT_HEADERS = {
    "problem": ("ปัญหา", "Problem"), "description": ("คำอธิบาย", "Description"),
    "severity": ("ระดับ", "Severity"), "entries": ("จำนวนรายการ", "Entries"),
    "row": ("แถว", "Row"), "respondent": ("ผู้ตอบ", "Respondent"), "column": ("คอลัมน์", "Column"),
    "item": ("ข้อ", "Item"), "value": ("ค่า", "Value"), "action": ("การดำเนินการ", "Action"),
    "n_missing": ("ไม่ตอบ", "Missing"), "pct_missing": ("ร้อยละที่ไม่ตอบ", "Percent missing"),
    "matched_by": ("วิธีจับคู่", "Matched by"),
}


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
        ``csv``, ``excel``, ``spss`` or ``dataframe``; ``encoding`` for text files.
    rows_read, rows_kept : int
        Data rows in the file, and rows in ``Survey.data``.
    problems : DataFrame
        One row per problem: ``row`` (as the file shows it: header = row 1;
        SPSS: case number), ``respondent``, ``column``, ``item``, ``value``,
        ``problem`` (a key of :data:`PROBLEM_TEXT`), ``severity``
        (``error`` / ``warning`` / ``info``) and ``action`` (what was done).
    column_map : DataFrame
        How each file column was matched to an item (``code``, ``mapping``,
        ``text``, ``fuzzy text``) or why it was not.
    missing_by_item : DataFrame
        Missing answers per item among the kept rows.
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

    def summary(self, lang: str | None = None, max_rows: int = 10) -> str:
        """A readable account: rows read and kept, items found, problems."""
        lang = check_language(lang)
        th = lang == "th"
        lines = [
            (f"ไฟล์ {self.source} ({self.file_format}" + (f", {self.encoding}" if self.encoding else "") + ")")
            if th else
            (f"File {self.source} ({self.file_format}" + (f", {self.encoding}" if self.encoding else "") + ")"),
            (f"อ่าน {self.rows_read} แถว, เก็บไว้ {self.rows_kept} แถว, ตัดออก {self.rows_excluded} แถว"
             if th else f"Rows read {self.rows_read}, kept {self.rows_kept}, excluded {self.rows_excluded}"),
            (f"พบข้อคำถาม {self.n_items_found} จาก {self.n_items} ข้อ" if th
             else f"Items found {self.n_items_found} of {self.n_items}"),
        ]
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
        src = f"{self.source} ({self.file_format}" + (f", {self.encoding}" if self.encoding else "") + ")"
        blocks = [heading(pick(f"การตรวจสอบข้อมูล: {self.source}", f"Data validation: {self.source}", lang))]
        if not self.ok:
            blocks.append(warning(pick(
                f"พบคำตอบที่ไม่ถูกต้อง {self.n_errors} รายการ (ตั้งเป็นค่าสูญหายและบันทึกไว้ทุกรายการ)",
                f"{self.n_errors} invalid answer(s) (set missing, each one recorded below)", lang)))
        if self.rows_excluded:
            blocks.append(warning(pick(f"ตัดออก {self.rows_excluded} แถว (เหตุผลอยู่ในตารางรายการปัญหา)",
                                       f"{self.rows_excluded} row(s) excluded (the reasons are listed below)",
                                       lang)))
        verdict = (pick("คำตอบถูกต้องทุกข้อ", "All answers valid", lang) if self.ok
                   else pick("มีคำตอบที่ไม่ถูกต้อง", "Invalid answers found", lang))
        blocks.append(text(pick(
            f"{verdict} — ไฟล์ {src}: อ่าน {self.rows_read} แถว, เก็บไว้ {self.rows_kept} แถว, "
            f"ตัดออก {self.rows_excluded} แถว; พบข้อคำถาม {self.n_items_found} จาก {self.n_items} ข้อ",
            f"{verdict} — file {src}: rows read {self.rows_read}, kept {self.rows_kept}, "
            f"excluded {self.rows_excluded}; items found {self.n_items_found} of {self.n_items}", lang)))
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
        from .report.render import html_fragment
        return html_fragment(self.report_blocks())


_WORDS = {"en": {"row": "row", "case": "case", "index": "index", "column": "column",
                 "respondent": "respondent", "value": "value"},
          "th": {"row": "แถว", "case": "รายที่", "index": "ดัชนี", "column": "คอลัมน์",
                 "respondent": "ผู้ตอบ", "value": "ค่า"}}


# Thai wording of the actions recorded in English in the problems table.
_ACTION_TH = [
    (r"^kept; same answer to all (\d+) answered items$", r"เก็บไว้; ตอบค่าเดียวกันทั้ง \1 ข้อที่ตอบ"),
    (r"^kept; (\d+) item\(s\) unanswered$", r"เก็บไว้; ไม่ได้ตอบ \1 ข้อ"),
    (r"^excluded \(no item answered\)$", "ตัดออก (ไม่ได้ตอบข้อใดเลย)"),
    (r"^kept; check for a double submission$", "เก็บไว้; โปรดตรวจสอบการส่งซ้ำ"),
    (r"^excluded \(a later copy of an id already kept\)$", "ตัดออก (ส่งซ้ำ เก็บรายการแรกไว้)"),
    (r"^set to missing(.*)$", r"กำหนดเป็นค่าสูญหาย\1"),
    (r"^rejected(.*)$", r"ไม่รับค่านี้\1"),
    (r"^not in the file; analyses needing it will say so$", "ไม่พบในไฟล์; การวิเคราะห์ที่ต้องใช้จะแจ้งให้ทราบ"),
    (r"^kept as-is \((.*)\)$", r"เก็บไว้ตามเดิม (\1)"),
    (r"^treated as missing \(SPSS user-missing code\)$", "ถือเป็นค่าสูญหาย (รหัสค่าสูญหายของ SPSS)"),
    (r"^(\d+) answers recoded as (.*)$", r"กลับค่าคำตอบ \1 รายการเป็น \2"),
    (r"\(scale is (\d+)-(\d+)\)", r"(มาตรวัด \1-\2)"),
]


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
        from .report.render import html_fragment
        return html_fragment(self.report_blocks()) + self.data.head().to_html()


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------
@dataclass
class _Table:
    frame: pd.DataFrame          # raw cells (object dtype)
    rows: np.ndarray             # row numbers as the file shows them
    source: str
    file_format: str
    encoding: str | None = None
    row_label: str = "row"
    value_labels: dict = field(default_factory=dict)   # column -> {code: label}
    user_missing: dict = field(default_factory=dict)   # column -> set of codes


def _decode_text(raw: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise SurveyInputError(f"{source}: cannot be read as {encoding} ({exc}); "
                                   f"leave encoding=None to detect it") from None
    for enc, name in (("utf-8-sig", "utf-8"), ("cp874", "tis-620/cp874")):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
            name = "utf-8 with BOM"
        return text, name
    raise SurveyInputError(f"{source}: the file is neither UTF-8 nor TIS-620/cp874 text. "
                           f"Save it from Excel as 'CSV UTF-8', or pass encoding=...")


def _read_csv(path: Path, encoding: str | None, text_columns=None) -> _Table:
    """Read a CSV; ``text_columns(header)`` names the columns to keep as text.

    Item columns are left to pandas' type inference (fast for numbers; text
    answers stay text); other columns stay text so that codes such as "0012"
    keep their leading zeros until the loader decides what they are.
    """
    text, enc = _decode_text(path.read_bytes(), path.name, encoding)
    sample = "\n".join(text[:20000].splitlines()[:20])
    try:
        sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    try:
        header = pd.read_csv(io.StringIO(text), sep=sep, nrows=0).columns
        as_text = text_columns([str(c).strip() for c in header]) if text_columns else list(header)
        dtype = {c: str for c in header if str(c).strip() in set(as_text)}
        frame = pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False, sep=sep)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SurveyInputError(f"{path.name}: not a well-formed CSV table ({exc}). "
                               f"Check for unbalanced quotes or a wrong delimiter.") from None
    return _Table(frame, np.arange(len(frame)) + 2, path.name, "csv", enc)


def _read_excel(path: Path, sheet) -> _Table:
    try:
        frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    except ValueError as exc:
        raise SurveyInputError(f"{path.name}: {exc}") from None
    return _Table(frame, np.arange(len(frame)) + 2, path.name, "excel")


def _read_sav(path: Path) -> _Table:
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    value_labels = {}
    for col, labelset in meta.variable_to_label.items():
        value_labels[col] = meta.value_labels.get(labelset, {})
    user_missing = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        user_missing[col] = [(r["lo"], r["hi"]) for r in ranges]
    return _Table(frame.astype(object), np.arange(len(frame)) + 1, path.name, "spss",
                  None, "case", value_labels, user_missing)


def _read(source, sheet, encoding, text_columns=None) -> _Table:
    if isinstance(source, pd.DataFrame):
        return _Table(source.reset_index(drop=True).astype(object), np.asarray(source.index),
                      "<DataFrame>", "dataframe", row_label="index")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file. Check the path (working directory: {Path.cwd()}).")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding, text_columns)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, sheet)
    if suffix in (".sav", ".zsav"):
        return _read_sav(path)
    raise SurveyInputError(f"{path.name}: unknown file type {suffix!r}. edu40 reads .csv, .xlsx "
                           f"and SPSS .sav files; export your data to one of these.")


# ---------------------------------------------------------------------------
# Matching columns to items
# ---------------------------------------------------------------------------
_LEADING_NUMBER = re.compile(r"^(?:ข้อ\s*)?\(?\d+(?:\.\d+)*[.)\]]?\s+")


def _header_variants(header: str) -> list[str]:
    """Texts under which a column header may name an item."""
    h = normalize_text(header)
    out = [h]
    bracket = re.findall(r"\[([^\]]+)\]", h)
    out += [b.strip() for b in bracket]
    out.append(_LEADING_NUMBER.sub("", h))
    for b in bracket:
        out.append(_LEADING_NUMBER.sub("", b.strip()))
    return [v for v in dict.fromkeys(out) if v]


def _match_columns(columns, instrument: Instrument, mapping: dict | None, source: str):
    """Return (column -> item, column_map rows)."""
    items = instrument.item_codes
    by_code = {i.casefold(): i for i in items}
    texts: dict[str, list[str]] = {}
    for r in instrument.item_table.itertuples():
        for t in (r.text_th, r.text_en):
            if t:
                texts.setdefault(normalize_text(t), []).append(r.item)
    matched: dict[str, str] = {}
    how: dict[str, str] = {}
    if mapping:
        for col, item in mapping.items():
            if col not in columns:
                raise SurveyInputError(f"{source}: mapping names column {col!r}, which is not in the "
                                       f"file; the columns are {list(columns)}")
            if item not in items:
                raise SurveyInputError(f"{source}: mapping sends column {col!r} to {item!r}, which is "
                                       f"not an item of {instrument.name}; items are {items}")
            matched[col], how[col] = item, "mapping"
    code_pattern = re.compile(r"^\[?([A-Za-z_][A-Za-z0-9_]*?)[\s_\-.]?(\d+)\]?(?:[\s.:)\]-]|$)")
    for col in columns:
        if col in matched:
            continue
        key = normalize_text(col)
        if key in by_code:
            matched[col], how[col] = by_code[key], "code"
            continue
        m = code_pattern.match(key)
        if m and (m.group(1) + m.group(2)).casefold() in by_code:
            matched[col], how[col] = by_code[(m.group(1) + m.group(2)).casefold()], "code"
            continue
        for variant in _header_variants(col):
            if variant in texts and len(texts[variant]) == 1:
                matched[col], how[col] = texts[variant][0], "text"
                break
    # Fuzzy text for what is left: long headers only, one clear winner.
    taken = set(matched.values())
    for col in columns:
        if col in matched:
            continue
        best, best_score = None, 0.0
        for variant in _header_variants(col):
            if len(variant) < 6:
                continue
            for item_text, codes in texts.items():
                if len(codes) != 1 or codes[0] in taken:
                    continue
                score = difflib.SequenceMatcher(None, variant, item_text).ratio()
                if score > best_score:
                    best, best_score = codes[0], score
        if best is not None and best_score >= 0.9:
            matched[col], how[col] = best, f"fuzzy text ({best_score:.2f})"
            taken.add(best)
    # Two columns for one item: refuse to guess.
    seen: dict[str, str] = {}
    for col, item in matched.items():
        if item in seen:
            raise SurveyInputError(
                f"{source}: columns {seen[item]!r} and {col!r} both match item {item}. Keep one, or "
                f"pass mapping={{column: item}} to say which column is {item}.")
        seen[item] = col
    return matched, how


# ---------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------
def load_survey(source, instrument: Instrument = EM40, *, mapping: dict | None = None,
                scale: LikertScale | int | None = None, id_column: str | None = None,
                on_invalid: str = "raise", duplicates: str = "flag", sheet=None,
                encoding: str | None = None, straightline_min_items: int = 10) -> Survey:
    """Read a questionnaire export, match it to an instrument, and validate it.

    Parameters
    ----------
    source : path or DataFrame
        ``.csv`` (UTF-8, UTF-8 with BOM or TIS-620/cp874; delimiter detected),
        ``.xlsx``, SPSS ``.sav``, or a DataFrame.
    instrument : Instrument
        Default :data:`edu40.EM40`.
    mapping : dict, optional
        ``{file column: item code}`` for columns that neither carry the item
        code nor the item text.  Other columns are matched by code
        (``ACL1``, ``acl_1``, ``[ACL1] ...``) or by item text in Thai or
        English (Google Forms headers, including grid headers
        ``"Factor [item text]"``).
    scale : LikertScale or int, optional
        Default: the instrument's scale.
    id_column : str, optional
        Respondent id column; by default a column named ``respondent_id``,
        ``id``, ``รหัส`` ... if there is one, else ids are the row numbers.
    on_invalid : {"raise", "missing"}
        ``"raise"``: one :class:`SurveyInputError` naming the file and the
        first invalid cells (row, column, value) with the total count.
        ``"missing"``: invalid cells become missing, each recorded.
    duplicates : {"flag", "keep-first", "raise"}
        Repeated respondent ids: kept and flagged; later copies excluded and
        recorded; or an error.
    sheet : str or int, optional
        Excel sheet (default: the first).
    encoding : str, optional
        Force a text encoding (default: detect UTF-8 / TIS-620).
    straightline_min_items : int
        Flag respondents who gave one identical answer to at least this many
        items and to every item they answered.

    Returns
    -------
    Survey

    Examples
    --------
    >>> import edu40
    >>> s = edu40.load_survey(edu40.datasets.SURVEY_PATH)
    >>> len(s), s.validation.rows_read
    (772, 772)
    """
    if on_invalid not in ("raise", "missing"):
        raise ValueError(f"on_invalid must be 'raise' or 'missing', not {on_invalid!r}")
    if duplicates not in ("flag", "keep-first", "raise"):
        raise ValueError(f"duplicates must be 'flag', 'keep-first' or 'raise', not {duplicates!r}")
    if scale is None:
        scale = instrument.scale
    elif isinstance(scale, (int, np.integer)):
        scale = LikertScale(int(scale))
    def text_columns(header):
        try:
            found = _match_columns(header, instrument, mapping, "")[0]
        except SurveyInputError:
            found = {}
        return [c for c in header if c not in found]

    table = _read(source, sheet, encoding, text_columns)
    src = table.source
    frame = table.frame
    frame.columns = [str(c).strip() for c in frame.columns]
    dup_cols = [c for c in frame.columns[frame.columns.duplicated()]]
    if dup_cols:
        raise SurveyInputError(f"{src}: column name(s) {dup_cols} appear more than once; rename them.")
    problems: list = []   # dicts and DataFrames of problem records, in the order found

    def add(row, column, item, value, problem, severity, action, respondent=""):
        problems.append({"row": row, "respondent": respondent, "column": column, "item": item,
                         "value": "" if value is None else str(value), "problem": problem,
                         "severity": severity, "action": action})

    def add_rows(idx, column, item, value, problem, severity, action):
        """Record one problem per row in ``idx`` (vectorized; values may be arrays)."""
        if len(idx) == 0:
            return
        problems.append(pd.DataFrame({"row": rows[idx], "respondent": ids[idx], "column": column,
                                      "item": item, "value": value, "problem": problem,
                                      "severity": severity, "action": action}))

    matched, how = _match_columns(list(frame.columns), instrument, mapping, src)
    if not matched:
        raise SurveyInputError(
            f"{src}: no column matches an item of {instrument.name}. Expected item codes such as "
            f"{instrument.item_codes[:3]} or the item texts as headers; the file's columns are "
            f"{list(frame.columns)[:12]}{' ...' if len(frame.columns) > 12 else ''}. Pass "
            f"mapping={{column: item}} or another instrument.")
    item_cols = [c for c in frame.columns if c in matched]

    # Respondent ids.
    if id_column is None:
        lowered = {normalize_text(c): c for c in frame.columns if c not in matched}
        id_column = next((lowered[n] for n in _ID_NAMES if n in lowered), None)
    elif id_column not in frame.columns:
        raise SurveyInputError(f"{src}: id_column {id_column!r} is not a column; columns are "
                               f"{list(frame.columns)}")
    rows = np.asarray(table.rows)
    ids = (frame[id_column].astype(str).str.strip().to_numpy(dtype=object) if id_column
           else np.array([str(r) for r in rows], dtype=object))

    # Parse answers column by column: each distinct raw value is read once.
    values = np.full((len(frame), len(item_cols)), np.nan)
    action_bad = "set to missing" if on_invalid == "missing" else "rejected"
    for j, col in enumerate(item_cols):
        item = matched[col]
        raw = frame[col]
        labels = table.value_labels.get(col, {})
        missing_codes = table.user_missing.get(col, [])
        recode = _label_recode(labels, scale, missing_codes)
        if recode:
            add(np.nan, col, item, "", "value_labels", "info",
                f"codes recoded by their value labels: {recode}")
        blank = raw.isna().to_numpy(copy=True)
        if _is_text(raw):
            blank |= raw.map(_is_blank).to_numpy(dtype=bool)
        if missing_codes:
            num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            user = ~blank & np.any([(num >= lo) & (num <= hi) for lo, hi in missing_codes], axis=0)
            idx = np.flatnonzero(user)
            add_rows(idx, col, item, [_fmt(v) for v in num[idx]], "user_missing", "info",
                     "treated as missing (SPSS user-missing code)")
            blank |= user
        present = ~blank
        parsed_of = {}
        for u in pd.unique(raw[present]):
            v = scale.parse(u)
            if v is not None and recode and v in recode:
                v = recode[v]
            parsed_of[u] = v
        # map() turns None into NaN, so unreadable answers get their own lookup
        kept = raw[present]
        unreadable = kept.map({u: v is None for u, v in parsed_of.items()}).to_numpy(dtype=bool)
        numeric = kept.map({u: np.nan if v is None else float(v) for u, v in parsed_of.items()}
                           ).to_numpy(dtype=float)
        pos = np.flatnonzero(present)
        valid = ~unreadable & np.isin(numeric, scale.values)
        values[pos[valid], j] = numeric[valid]
        bad_text = pos[unreadable]
        add_rows(bad_text, col, item, raw.to_numpy(dtype=object)[bad_text].astype(str), "unparseable",
                 "error", action_bad)
        off = pos[~unreadable & ~valid]
        add_rows(off, col, item, [_fmt(v) for v in raw.to_numpy(dtype=object)[off]], "out_of_range",
                 "error", action_bad + f" (scale is {scale.minimum}-{scale.maximum})")

    n_errors = sum(_count_errors(p) for p in problems)
    if n_errors and on_invalid == "raise":
        report = _build_report(table, frame, problems, matched, how, instrument, len(frame),
                               pd.DataFrame(values, columns=[matched[c] for c in item_cols]))
        raise SurveyInputError(_error_message(src, report.problems, table.row_label, scale), report)

    items = pd.DataFrame(values, columns=[matched[c] for c in item_cols])
    keep = np.ones(len(frame), dtype=bool)

    # Rows without a single answer are excluded, each recorded.
    answered = (~np.isnan(values)).sum(axis=1)
    empty = np.flatnonzero(answered == 0)
    keep[empty] = False
    add_rows(empty, "", "", "", "empty_row", "warning", "excluded (no item answered)")

    # Duplicate respondent ids.
    if id_column:
        id_series = pd.Series(ids)
        dup_mask = (id_series.duplicated(keep=False) & (id_series != "") & keep).to_numpy()
        if dup_mask.any():
            if duplicates == "raise":
                first = ids[dup_mask][0]
                where = [int(r) for r in rows[ids == first]]
                raise SurveyInputError(
                    f"{src}: respondent id {first!r} appears in {table.row_label}s {where} "
                    f"(column '{id_column}'); {int(dup_mask.sum())} rows share an id. Remove double "
                    f"submissions, or load with duplicates='flag' or 'keep-first'.")
            later = id_series.duplicated(keep="first").to_numpy() & dup_mask
            if duplicates == "keep-first":
                keep[later] = False
                idx = np.flatnonzero(later)
                add_rows(idx, id_column, "", ids[idx], "duplicate_id", "warning",
                         "excluded (a later copy of an id already kept)")
                idx = np.flatnonzero(dup_mask & ~later)
            else:
                idx = np.flatnonzero(dup_mask)
            add_rows(idx, id_column, "", ids[idx], "duplicate_id", "warning",
                     "kept; check for a double submission")

    # Straight-lining among kept rows: one identical answer to every answered item.
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanmin(np.where(answered[:, None] > 0, values, 0), axis=1), \
            np.nanmax(np.where(answered[:, None] > 0, values, 0), axis=1)
    flat = np.flatnonzero(keep & (answered >= straightline_min_items) & (lo == hi))
    add_rows(flat, "", "", [_fmt(v) for v in lo[flat]], "straight_lining", "warning",
             [f"kept; same answer to all {answered[i]} answered items" for i in flat])

    # Missing answers per respondent (kept rows with some but not all answers).
    partial = np.flatnonzero(keep & (answered < len(item_cols)))
    if len(partial):
        cols_arr = np.array(item_cols, dtype=object)
        items_arr = np.array(list(items.columns), dtype=object)
        miss = np.isnan(values[partial])
        add_rows(partial, [", ".join(cols_arr[m]) for m in miss], [", ".join(items_arr[m]) for m in miss],
                 "", "missing", "warning", [f"kept; {int(m.sum())} item(s) unanswered" for m in miss])

    # Instrument items absent from the file; columns that are not items.
    found = set(matched.values())
    for item in instrument.item_codes:
        if item not in found:
            add(np.nan, "", item, "", "absent_item", "warning",
                "not in the file; analyses needing it will say so", "")
    for col in frame.columns:
        if col in matched:
            continue
        kind = ("respondent id column" if col == id_column else
                "form metadata column" if normalize_text(col) in _FORM_META else "other column")
        add(np.nan, col, "", "", "unknown_column", "info", f"kept as-is ({kind})", "")

    # Reverse-keyed items: recode so that high always means more of the factor.
    for item in instrument.reverse_items:
        if item in items.columns:
            n = int(items[item].notna().sum())
            items[item] = scale.minimum + scale.maximum - items[item]
            add(np.nan, next(c for c in item_cols if matched[c] == item), item, "", "reverse_recoded",
                "info", f"{n} answers recoded as {scale.minimum + scale.maximum} - x", "")

    order = [i for i in instrument.item_codes if i in items.columns]
    others = frame[[c for c in frame.columns if c not in matched]].reset_index(drop=True)
    others = pd.DataFrame({c: (others[c].astype(object).where(others[c].notna(), None) if c == id_column
                               else _maybe_numeric(others[c])) for c in others.columns})
    data = pd.concat([others[[id_column]] if id_column else others.iloc[:, :0],
                      items[order],
                      others.drop(columns=[id_column]) if id_column else others], axis=1)
    data = data[keep].reset_index(drop=True)
    report = _build_report(table, frame, problems, matched, how, instrument, int(keep.sum()),
                           items[order][keep])
    return Survey(data=data, instrument=instrument, scale=scale, validation=report,
                  id_column=id_column)


def _count_errors(p) -> int:
    if isinstance(p, dict):
        return int(p["severity"] == "error")
    return int((p["severity"] == "error").sum())


def _build_report(table, frame, problems, matched, how, instrument, rows_kept, items) -> ValidationReport:
    parts = [p if isinstance(p, pd.DataFrame) else pd.DataFrame([p]) for p in problems]
    prob = (pd.concat(parts, ignore_index=True)[_PROBLEM_COLUMNS] if parts
            else pd.DataFrame(columns=_PROBLEM_COLUMNS))
    prob["value"] = prob["value"].astype(str).where(prob["value"].notna(), "")
    if not prob.empty:
        prob["row"] = prob["row"].astype("Float64").astype("Int64")
    cmap = pd.DataFrame([{"column": c, "item": matched.get(c, ""),
                          "matched_by": how.get(c, "not matched")} for c in frame.columns])
    n = len(items)
    miss = items.isna().sum()
    missing_by_item = pd.DataFrame({"item": miss.index, "n_missing": miss.to_numpy(),
                                    "pct_missing": (100 * miss / n).round(2).to_numpy() if n else 0.0})
    return ValidationReport(source=table.source, file_format=table.file_format,
                            encoding=table.encoding, rows_read=len(frame), rows_kept=rows_kept,
                            n_items=len(instrument), n_items_found=len(set(matched.values())),
                            problems=prob, column_map=cmap, missing_by_item=missing_by_item,
                            row_label=table.row_label)


def _error_message(src: str, problems: pd.DataFrame, row_label: str, scale: LikertScale,
                   show: int = 5) -> str:
    errors = problems[problems["severity"] == "error"].to_dict("records")
    cols = list(dict.fromkeys(p["column"] for p in errors))
    lines = [f"{src}: {len(errors)} invalid answer(s) in column(s) {', '.join(cols[:8])}"
             f"{' ...' if len(cols) > 8 else ''}:"]
    for p in errors[:show]:
        what = (f"is outside the scale {scale.minimum}-{scale.maximum}" if p["problem"] == "out_of_range"
                else f"cannot be read as a scale point ({scale.minimum}-{scale.maximum} or an anchor "
                     f"word such as {scale.labels_th[-1]!r})")
        lines.append(f"  {row_label} {p['row']}, column '{p['column']}' (respondent {p['respondent']}): "
                     f"value {p['value']!r} {what}")
    if len(errors) > show:
        lines.append(f"  ... and {len(errors) - show} more (all are in the exception's .report.problems)")
    lines.append("Correct these cells in the file, or load with on_invalid='missing' to treat them as "
                 "missing answers (each one is then recorded in survey.validation).")
    return "\n".join(lines)


def _label_recode(labels: dict, scale: LikertScale, missing_codes=()) -> dict:
    """Map SPSS codes to scale points when value labels say so (e.g. 1 = มากที่สุด).

    Labels of user-missing codes (9 = "ไม่ตอบ") are not scale anchors and are skipped.
    """
    if not labels:
        return {}
    recode = {}
    for code, label in labels.items():
        if any(lo <= code <= hi for lo, hi in missing_codes):
            continue
        point = scale.parse(label)
        if point is None or not scale.is_valid(point):
            return {}  # labels that are not scale anchors: trust the codes
        recode[code] = point
    if all(float(k) == v for k, v in recode.items()):
        return {}
    return {(int(k) if float(k).is_integer() else k): v for k, v in recode.items()}


def _is_blank(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and np.isnan(raw):
        return True
    if raw is pd.NA or raw is pd.NaT:
        return True
    return isinstance(raw, str) and normalize_text(raw) == ""


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col.dtype)


def _maybe_numeric(col: pd.Series) -> pd.Series:
    """Turn a text column numeric if every non-empty cell is a number."""
    if not _is_text(col):
        return col
    col = col.astype(object)
    blank = col.map(_is_blank)
    converted = pd.to_numeric(col.where(~blank), errors="coerce")
    if converted[~blank].notna().all() and (~blank).any():
        return converted
    return col.where(~blank, None)
