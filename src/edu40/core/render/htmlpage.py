"""One self-contained HTML page (Sarabun and figures embedded), and HTML fragments for Jupyter."""

from __future__ import annotations

import base64
import html
from pathlib import Path


from ..blocks import Block, collect_blocks, figure_of
from ..fonts import FONT_FAMILY, font_files
from ..i18n import pick
from .cells import (_rows, figure_png, _title, _label_lang, _prepare, _caption_words)


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
    lang : {None, "th", "en"}
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
    from ..._version import __version__
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


