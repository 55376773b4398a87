"""Read questionnaire files into a table of text cells: CSV (UTF-8, BOM, TIS-620/cp874), Excel, SPSS.

Every cell is kept as the text the file holds, so the loader can report the
exact value of each problem; SPSS value labels and user-missing codes travel
with the table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


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


