"""Find the header row of an export that has title lines above its table.

Thai questionnaire workbooks (and CSV files saved from them) often start with
a title, the school's name and a blank line before the row of column
headers.  :func:`choose_header_row` picks the header among the first
:data:`HEADER_SCAN_ROWS` rows: the row the caller names (``header_row=``, the
row number as Excel shows it), else the first row, unless another row names
clearly more instrument items.  How a row names items is the loader's column
matching, passed in as ``score``; this module only decides and words the
decision for the validation report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .survey import SurveyInputError

__all__ = ["HEADER_SCAN_ROWS", "HeaderSearch", "choose_header_row", "check_header_row", "skipped_text",
           "header_action", "no_items_error"]

#: Rows searched for the header when ``header_row`` is not given.
HEADER_SCAN_ROWS = 20


def check_header_row(header_row) -> int | None:
    """``header_row`` as an int >= 1, or None (find it); anything else is a ValueError."""
    if header_row is None:
        return None
    if isinstance(header_row, (bool, np.bool_)) or not isinstance(header_row, (int, np.integer)):
        raise ValueError(f"header_row must be a row number (1 = the first row, as Excel shows it) or "
                         f"None to find it, not {header_row!r}")
    if header_row < 1:
        raise ValueError(f"header_row counts rows as Excel shows them, from 1; {header_row} is not a row")
    return int(header_row)


def _cells(row: Sequence) -> list[str]:
    """The non-empty cells of a row, as text."""
    out = []
    for c in row:
        if not isinstance(c, str) and pd.isna(c):
            continue
        text = str(c).strip()
        if text:
            out.append(text)
    return out


def choose_header_row(rows: Sequence[Sequence], header_row: int | None, score: Callable[[list], int] | None,
                      n_items: int, source: str) -> int:
    """The header's position among ``rows`` (0 = the first row of the file).

    Parameters
    ----------
    rows : sequence of sequences
        The first rows of the file or sheet, cells as read (text, numbers
        or missing); at least :data:`HEADER_SCAN_ROWS` when the file has
        that many, and at least ``header_row``.
    header_row : int or None
        The header's row number as Excel shows it (1 = first), or None to
        find it.
    score : callable
        ``score(cells)``: how many instrument items a row's non-empty cells
        name (the loader's matching by mapping, code and text).
    n_items : int
        Items of the instrument.
    source : str
        File name, for the error messages.

    Returns
    -------
    int
        0-based position of the header row.  Found (``header_row=None``):
        the first row, unless a later row among the first
        :data:`HEADER_SCAN_ROWS` names at least two items (all of them, for
        an instrument of one item) and more than twice as many as the first
        row; the earliest such row with the highest count.
    """
    if header_row is not None:
        if header_row > len(rows):
            raise SurveyInputError(
                f"{source}: header_row={header_row}, but there are only {len(rows)} row(s). Pass the "
                f"row number of the column headers as Excel shows it, or leave header_row=None to find it.")
        return header_row - 1
    if score is None or len(rows) < 2:
        return 0
    scores = [score(_cells(rows[0]))]
    if 2 * scores[0] >= n_items:            # no row can name more than twice as many
        return 0
    scores += [score(_cells(r)) for r in rows[1:HEADER_SCAN_ROWS]]
    best = int(np.argmax(scores))           # the first of the highest
    if best > 0 and scores[best] >= min(2, n_items) and scores[best] > 2 * scores[0]:
        return best
    return 0


def skipped_text(rows: Sequence[Sequence], k: int, width: int = 160) -> str:
    """The text of the rows above the header (``k`` rows), one ``|`` between rows, cut at ``width``."""
    text = " | ".join(" ".join(" ".join(cells).split()) for r in rows[:k] if (cells := _cells(r)))
    return text if len(text) <= width else text[:width - 1] + "…"


@dataclass(frozen=True)
class HeaderSearch:
    """What a reader needs to pick the header row: the row asked for, or how to score rows."""

    row: int | None = None                               # header_row= as given (1 = first row)
    score: Callable[[list], int] | None = None           # items a row's cells name
    n_items: int = 0

    @property
    def rows_needed(self) -> int:
        """Rows to read before choosing."""
        return max(HEADER_SCAN_ROWS, self.row or 0)

    def choose(self, rows: Sequence[Sequence], source: str) -> int:
        """0-based position of the header among ``rows`` (see :func:`choose_header_row`)."""
        return choose_header_row(rows, self.row, self.score, self.n_items, source)


def header_action(row: int, given: int | None) -> str:
    """The report's line for a header below the first row (English; Thai in ``survey.action_text``)."""
    how = f"header_row={given}" if given else "found"
    return f"row {row} taken as the header ({how}); {row - 1} line(s) above it skipped"


def no_items_error(table, columns: list, instrument, given: int | None) -> SurveyInputError:
    """The error for a header that names no item: the file, its columns, and what to pass.

    ``table`` is the reader's table (its ``source``, ``sheet``, ``sheets``
    and ``header_row``).
    """
    def message(cli: bool) -> str:
        # the same advice, in the words of load_survey's arguments or of the command line's options
        sheet, header = ("--sheet", "--header-row") if cli else ("sheet=", "header_row=")
        where = (f" (sheet {table.sheet!r}; the workbook's sheets are {list(table.sheets)}: pass {sheet} "
                 f"to read another)" if len(table.sheets) > 1 else "")
        if table.header_row is None:
            row = ""
        else:
            why = f"header_row={given}" if given else f"none of the first {HEADER_SCAN_ROWS} rows names more items"
            row = (f" (row {table.header_row} of the file, {why}); if the column headers are in another row, "
                   f"pass {header} its number as Excel shows it (1 = first row)")
        otherwise = ("rename the columns to the item codes, or give the codebook of this questionnaire with "
                     "--instrument codebook.csv" if cli else "pass mapping={column: item} or another instrument")
        return (f"{table.source}: no column matches an item of {instrument.name}{where}. Expected item codes "
                f"such as {instrument.item_codes[:3]} or the item texts as headers; the file's columns are "
                f"{columns[:12]}{' ...' if len(columns) > 12 else ''}{row}. Otherwise {otherwise}.")

    return SurveyInputError(message(False), cli_message=message(True))
