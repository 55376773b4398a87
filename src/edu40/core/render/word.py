"""Word documents: APA 7 tables and figures, Sarabun in every font slot, the font embedded."""

from __future__ import annotations

import io
import re
from pathlib import Path


from ..blocks import Block, figure_of
from ..fonts import FONT_FAMILY
from ..i18n import pick
from .cells import (_rows, figure_png, _title, _prepare, _caption_words)


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
    ``fontpkg-sarabun`` package: ``edu40.core.fonts.font_files()``) and in their
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

    from ..fonts import FONT_FAMILY, font_files

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


