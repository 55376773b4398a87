"""Report blocks: the one protocol between result objects and the presentation layer.

Every result object that belongs in a report implements::

    def report_blocks(self, lang=None) -> list[Block]

returning headings, sentences, tables and figures in reading order
(essentials first: warnings and verdicts before detail).  The presentation
layer (``edu40.report``) renders the same blocks to HTML, Word, Excel and
Markdown, so a result is described once and shown everywhere.  This module
sits at the bottom of the pipeline: any stage may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Block", "heading", "text", "table", "figure", "warning"]

KINDS = ("heading", "text", "table", "figure", "warning")


@dataclass(frozen=True)
class Block:
    """One piece of a report.

    ``kind``: ``"heading"`` (``content`` is the title, ``level`` 1-3), ``"text"``
    (a paragraph), ``"warning"`` (a paragraph shown prominently), ``"table"``
    (a pandas DataFrame; ``title`` is its caption, ``note`` a footnote) or
    ``"figure"`` (a matplotlib Figure; ``title`` is its caption).
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


def figure(fig, title: str = "") -> Block:
    return Block("figure", fig, title=title)
