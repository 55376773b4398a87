"""The mixin that gives every result object its exports: HTML, Word, Excel, Markdown, Jupyter.

A class that defines ``report_blocks(lang)`` (see :mod:`edu40.core.blocks`)
and inherits :class:`Reportable` gets ``to_html``, ``to_docx``, ``to_excel``,
``to_markdown`` and ``_repr_html_``, all drawn by :mod:`edu40.core.render`.
"""

from __future__ import annotations

from . import render
from .blocks import Block

__all__ = ["Reportable"]


class Reportable:
    """Mixin: export methods and a Jupyter view for any class with ``report_blocks(lang)``.

    The methods delegate to :mod:`edu40.core.render`; ``lang`` defaults to
    the session language (:func:`edu40.set_language`).
    """

    def report_blocks(self, lang: str | None = None) -> list[Block]:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_html(self, path, *, lang: str | None = None, title: str | None = None):
        """Write one self-contained HTML file (tables, figures as embedded PNG, UTF-8)."""
        return render.to_html(self, path, lang=lang, title=title)

    def to_docx(self, path, *, lang: str | None = None, title: str | None = None):
        """Write a Word document with APA-style tables and Thai fonts set on every run."""
        return render.to_docx(self, path, lang=lang, title=title)

    def to_excel(self, path, *, lang: str | None = None):
        """Write an Excel workbook: the text first, then one sheet per table (and the figures)."""
        return render.to_excel(self, path, lang=lang)

    def to_markdown(self, *, lang: str | None = None, figures_dir=None) -> str:
        """The report as Markdown (pipe tables); figures saved as PNG in ``figures_dir`` if given."""
        return render.to_markdown(self, lang=lang, figures_dir=figures_dir)

    def _repr_html_(self) -> str:
        return render.html_fragment(self.report_blocks(), figures=False)
