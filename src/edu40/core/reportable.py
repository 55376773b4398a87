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

    def to_markdown(self, path=None, *, lang: str | None = None, figures_dir=None):
        """The report as Markdown (pipe tables); figures saved as PNG in ``figures_dir`` if given.

        Without ``path`` the Markdown text is returned.  With ``path`` (as for
        ``to_html``, ``to_docx`` and ``to_excel``) it is written there in UTF-8,
        the figures in the folder ``<name>_figures`` beside it unless
        ``figures_dir`` is given, and the path is returned.
        """
        if path is None:
            return render.to_markdown(self, lang=lang, figures_dir=figures_dir)
        from pathlib import Path

        path = Path(path)
        figures = path.with_name(path.stem + "_figures") if figures_dir is None else figures_dir
        path.write_text(render.to_markdown(self, lang=lang, figures_dir=figures), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        return render.html_fragment(self.report_blocks(), figures=False)
