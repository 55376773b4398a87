"""Render report blocks to HTML, Word, Excel and Markdown — once, for every result object.

Each function takes what :func:`edu40._blocks.collect_blocks` accepts: a
result object (anything with ``report_blocks(lang)``), a list of
:class:`~edu40._blocks.Block`, or a list mixing both, so a thesis chapter can
be one call::

    edu40.report.to_docx([survey.validation, alpha, sem_result], "chapter4.docx", lang="th")

Formats
-------
- :func:`to_html`: one self-contained UTF-8 file; figures embedded as base64
  PNG and the Sarabun font embedded, so it opens offline with Thai intact.
- :func:`to_docx`: python-docx; APA 7 tables (number and title above, a rule
  above and below the table and under the header, no vertical lines, *Note.*
  below) and the Thai font on every run, including the complex-script
  (``w:cs``) and East Asian slots of ``w:rFonts`` that Word and LibreOffice
  use for Thai.
- :func:`to_excel`: openpyxl; a first sheet with the text in reading order,
  one sheet per table (numbers stay numbers) and a sheet of figures.
- :func:`to_markdown`: pipe tables; figures saved as PNG files if asked.

This module imports nothing of edu40's pipeline stages (only the blocks and
the fonts), so a result object of any stage can call it.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .._blocks import Block, collect_blocks, figure_of
from .._fonts import FONT_FAMILY, font_context, font_files
from .._i18n import check_language, pick

__all__ = ["html_fragment", "to_html", "to_docx", "to_excel", "to_markdown", "format_cell",
           "figure_png"]

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
    >>> from edu40.report.render import format_cell
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


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------
_CSS = """
body { font-family: 'Sarabun', 'TH Sarabun New', 'Leelawadee UI', Tahoma, sans-serif; line-height: 1.5;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
h2 { font-size: 1.35rem; margin-top: 2rem; } h3 { font-size: 1.1rem; }
table.apa { border-collapse: collapse; border-top: 2px solid #000; border-bottom: 2px solid #000;
            margin: .3rem 0 1rem 0; font-size: .92rem; }
table.apa th { border-bottom: 1px solid #000; font-weight: 600; }
table.apa th, table.apa td { border-left: none; border-right: none; padding: .15rem .6rem;
                             text-align: center; vertical-align: top; }
table.apa td:first-child, table.apa th:first-child { text-align: left; }
.caption { margin: 1.2rem 0 0 0; } .caption b { display: block; } .caption i { display: block; }
.note { font-size: .88rem; margin-top: -.6rem; }
.warning { border-left: 4px solid #b00; background: #fff3f3; padding: .4rem .8rem; margin: .6rem 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
nav.toc { background: #f6f6f6; padding: .4rem 1rem; } nav.toc a { color: #124; }
footer { margin-top: 3rem; font-size: .8rem; color: #666; }
.caption { break-after: avoid; page-break-after: avoid; } thead { display: table-header-group; }
@media print { body { max-width: none; margin: 0; } figure { break-inside: avoid; }
               figure img { max-height: 24cm; width: auto; } nav.toc { display: none; } }
"""


def _font_face_css() -> str:
    """@font-face rules with Sarabun embedded (regular and bold), so Thai renders offline anywhere."""
    files = font_files()
    rules = []
    for style, weight in (("Regular", 400), ("Bold", 700)):
        if style in files:
            data = base64.b64encode(files[style].read_bytes()).decode("ascii")
            rules.append(f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: {weight}; "
                         f"src: url(data:font/ttf;base64,{data}) format('truetype'); }}")
    return "\n".join(rules)


def _table_html(block: Block, number: int, lang, styled: bool) -> str:
    word, _, note_word = _caption_words(lang)
    header, body = _rows(block.content, lang)
    style = (" style='border-collapse:collapse;border-top:2px solid #000;border-bottom:2px solid #000'"
             if not styled else "")
    th_style = " style='border-bottom:1px solid #000;text-align:center'" if not styled else ""
    head = "".join(f"<th{th_style}>{html.escape(h)}</th>" for h in header)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in body)
    cap = (f"<div class='caption'><b>{word} {number}</b>"
           + (f"<i>{html.escape(block.title)}</i>" if block.title else "") + "</div>")
    note = (f"<p class='note'><i>{note_word}</i> {html.escape(block.note)}</p>" if block.note else "")
    return f"{cap}<table class='apa'{style}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}"


def _body_html(blocks: list[Block], lang, *, figures: bool, styled: bool, heading_offset: int = 0,
               anchors: bool = False) -> str:
    _, fig_word, note_word = _caption_words(lang)
    warn_word = pick("คำเตือน:", "Warning:", lang)
    out, n_table, n_fig = [], 0, 0
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            level = min(6, max(1, b.level) + heading_offset)
            anchor = f" id='s{i}'" if anchors else ""
            out.append(f"<h{level}{anchor}>{html.escape(str(b.content))}</h{level}>")
        elif b.kind == "text":
            out.append("<p>" + "<br>".join(html.escape(s) for s in str(b.content).split("\n")) + "</p>")
        elif b.kind == "warning":
            style = "" if styled else " style='color:#a00'"
            out.append(f"<div class='warning'{style}><b>{warn_word}</b> "
                       + "<br>".join(html.escape(s) for s in str(b.content).split("\n")) + "</div>")
        elif b.kind == "table":
            n_table += 1
            out.append(_table_html(b, n_table, lang, styled))
        elif b.kind == "figure":
            n_fig += 1
            if not figures:
                continue
            png = base64.b64encode(figure_png(figure_of(b))).decode("ascii")
            cap = (f"<div class='caption'><b>{fig_word} {n_fig}</b>"
                   + (f"<i>{html.escape(b.title)}</i>" if b.title else "") + "</div>")
            note = f"<p class='note'><i>{note_word}</i> {html.escape(b.note)}</p>" if b.note else ""
            alt = html.escape(b.title or f"{fig_word} {n_fig}", quote=True)
            out.append(f"<figure>{cap}<img alt=\"{alt}\" src=\"data:image/png;base64,{png}\">{note}</figure>")
    return "\n".join(out)


def html_fragment(obj, *, lang: str | None = None, figures: bool = False) -> str:
    """An HTML fragment of the blocks (Jupyter ``_repr_html_``): inline styles, figures optional."""
    blocks = collect_blocks(obj, lang)
    lang = _label_lang(obj, lang)
    return ("<div class='edu40'>" + _body_html(blocks, lang, figures=figures, styled=False, heading_offset=2)
            + "</div>")


def to_html(obj, path, *, lang: str | None = None, title: str | None = None, embed_font: bool = True) -> Path:
    """Write a self-contained HTML report (UTF-8; images and the Thai font embedded; no network needed).

    Parameters
    ----------
    obj : result object, Block list, or a list mixing them
    path : str or Path
    lang : {"th", "en"}, optional
        Default: the session language.
    title : str, optional
        Added as the top heading (default: the first heading of the blocks
        names the page).
    embed_font : bool
        Embed Sarabun (about 250 kB) so Thai shows in the same face offline.

    Returns
    -------
    Path
    """
    lang, blocks = _prepare(obj, lang, title)
    page_title = _title(blocks, title, lang)
    heads = [(i, b) for i, b in enumerate(blocks) if b.kind == "heading" and b.level <= 2]
    toc = ""
    if len(heads) >= 4:
        toc = ("<nav class='toc'><b>" + pick("สารบัญ", "Contents", lang) + "</b><ul>"
               + "".join(f"<li><a href='#s{i}'>{html.escape(str(b.content))}</a></li>"
                         for i, b in heads if b.level == 2) + "</ul></nav>")
    body = _body_html(blocks, lang, figures=True, styled=True, anchors=True)
    if toc:     # the contents go under the title
        first = body.find("</h1>")
        body = body[:first + 5] + toc + body[first + 5:] if first >= 0 else toc + body
    from .._version import __version__
    page = (f"<!DOCTYPE html>\n<html lang='{lang}'>\n<head>\n<meta charset='utf-8'>\n"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
            f"<meta name='generator' content='edu40 {__version__}'>\n"
            f"<title>{html.escape(page_title)}</title>\n<style>\n"
            + (_font_face_css() if embed_font else "") + _CSS + "</style>\n</head>\n<body>\n"
            + body
            + f"\n<footer>edu40 {__version__}</footer>\n</body>\n</html>\n")
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------
def _set_font(rpr_owner, size: float | None = None, *, bold=None, italic=None, color=None) -> None:
    """Sarabun in every font slot of a run or style (ascii, hAnsi, eastAsia, cs), theme fonts removed.

    Word picks the ``w:cs`` (complex script) font and ``w:szCs`` size for Thai
    characters; a theme font attribute would override the explicit name.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = rpr_owner.font
    font.name = FONT_FAMILY
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    rpr = rpr_owner.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_FAMILY)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    if size is not None:
        sz_cs = rpr.find(qn("w:szCs"))
        if sz_cs is None:
            sz_cs = OxmlElement("w:szCs")
            rpr.append(sz_cs)
        sz_cs.set(qn("w:val"), str(int(round(size * 2))))
    if bold is not None:   # bold/italic of complex-script text are separate switches
        _switch(rpr, "w:bCs", bold)
    if italic is not None:
        _switch(rpr, "w:iCs", italic)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:bidi"), "th-TH")


def _switch(rpr, tag, on: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = rpr.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        rpr.append(el)
    el.set(qn("w:val"), "1" if on else "0")


def _run(paragraph, text: str, size=None, **kw):
    run = paragraph.add_run(text)
    _set_font(run, size, **kw)
    return run


def _borders(element, tag: str, sides: dict) -> None:
    """Set ``w:tblBorders`` / ``w:tcBorders``: side -> (val, size in eighths of a point)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    box = element.find(qn(tag))
    if box is None:
        box = OxmlElement(tag)
        element.append(box)
    for side, (val, sz) in sides.items():
        el = box.find(qn(f"w:{side}"))
        if el is None:
            el = OxmlElement(f"w:{side}")
            box.append(el)
        el.set(qn("w:val"), val)
        el.set(qn("w:sz"), str(sz))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")


def _docx_caption(doc, word: str, number: int, title: str) -> None:
    """APA caption: "Table 3" in bold, the title in italics below, both kept with what follows."""
    from docx.shared import Pt

    cap = doc.add_paragraph()
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.space_after = Pt(0)
    _run(cap, f"{word} {number}", bold=True)
    if title:
        t = doc.add_paragraph()
        t.paragraph_format.keep_with_next = True
        _run(t, title, italic=True)


def _docx_table(doc, block: Block, number: int, lang) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word, _, note_word = _caption_words(lang)
    _docx_caption(doc, word, number, block.title)
    header, body = _rows(block.content, lang)
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # APA: a rule above and below the table, one under the header, no vertical lines.
    _borders(table._tbl.tblPr, "w:tblBorders",
             {"top": ("single", 12), "bottom": ("single", 12), "left": ("nil", 0), "right": ("nil", 0),
              "insideH": ("nil", 0), "insideV": ("nil", 0)})
    for r, values in enumerate([header] + body):
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            cell = cells[c]
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _run(p, value, 10, bold=(r == 0) or None)
            if r == 0:
                _borders(cell._tc.get_or_add_tcPr(), "w:tcBorders", {"bottom": ("single", 6)})
    if block.note:
        p = doc.add_paragraph()
        _run(p, note_word + " ", 10, italic=True)
        _run(p, block.note, 10)
    doc.add_paragraph()


def _docx_figure(doc, block: Block, number: int, lang) -> None:
    from docx.shared import Inches

    _, word, note_word = _caption_words(lang)
    fig = figure_of(block)
    _docx_caption(doc, word, number, block.title)
    png = figure_png(fig)
    from PIL import Image
    w_px, h_px = Image.open(io.BytesIO(png)).size
    # Fit A4 text area (6.3 x 9 in) whatever the figure's aspect.
    scale = min(6.3 / (w_px / 150), 8.6 / (h_px / 150), 1.0)
    doc.add_picture(io.BytesIO(png), width=Inches(w_px / 150 * scale))
    if block.note:
        p = doc.add_paragraph()
        _run(p, note_word + " ", 10, italic=True)
        _run(p, block.note, 10)


def to_docx(obj, path, *, lang: str | None = None, title: str | None = None) -> Path:
    """Write a Word document: headings, text, APA-style tables and figures, Thai font on every run.

    Tables follow APA 7: "Table 1" in bold and the title in italics above; a
    rule above and below the table and one under the header, no vertical
    lines; the note below.  Every run names Sarabun in all four ``w:rFonts``
    slots with the Thai complex-script language, so Word and LibreOffice show
    Thai in Sarabun when it is installed (the TTFs are in the
    ``fontpkg-sarabun`` package: ``edu40._fonts.font_files()``) and in their
    Thai fallback font otherwise.  The page is A4.

    Returns
    -------
    Path
    """
    from docx import Document
    from docx.shared import Inches

    lang, blocks = _prepare(obj, lang, title)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.27), Inches(11.69)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    _set_font(doc.styles["Normal"], 11)
    for level in range(1, 4):
        _set_font(doc.styles[f"Heading {level}"], {1: 16, 2: 14, 3: 12}[level], color="1F1F1F")
    doc.core_properties.title = _title(blocks, title, lang)
    doc.core_properties.language = "th-TH" if lang == "th" else "en-US"
    warn_word = pick("คำเตือน:", "Warning:", lang)
    n_table = n_fig = 0
    for b in blocks:
        if b.kind == "heading":
            p = doc.add_heading(level=min(max(b.level, 1), 3))
            _run(p, str(b.content))
        elif b.kind == "text":
            for line in str(b.content).split("\n"):
                _run(doc.add_paragraph(), line)
        elif b.kind == "warning":
            p = doc.add_paragraph()
            _run(p, warn_word + " ", bold=True, color="AA0000")
            _run(p, str(b.content), color="AA0000")
        elif b.kind == "table":
            n_table += 1
            _docx_table(doc, b, n_table, lang)
        elif b.kind == "figure":
            n_fig += 1
            _docx_figure(doc, b, n_fig, lang)
    path = Path(path)
    doc.save(str(path))
    embed_fonts(path)
    return path


# -- embedding the Thai font in the .docx (ISO/IEC 29500-1, 17.8.1 font embedding) ------------------
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FONT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
_ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_EMBED = {"Regular": "embedRegular", "Bold": "embedBold", "Italic": "embedItalic",
          "BoldItalic": "embedBoldItalic"}


def obfuscate_font(data: bytes, font_key: str) -> bytes:
    """ODTTF obfuscation: XOR the first 32 bytes with the font key's 16 bytes in reverse order.

    The same operation undoes it.  ``font_key`` is a GUID such as
    ``"{6E9C7A3B-...}"`` (ISO/IEC 29500-1, 17.8.1).
    """
    key = bytes.fromhex(font_key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(path) -> None:
    """Embed Sarabun (regular, bold, italic, bold italic) in a saved .docx.

    Without it a reader whose computer lacks Sarabun — most, outside Thai
    government offices — sees Thai as empty boxes.  Word and LibreOffice
    read embedded TrueType fonts (``w:embedTrueTypeFonts``); the font keys are
    derived from the font name, so the same report gives the same bytes.
    """
    import uuid
    import zipfile
    from xml.etree import ElementTree as ET

    from .._fonts import FONT_FAMILY, font_files

    try:
        files = font_files()
    except ImportError:   # no font package: the document still names the font
        return
    path = Path(path)
    with zipfile.ZipFile(path) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    ET.register_namespace("w", _W)
    ET.register_namespace("r", _R)
    table = ET.fromstring(parts["word/fontTable.xml"])
    font = next((f for f in table.findall(f"{{{_W}}}font") if f.get(f"{{{_W}}}name") == FONT_FAMILY), None)
    if font is None:
        font = ET.SubElement(table, f"{{{_W}}}font", {f"{{{_W}}}name": FONT_FAMILY})
        ET.SubElement(font, f"{{{_W}}}charset", {f"{{{_W}}}val": "DE"})      # Thai
        ET.SubElement(font, f"{{{_W}}}family", {f"{{{_W}}}val": "swiss"})
        ET.SubElement(font, f"{{{_W}}}pitch", {f"{{{_W}}}val": "variable"})
    rels = ET.Element("Relationships", xmlns="http://schemas.openxmlformats.org/package/2006/relationships")
    for k, (style, tag) in enumerate(_EMBED.items(), start=1):
        if style not in files:
            continue
        key = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"edu40:{FONT_FAMILY}:{style}")).upper() + "}"
        name = f"fonts/font{k}.odttf"
        parts[f"word/{name}"] = obfuscate_font(files[style].read_bytes(), key)
        ET.SubElement(rels, "Relationship", Id=f"rIdFont{k}", Type=_FONT_REL, Target=name)
        ET.SubElement(font, f"{{{_W}}}{tag}", {f"{{{_R}}}id": f"rIdFont{k}", f"{{{_W}}}fontKey": key})
    parts["word/fontTable.xml"] = ET.tostring(table, xml_declaration=True, encoding="UTF-8")
    parts["word/_rels/fontTable.xml.rels"] = ET.tostring(rels, xml_declaration=True, encoding="UTF-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        types = types.replace("<Default ", f'<Default Extension="odttf" ContentType="{_ODTTF}"/><Default ', 1)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    settings = parts["word/settings.xml"].decode("utf-8")
    if "embedTrueTypeFonts" not in settings:
        # the schema orders it after w:zoom (and before w:proofState); Word rejects other orders
        zoom = re.search(r"<w:zoom\b[^>]*/>", settings)
        at = zoom.end() if zoom else settings.index(">", settings.index("<w:settings")) + 1
        settings = settings[:at] + "<w:embedTrueTypeFonts/>" + settings[at:]
    parts["word/settings.xml"] = settings.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


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


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------
def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def to_markdown(obj, *, lang: str | None = None, figures_dir=None) -> str:
    """The blocks as Markdown: ``#`` headings, pipe tables, warnings as block quotes.

    Parameters
    ----------
    figures_dir : str or Path, optional
        Save each figure there as ``figure-N.png`` and link it (relative to
        the directory's parent, where the Markdown file is expected); without
        it a figure is named by its caption only.
    """
    blocks = collect_blocks(obj, lang)
    lang = _label_lang(obj, lang)
    word, fig_word, note_word = _caption_words(lang)
    out, n_table, n_fig = [], 0, 0
    for b in blocks:
        if b.kind == "heading":
            out.append("#" * min(max(b.level, 1), 6) + " " + str(b.content))
        elif b.kind == "text":
            out.append(str(b.content).replace("\n", "  \n"))
        elif b.kind == "warning":
            out.append(f"> **{pick('คำเตือน:', 'Warning:', lang)}** " + str(b.content).replace("\n", "  \n> "))
        elif b.kind == "table":
            n_table += 1
            header, body = _rows(b.content, lang)
            lines = [f"**{word} {n_table}**" + (f" *{b.title}*" if b.title else ""), "",
                     "| " + " | ".join(_md_escape(h) for h in header) + " |",
                     "|" + "|".join(" --- " for _ in header) + "|"]
            lines += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in body]
            if b.note:
                lines += ["", f"*{note_word}* {b.note}"]
            out.append("\n".join(lines))
        elif b.kind == "figure":
            n_fig += 1
            caption = f"**{fig_word} {n_fig}**" + (f" *{b.title}*" if b.title else "")
            if figures_dir is not None:
                folder = Path(figures_dir)
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"figure-{n_fig}.png"
                target.write_bytes(figure_png(figure_of(b)))
                out.append(f"{caption}\n\n![{b.title or fig_word}]({folder.name}/{target.name})")
            else:
                out.append(caption)
            if b.note:
                out.append(f"*{note_word}* {b.note}")
    return "\n\n".join(out) + "\n"
