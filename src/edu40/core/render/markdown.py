"""Markdown: headings, pipe tables, warnings as block quotes, figures as PNG files."""

from __future__ import annotations

from pathlib import Path


from ..blocks import collect_blocks, figure_of
from ..i18n import pick
from .cells import (_rows, figure_png, _label_lang, _caption_words)


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
