"""Report blocks: the one protocol between result objects and the presentation layer.

Every result object that belongs in a report implements::

    def report_blocks(self, lang=None) -> list[Block]

returning headings, sentences, tables and figures in reading order
(essentials first: warnings and verdicts before detail).  The presentation
layer (``edu40.report``) renders the same blocks to HTML, Word, Excel and
Markdown, so a result is described once and shown everywhere.  This module
sits at the bottom of the pipeline: any stage may import it.

A figure block holds a matplotlib Figure, or a zero-argument callable that
makes one: views that show no figures (``_repr_html_`` in Jupyter, Excel
tables) then never pay for drawing them; :func:`figure_of` resolves either.

The renderer (:mod:`edu40.core.render`) draws blocks; the mixin
:class:`edu40.core.reportable.Reportable` gives every result its export
methods on top of both, so the three modules import one way:
blocks <- render <- reportable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Block", "heading", "text", "table", "figure", "warning", "figure_of", "collect_blocks"]

KINDS = ("heading", "text", "table", "figure", "warning")


@dataclass(frozen=True)
class Block:
    """One piece of a report.

    ``kind``: ``"heading"`` (``content`` is the title, ``level`` 1-3), ``"text"``
    (a paragraph), ``"warning"`` (a paragraph shown prominently), ``"table"``
    (a pandas DataFrame; ``title`` is its caption, ``note`` a footnote) or
    ``"figure"`` (a matplotlib Figure, or a callable returning one; ``title``
    is its caption, ``note`` a footnote).
    """

    kind: str
    content: Any
    title: str = ""
    level: int = 2
    note: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"block kind must be one of {KINDS}, not {self.kind!r}")


def heading(title: str, level: int = 2) -> Block:
    return Block("heading", title, level=level)


def text(paragraph: str) -> Block:
    return Block("text", paragraph)


def warning(paragraph: str) -> Block:
    return Block("warning", paragraph)


def table(frame, title: str = "", note: str = "") -> Block:
    return Block("table", frame, title=title, note=note)


def figure(fig, title: str = "", note: str = "") -> Block:
    """A figure block; ``fig`` is a Figure or a zero-argument callable that makes one (drawn on demand)."""
    return Block("figure", fig, title=title, note=note)


def figure_of(block: Block):
    """The Figure of a figure block, drawing it now if the block holds a callable."""
    content = block.content
    return content() if callable(content) and not hasattr(content, "savefig") else content


def collect_blocks(obj, lang: str | None = None) -> list[Block]:
    """Blocks of one object with ``report_blocks``, of a list of Blocks, or of a list mixing both."""
    if isinstance(obj, Block):
        return [obj]
    if hasattr(obj, "report_blocks"):
        return list(obj.report_blocks(lang=lang))
    if isinstance(obj, (list, tuple)):
        out: list[Block] = []
        for part in obj:
            out += collect_blocks(part, lang)
        return out
    raise TypeError(f"cannot make report blocks of {type(obj).__name__}: pass a result object "
                    f"(anything with report_blocks()), a Block, or a list of them")
