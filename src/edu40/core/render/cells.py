"""What every format shares: cell formatting (APA p values), table rows, figure PNGs, captions."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from ..blocks import Block, collect_blocks
from ..fonts import font_context
from ..i18n import check_language, pick

# Columns holding p values: shown APA style (".034", "< .001").
_P_COLUMNS = {"p", "pvalue", "p_adj", "p (adjusted)", "p (ปรับแก้)", "rmsea.pvalue", "levene_p", "welch_p",
               "Levene p", "Welch p"}



# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------
def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, (float, np.floating)) and math.isnan(v)


def format_cell(v, column: str = "", lang: str | None = None) -> str:
    """How a table cell is printed: 3 decimals, p values APA style, missing as blank.

    Examples
    --------
    >>> from edu40.core.render import format_cell
    >>> format_cell(0.91234), format_cell(0.0004, "p"), format_cell(0.0312, "p"), format_cell(float("nan"))
    ('0.912', '< .001', '.031', '')
    """
    if _missing(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return pick("ใช่", "yes", lang) if v else pick("ไม่ใช่", "no", lang)
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if str(column) in _P_COLUMNS and 0 <= v <= 1:
            return "< .001" if v < 0.001 else f"{v:.3f}".replace("0.", ".", 1)
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        return f"{v:.2f}" if abs(v) >= 1000 else f"{v:.3f}"
    return str(v)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as rows and string headers: a meaningful index becomes the first column."""
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" / ".join(str(c) for c in col if str(c)) for col in frame.columns]
    keep_index = not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names)
    if keep_index:
        names = [n if n is not None else "" for n in frame.index.names]
        if len(names) == 1 and names[0] in frame.columns:
            names = [f"{names[0]} "]
        frame.index.names = names
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _rows(frame: pd.DataFrame, lang) -> tuple[list[str], list[list[str]]]:
    flat = _flat(frame)
    header = list(flat.columns)
    body = [[format_cell(v, c, lang) for c, v in zip(header, row)]
            for row in flat.itertuples(index=False, name=None)]
    return header, body


def figure_png(fig, dpi: int = 150) -> bytes:
    """A figure as PNG bytes (drawn with Sarabun available for texts made while drawing)."""
    buf = io.BytesIO()
    with font_context():
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _title(blocks: list[Block], title: str | None, lang) -> str:
    if title:
        return title
    for b in blocks:
        if b.kind == "heading":
            return str(b.content)
    return pick("รายงาน edu40", "edu40 report", lang)


def _label_lang(obj, lang) -> str:
    """Language of the renderer's own words ("Table", "Note."): ``lang``, else the object's, else the session's."""
    if lang is None and isinstance(getattr(obj, "lang", None), str):
        return check_language(obj.lang)
    return check_language(lang)


def _prepare(obj, lang, title):
    blocks = collect_blocks(obj, lang)      # lang=None: each object's default (a report keeps its own)
    lang = _label_lang(obj, lang)
    if title:
        blocks = [Block("heading", title, level=1)] + blocks
    return lang, blocks


def _caption_words(lang):
    return pick("ตารางที่", "Table", lang), pick("ภาพที่", "Figure", lang), pick("หมายเหตุ.", "Note.", lang)


