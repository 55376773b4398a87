"""Read questionnaire files into a table of text cells: CSV (UTF-8, BOM, UTF-16, TIS-620/cp874), Excel, SPSS.

Every cell is kept as the text the file holds, so the loader can report the
exact value of each problem; SPSS value labels, variable labels and
user-missing codes travel with the table, and so do the workbook's sheet
names and the text encoding found.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


from .scales import normalize_text
from .survey import SurveyInputError

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
    column_labels: dict = field(default_factory=dict)  # column -> SPSS variable label
    sheet: str | None = None                            # the Excel sheet read
    sheets: tuple = ()                                  # every sheet of the workbook
    encoding_detected: bool = False                     # True: found by edu40, not given


def _decode_text(raw: bytes, source: str, encoding: str | None) -> tuple[str, str, bool]:
    """The text, the encoding's name, and whether it was detected (not given)."""
    if encoding:
        try:
            return raw.decode(encoding), encoding, False
        except (UnicodeDecodeError, LookupError) as exc:
            raise SurveyInputError(f"{source}: cannot be read as {encoding} ({exc}); "
                                   f"leave encoding=None to detect it") from None
    # Excel's "Unicode Text" export is UTF-16 with a byte-order mark.
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            pass
    # UTF-8 first: TIS-620/cp874 decodes almost any byte string, UTF-8 seldom a wrong one.
    for enc, name in (("utf-8-sig", "utf-8"), ("cp874", "tis-620/cp874")):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
            name = "utf-8 with BOM"
        return text, name, True
    raise SurveyInputError(f"{source}: the file is neither UTF-8 nor TIS-620/cp874 text. "
                           f"Save it from Excel as 'CSV UTF-8', or pass encoding=...")


def _read_csv(path: Path, encoding: str | None, text_columns=None) -> _Table:
    """Read a CSV; ``text_columns(header)`` names the columns to keep as text.

    Item columns are left to pandas' type inference (fast for numbers; text
    answers stay text); other columns stay text so that codes such as "0012"
    keep their leading zeros until the loader decides what they are.
    """
    text, enc, detected = _decode_text(path.read_bytes(), path.name, encoding)
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
    return _Table(frame, np.arange(len(frame)) + 2, path.name, "csv", enc, encoding_detected=detected)


def _sheet_list(names) -> str:
    return ", ".join(f"{i} {n!r}" for i, n in enumerate(names))


def _pick_sheet(names: list[str], sheet, source: str) -> str:
    """The sheet asked for, by name (exact, else ignoring case and spaces) or position."""
    if sheet is None:
        return names[0]
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if -len(names) <= sheet < len(names):
            return names[int(sheet)]
        raise SurveyInputError(f"{source}: there is no sheet number {sheet} (the workbook has {len(names)} "
                               f"sheet(s), counted from 0: {_sheet_list(names)}). Pass sheet= one of these "
                               f"names or positions.")
    if sheet in names:
        return sheet
    close = [n for n in names if normalize_text(n) == normalize_text(str(sheet))]
    if len(close) == 1:
        return close[0]
    if str(sheet).strip().lstrip("-").isdigit():   # "1" from the command line: a position
        return _pick_sheet(names, int(sheet), source)
    raise SurveyInputError(f"{source}: there is no sheet named {sheet!r}; the workbook's sheets are "
                           f"{_sheet_list(names)}. Pass sheet= one of these names or positions (0 = first).")


def _read_excel(path: Path, sheet) -> _Table:
    try:
        book = pd.ExcelFile(path)
    except ImportError as exc:   # .xls needs xlrd, which edu40 does not install
        raise SurveyInputError(f"{path.name}: {exc}. Save the workbook as .xlsx in Excel, or "
                               f"pip install xlrd to read the old .xls format.") from None
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise SurveyInputError(f"{path.name}: cannot be read as an Excel workbook ({exc}). Open it in "
                               f"Excel and save it again as .xlsx.") from None
    with book:
        names = [str(n) for n in book.sheet_names]
        chosen = _pick_sheet(names, sheet, path.name)
        frame = pd.read_excel(book, sheet_name=chosen, dtype=object)
    return _Table(frame, np.arange(len(frame)) + 2, path.name, "excel", sheet=chosen, sheets=tuple(names))


def _read_sav(path: Path, encoding: str | None = None) -> _Table:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True, encoding=encoding)
    except pyreadstat.ReadstatError as exc:
        raise SurveyInputError(f"{path.name}: cannot be read as an SPSS .sav file ({exc}). If Thai text "
                               f"comes out wrong, pass encoding='cp874' (files saved by old SPSS "
                               f"versions on Thai Windows).") from None
    value_labels = {}
    for col, labelset in meta.variable_to_label.items():
        value_labels[col] = meta.value_labels.get(labelset, {})
    user_missing = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        user_missing[col] = [(r["lo"], r["hi"]) for r in ranges]
    labels = {c: lab for c, lab in (meta.column_names_to_labels or {}).items() if lab}
    file_encoding = (encoding or getattr(meta, "file_encoding", None) or None)
    return _Table(frame.astype(object), np.arange(len(frame)) + 1, path.name, "spss",
                  file_encoding, "case", value_labels, user_missing, labels,
                  encoding_detected=encoding is None and file_encoding is not None)


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
        return _read_sav(path, encoding)
    raise SurveyInputError(f"{path.name}: unknown file type {suffix!r}. edu40 reads .csv, .xlsx "
                           f"and SPSS .sav files; export your data to one of these.")


