"""Excel workbooks: the text in reading order, one sheet per table (numbers stay numbers), figures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np

from ..blocks import figure_of
from ..fonts import FONT_FAMILY
from ..i18n import pick
from .cells import (_missing, _flat, figure_png, _prepare, _caption_words)


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set, fallback: str) -> str:
    name = _BAD_SHEET.sub(" ", title or fallback).strip().strip("'") or fallback
    name = name[:31]
    base, k = name, 2
    while name.lower() in taken:
        suffix = f" ({k})"
        name = base[:31 - len(suffix)] + suffix
        k += 1
    taken.add(name.lower())
    return name


def to_excel(obj, path, *, lang: str | None = None) -> Path:
    """Write an Excel workbook: a text sheet, one sheet per table, and a sheet of figures.

    The first sheet holds the headings, sentences and warnings in reading
    order and names the sheet of each table.  Table values stay numbers
    (shown with three decimals), so they can be recomputed or charted.

    Returns
    -------
    Path
    """
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    lang, blocks = _prepare(obj, lang, None)
    word, fig_word, note_word = _caption_words(lang)
    wb = Workbook()
    summary = wb.active
    taken: set = set()
    summary.title = _sheet_name(pick("สรุป", "Summary", lang), taken, "Summary")
    summary.column_dimensions["A"].width = 110
    font = FONT_FAMILY
    rule = Side(style="thin", color="000000")
    row = 1
    n_table = n_fig = 0
    fig_sheet = None
    fig_row = 1
    for b in blocks:
        if b.kind == "heading":
            cell = summary.cell(row=row, column=1, value=str(b.content))
            cell.font = Font(name=font, bold=True, size={1: 16, 2: 13}.get(b.level, 11))
            row += 1
        elif b.kind in ("text", "warning"):
            prefix = pick("คำเตือน: ", "Warning: ", lang) if b.kind == "warning" else ""
            for line in str(b.content).split("\n"):
                cell = summary.cell(row=row, column=1, value=prefix + line)
                cell.font = Font(name=font, color="AA0000" if b.kind == "warning" else None)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                row += 1
        elif b.kind == "table":
            n_table += 1
            name = _sheet_name(b.title, taken, f"{word} {n_table}")
            summary.cell(row=row, column=1, value=f"{word} {n_table}: {b.title} → '{name}'").font = Font(
                name=font, italic=True)
            row += 1
            ws = wb.create_sheet(name)
            flat = _flat(b.content)
            ws.cell(row=1, column=1, value=f"{word} {n_table}. {b.title}").font = Font(name=font, bold=True)
            for c, h in enumerate(flat.columns, start=1):
                cell = ws.cell(row=3, column=c, value=h)
                cell.font = Font(name=font, bold=True)
                cell.border = Border(top=rule, bottom=rule)
                ws.column_dimensions[get_column_letter(c)].width = max(10, min(60, len(str(h)) + 4))
            for r, values in enumerate(flat.itertuples(index=False, name=None), start=4):
                for c, v in enumerate(values, start=1):
                    if _missing(v):
                        v = None
                    elif isinstance(v, (np.bool_, bool)):
                        v = bool(v)
                    elif isinstance(v, np.integer):
                        v = int(v)
                    elif isinstance(v, np.floating):
                        v = float(v)
                    elif not isinstance(v, (int, float, str)):
                        v = str(v)
                    cell = ws.cell(row=r, column=c, value=v)
                    cell.font = Font(name=font)
                    if isinstance(v, float):
                        cell.number_format = "0.000"
                    if isinstance(v, str):
                        letter = get_column_letter(c)
                        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 10,
                                                                 min(60, len(v) + 2))
            last = 3 + len(flat)
            for c in range(1, len(flat.columns) + 1):
                cell = ws.cell(row=last, column=c)
                cell.border = Border(top=cell.border.top, bottom=rule)
            if b.note:
                ws.cell(row=last + 2, column=1, value=f"{note_word} {b.note}").font = Font(name=font, italic=True)
            ws.freeze_panes = "A4"
        elif b.kind == "figure":
            n_fig += 1
            if fig_sheet is None:
                fig_sheet = wb.create_sheet(_sheet_name(pick("ภาพ", "Figures", lang), taken, "Figures"))
            png = figure_png(figure_of(b), dpi=110)
            fig_sheet.cell(row=fig_row, column=1, value=f"{fig_word} {n_fig}. {b.title}").font = Font(
                name=font, bold=True)
            image = XLImage(io.BytesIO(png))
            fig_sheet.add_image(image, f"A{fig_row + 1}")
            fig_row += 3 + int(image.height / 20)
            summary.cell(row=row, column=1, value=f"{fig_word} {n_fig}: {b.title} → '{fig_sheet.title}'").font = Font(
                name=font, italic=True)
            row += 1
    path = Path(path)
    wb.save(str(path))
    return path


