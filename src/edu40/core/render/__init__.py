"""Render report blocks to HTML, Word, Excel and Markdown — once, for every result object.

Each function takes what :func:`edu40.core.blocks.collect_blocks` accepts: a
result object (anything with ``report_blocks(lang)``), a list of
:class:`~edu40.core.blocks.Block`, or a list mixing both, so a thesis chapter can
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

from .cells import figure_png, format_cell
from .excel import to_excel
from .htmlpage import html_fragment, to_html
from .markdown import to_markdown
from .word import embed_fonts, obfuscate_font, to_docx

__all__ = ["html_fragment", "to_html", "to_docx", "to_excel", "to_markdown", "format_cell",
           "figure_png", "obfuscate_font", "embed_fonts"]
