"""The documentation site builds without a single warning (mkdocs --strict), as CI builds it."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")


def nav_pages(nav):
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            yield from nav_pages(value)
        else:
            yield value


def test_mkdocs_build_strict(tmp_path):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                       cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "WARNING" not in r.stderr
    site = tmp_path / "site"
    # the API reference was generated from the docstrings, not left empty
    api = (site / "api" / "report" / "index.html").read_text(encoding="utf-8")
    assert "survey_report" in api and "Returns" in api and "path_diagram" in api
    assert "cronbach_alpha" in (site / "api" / "statistics" / "index.html").read_text(encoding="utf-8")
    check_numpydoc_roles_rendered(site)


ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|obj|exc):(?:`|<code>)")


def check_numpydoc_roles_rendered(site: Path):
    """numpydoc roles (:func:`x`) show as links or code on the site, never as literal text.

    The docstrings keep the roles (Jupyter's help() and Sphinx read them); the site's griffe
    extension docs/ext/numpydoc_roles.py rewrites them while mkdocstrings loads the package.
    """
    import edu40

    assert ":class:`SurveyInputError`" in edu40.load_survey.__doc__        # the source keeps numpydoc
    literal = {str(p.relative_to(site)): ROLE.findall(p.read_text(encoding="utf-8"))
               for p in site.rglob("*.html")}
    assert not {k: v for k, v in literal.items() if v}, literal
    assert ":func:`" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    data = (site / "api" / "data" / "index.html").read_text(encoding="utf-8")
    # load_survey's ":class:`SurveyInputError`" is a link to the class on the same page
    assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="#edu40\.SurveyInputError"><code>'
                     r'SurveyInputError</code></a>', data)
    stats = (site / "api" / "statistics" / "index.html").read_text(encoding="utf-8")
    # ":func:`cronbach_alpha`" in item_analysis links within the page
    assert 'href="#edu40.cronbach_alpha"><code>cronbach_alpha</code></a>' in stats


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    pages = list(nav_pages(config["nav"]))
    docs = ROOT / "docs"
    assert all((docs / p).exists() for p in pages), [p for p in pages if not (docs / p).exists()]
    on_disk = {str(p.relative_to(docs)) for p in docs.rglob("*.md")}
    assert on_disk == set(pages), on_disk ^ set(pages)


def _literal(text):
    import ast

    try:
        return ast.literal_eval(str(text))
    except (ValueError, SyntaxError):
        return str(text)


def test_no_docstring_states_a_default_its_signature_contradicts():
    """numpydoc reads the first of ``{"th", "en"}`` as the default (so does the API site): a type line
    must list the real default first, e.g. ``lang : {None, "th", "en"}`` when None means the session's."""
    import griffe

    pkg = griffe.load("edu40", search_paths=[str(ROOT / "src")], docstring_parser="numpy",
                      resolve_aliases=False)
    wrong, seen = [], set()

    def walk(obj):
        if obj.is_alias or id(obj) in seen:
            return
        seen.add(id(obj))
        if obj.is_function and obj.docstring is not None:
            for section in obj.docstring.parse(warnings=False):
                if section.kind is not griffe.DocstringSectionKind.parameters:
                    continue
                entries = section.value
                for i, p in enumerate(entries):
                    grouped = any(0 <= j < len(entries) and entries[j].description == p.description
                                  and p.description for j in (i - 1, i + 1))
                    if grouped or p.name not in obj.parameters or p.value is None:
                        continue
                    sig = obj.parameters[p.name].default
                    if sig is not None and _literal(p.value) != _literal(sig):
                        wrong.append(f"{obj.path}({p.name}): documented {p.value}, signature {sig}")
        for member in obj.members.values():
            walk(member)

    walk(pkg)
    assert not wrong, "\n".join(wrong)
