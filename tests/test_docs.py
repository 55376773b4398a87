"""The documentation site builds without a single warning (mkdocs --strict), as CI builds it."""
import os
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


def test_every_nav_page_exists_and_every_page_is_in_the_nav():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    pages = list(nav_pages(config["nav"]))
    docs = ROOT / "docs"
    assert all((docs / p).exists() for p in pages), [p for p in pages if not (docs / p).exists()]
    on_disk = {str(p.relative_to(docs)) for p in docs.rglob("*.md")}
    assert on_disk == set(pages), on_disk ^ set(pages)
