"""Reports: every result object rendered to HTML, Word, Excel and Markdown, and the one-call survey report.

Design
------
Result objects describe themselves once, as a list of blocks
(:mod:`edu40.core.blocks`: headings, text, warnings, tables, figures; essentials
first).  :mod:`edu40.core.render` turns blocks into each format, and the
:class:`~edu40.core.reportable.Reportable` mixin gives every result object
``to_html``, ``to_docx``, ``to_excel``, ``to_markdown`` and ``_repr_html_``.
The functions here take a result object, a list of blocks, or a list mixing
both, so several results go into one document::

    edu40.report.to_docx([survey.validation, edu40.cronbach_alpha(items), sem], "chapter4.docx", lang="th")

:func:`survey_report` runs the whole analysis of a survey file
(``edu40 report FILE -o OUT.html`` on the command line).
"""
from ..core.render import to_html, to_docx, to_excel, to_markdown, html_fragment
from .pipeline import survey_report, SurveyReport, model_for

__all__ = ["to_html", "to_docx", "to_excel", "to_markdown", "html_fragment", "survey_report", "SurveyReport",
           "model_for", "save"]


def save(obj, path, *, lang=None, title=None):
    """Write ``obj`` to ``path`` in the format its suffix names: ``.html``, ``.docx``, ``.xlsx`` or ``.md``."""
    from pathlib import Path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return to_html(obj, path, lang=lang, title=title)
    if suffix == ".docx":
        return to_docx(obj, path, lang=lang, title=title)
    if suffix == ".xlsx":
        return to_excel(obj, path, lang=lang)
    if suffix in (".md", ".markdown"):
        figures = path.with_name(path.stem + "_figures")
        path.write_text(to_markdown(obj, lang=lang, figures_dir=figures), encoding="utf-8")
        return path
    raise ValueError(f"{path.name}: unknown report format {suffix!r}; use .html, .docx, .xlsx or .md")
