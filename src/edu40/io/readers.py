"""Read questionnaire files into a table of text cells: CSV (UTF-8, BOM, UTF-16, TIS-620/cp874), Excel, SPSS.

Every cell is kept as the text the file holds, so the loader can report the
exact value of each problem; SPSS value labels, variable labels and
user-missing codes travel with the table, and so do the workbook's sheet
names, the text encoding found and the header row (a CSV or a sheet may have
title lines above its table; :mod:`edu40.io.header` picks the header).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


from .header import HeaderSearch, skipped_text
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
    header_row: int | None = None                       # row of the headers as the file shows it
    above: str = ""                                     # the text of the lines above the header


def _sniff(lines: list[str]) -> str:
    """The delimiter of a CSV from its first lines."""
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        # title lines above the table defeat the sniffer: the delimiter splitting some line the most
        most = {d: max((line.count(d) for line in lines), default=0) for d in ",;\t|"}
        best = max(most, key=most.get)
        return best if most[best] else ","


_EOL = re.compile(r"\r\n|\r|\n")


def _first_records(text: str, sep: str, n: int) -> tuple[list[list[str]], list[int]]:
    """The first ``n`` records of a CSV text, and where each record starts (character offsets).

    A record is a row as Excel shows the file: a quoted cell may span lines.
    """
    end = 0

    def lines():   # the text's lines, ends kept, read lazily (no copy of a large file)
        nonlocal end
        while end < len(text):
            m = _EOL.search(text, end)
            start, end = end, (m.end() if m else len(text))
            yield text[start:end]

    records, starts = [], [0]
    try:
        for record in csv.reader(lines(), delimiter=sep):
            records.append(record)
            starts.append(end)
            if len(records) >= n:
                break
    except csv.Error:
        pass   # pandas reports a malformed file below
    return records, starts


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


def _read_csv(path: Path, encoding: str | None, text_columns=None, search: HeaderSearch | None = None) -> _Table:
    """Read a CSV; ``text_columns(header)`` names the columns to keep as text.

    Item columns are left to pandas' type inference (fast for numbers; text
    answers stay text); other columns stay text so that codes such as "0012"
    keep their leading zeros until the loader decides what they are.
    ``search`` picks the header row when title lines come first.
    """
    text, enc, detected = _decode_text(path.read_bytes(), path.name, encoding)
    lines = max(20, search.row + 5 if search is not None and search.row else 0)   # a header far down
    sep = _sniff(text[:1000 * lines].splitlines()[:lines])
    k, above = 0, ""
    if search is not None:
        records, starts = _first_records(text, sep, search.rows_needed)
        k = search.choose(records, path.name)
        above = skipped_text(records, k)
        text = text[starts[k]:]
    try:
        header = pd.read_csv(io.StringIO(text), sep=sep, nrows=0).columns
        as_text = text_columns([str(c).strip() for c in header]) if text_columns else list(header)
        dtype = {c: str for c in header if str(c).strip() in set(as_text)}
        frame = pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False, sep=sep)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SurveyInputError(f"{path.name}: not a well-formed CSV table ({str(exc).strip()}). Check for "
                               f"unbalanced quotes or a wrong delimiter; if lines above the table hold a "
                               f"title, pass header_row= the row of the column headers (as Excel shows "
                               f"it).") from None
    return _Table(frame, np.arange(len(frame)) + k + 2, path.name, "csv", enc, encoding_detected=detected,
                  header_row=k + 1, above=above)


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


def _read_excel(path: Path, sheet, search: HeaderSearch | None = None) -> _Table:
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
        k, above = 0, ""
        if search is not None:
            first = pd.read_excel(book, sheet_name=chosen, header=None, nrows=search.rows_needed, dtype=object)
            rows = first.to_numpy(dtype=object).tolist()
            k = search.choose(rows, f"{path.name} (sheet {chosen!r})")
            above = skipped_text(rows, k)
        frame = pd.read_excel(book, sheet_name=chosen, header=k, dtype=object)
    return _Table(frame, np.arange(len(frame)) + k + 2, path.name, "excel", sheet=chosen, sheets=tuple(names),
                  header_row=k + 1, above=above)


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


def _no_header_row(search: HeaderSearch | None, what: str) -> None:
    if search is not None and search.row is not None:
        raise SurveyInputError(f"{what}: header_row= picks the row of column headers in a CSV file or an "
                               f"Excel sheet; this source has no such row. Leave header_row=None.")


def _read(source, sheet, encoding, text_columns=None, search: HeaderSearch | None = None) -> _Table:
    """Read a DataFrame or a file; ``search`` finds the header row of a CSV file or an Excel sheet."""
    if isinstance(source, pd.DataFrame):
        _no_header_row(search, "<DataFrame>: a DataFrame has its columns already")
        return _Table(source.reset_index(drop=True).astype(object), np.asarray(source.index),
                      "<DataFrame>", "dataframe", row_label="index")
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file. Check the path (working directory: {Path.cwd()}).")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, encoding, text_columns, search)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, sheet, search)
    if suffix in (".sav", ".zsav"):
        _no_header_row(search, f"{path.name}: an SPSS file names its variables itself")
        return _read_sav(path, encoding)
    raise SurveyInputError(f"{path.name}: unknown file type {suffix!r}. edu40 reads .csv, .xlsx "
                           f"and SPSS .sav files; export your data to one of these.")


