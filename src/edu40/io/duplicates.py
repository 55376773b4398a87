"""Double submissions: respondents who appear more than once in a file.

Compared by the respondent id column when the file has one; else, in an
export that collects e-mail addresses (Google Forms' ``Email Address`` /
``ที่อยู่อีเมล``, or a question ``อีเมล`` the form author added), by the
e-mail address, without case and surrounding spaces.  Blank ids and blank
addresses are not duplicates, and rows already excluded (no item answered)
are not compared.  Each repeated row is recorded in the validation report
with its row number; ``duplicates="keep-first"`` excludes the later
submissions (each recorded), ``"raise"`` stops with an error naming the rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .scales import MISSING_TOKENS, normalize_text
from .survey import _EMAIL_NAMES, SurveyInputError

__all__ = ["find_email_column", "flag_duplicates"]

_PLURAL = {"row": "rows", "case": "cases", "index": "index"}


def find_email_column(columns) -> str | None:
    """The first column whose header names an e-mail address (``Email Address``, ``ที่อยู่อีเมล``,
    ``อีเมล (ถ้ามี)`` ...)."""
    return next((c for c in columns if re.sub(r"\s*[(\[][^)\]]*[)\]]\s*$", "", normalize_text(c))
                 in _EMAIL_NAMES), None)


def flag_duplicates(frame: pd.DataFrame, ids: np.ndarray, id_column: str | None, email_column: str | None,
                    keep: np.ndarray, rows: np.ndarray, policy: str, add_rows, source: str,
                    row_label: str = "row") -> None:
    """Record repeated respondents, and exclude later submissions with ``policy="keep-first"``.

    Parameters
    ----------
    frame : DataFrame
        The file's cells.
    ids : ndarray
        Respondent ids as text (the row numbers when the file has no id column).
    id_column, email_column : str or None
        Compare by ``id_column`` when given, else by ``email_column``; neither: nothing to do.
    keep : ndarray of bool
        Rows kept so far; changed in place.
    rows : ndarray
        Row numbers as the file shows them.
    policy : {"flag", "keep-first", "raise"}
    add_rows : callable
        The loader's recorder: ``add_rows(idx, column, item, value, problem, severity, action)``.
    source : str
        File name, for the error.
    row_label : {"row", "case", "index"}
        What ``rows`` count.
    """
    if id_column:
        column, shown, keys = id_column, ids, ids
    elif email_column:
        column = email_column
        raw = frame[email_column]
        text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip()
        folded = text.str.casefold()
        blank = folded.isin(MISSING_TOKENS).to_numpy()                # "", "-", "NA" ...: no address
        shown = text.where(~blank, "").to_numpy(dtype=object)
        keys = folded.where(~blank, "").to_numpy(dtype=object)
    else:
        return
    key = pd.Series(keys, dtype=object).where(keep & (keys != ""))      # NaN: not compared
    dup = (key.duplicated(keep=False) & key.notna()).to_numpy()
    if not dup.any():
        return
    by_email = not id_column
    idx = np.flatnonzero(dup)
    codes = pd.factorize(key.to_numpy()[idx])[0]                  # groups in order of first appearance
    order = np.argsort(codes, kind="stable")
    groups = np.split(idx[order], np.flatnonzero(np.diff(codes[order])) + 1)
    if policy == "raise":
        members = groups[0]
        what = f"e-mail address {shown[members[0]]!r}" if by_email else f"respondent id {shown[members[0]]!r}"
        raise SurveyInputError(
            f"{source}: {what} appears in {row_label}s {rows[members].tolist()} (column '{column}'); "
            f"{len(idx)} rows share {'an e-mail address' if by_email else 'an id'}. Remove double "
            f"submissions, or load with duplicates='flag' or 'keep-first'.")
    later = dup & key.duplicated(keep="first").to_numpy()
    if policy == "keep-first":
        keep[later] = False
    action = np.empty(len(key), dtype=object)
    if by_email:
        for g in groups:
            listed = rows[g].tolist()
            where = f"{_PLURAL[row_label]} {', '.join(map(str, listed))}"
            if policy == "keep-first":
                action[g[0]] = f"kept; first of {len(g)} submissions with this e-mail ({where})"
                action[g[1:]] = (f"excluded (a later submission with an e-mail already kept: {row_label} "
                                 f"{listed[0]})")
            else:
                action[g] = f"kept; {len(g)} submissions with this e-mail ({where}); check for a double submission"
    else:
        action[idx] = "kept; check for a double submission"
        if policy == "keep-first":
            action[later] = "excluded (a later copy of an id already kept)"
    add_rows(idx, column, "", shown[idx], "duplicate_email" if by_email else "duplicate_id", "warning",
             action[idx])
