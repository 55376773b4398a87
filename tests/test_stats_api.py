"""The statistics API as a whole: exports, layering, docstring examples, languages, result objects."""
import ast
import doctest
import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import edu40

SRC = Path(edu40.__file__).parent
STATS_MODULES = ["stats._inputs", "core.results", "stats.descriptives", "stats.reliability", "stats.testitems",
                 "stats.ttests", "stats.anova", "stats.correlation"]
PUBLIC = ["StatsInputError", "relabel", "describe", "frequencies", "cronbach_alpha", "item_analysis", "reliability",
          "omega", "kr20", "kr21", "item_difficulty_discrimination", "ioc", "ttest", "paired_ttest", "anova",
          "correlations"]


def test_public_names_are_exported():
    for name in PUBLIC:
        assert name in edu40.__all__ and callable(getattr(edu40, name)), name


@pytest.mark.parametrize("module", [m for m in STATS_MODULES if m.startswith("stats.")])
def test_statistics_do_not_import_each_other(module):
    # each statistic is its own topic: it builds on the foundation (core), the loaded survey (io)
    # and the shared input checks, never on another statistic or a later stage, so each can be
    # read and tested on its own (the stage order as a whole is tested in test_layout.py)
    tree = ast.parse((SRC / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            target = "." * node.level + (node.module or "")
            assert target == "._inputs" or target.startswith(("..core", "..io")), f"{module} imports {target}"


@pytest.mark.parametrize("module", STATS_MODULES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"edu40.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if module != "stats._inputs":
        assert result.attempted > 0, f"{module} has no runnable example"


def test_every_public_function_has_formula_reference_and_example():
    for name in PUBLIC[2:]:
        doc = getattr(edu40, name).__doc__
        assert "Examples" in doc and ">>>" in doc, name
        assert "References" in doc or "Notes" in doc, name


def test_session_language_is_the_default():
    survey = edu40.datasets.load_em40_survey()
    edu40.set_language("th")
    try:
        t = edu40.describe(survey)
        assert t.loc[0, "level"] == "มาก" and t.loc[6, "label"] == "ภาพรวม"
        assert edu40.item_analysis(survey.items[["HRM1", "HRM2", "HRM3"]]).loc[0, "decision"] == "ใช้ได้"
        assert "ค่าสัมประสิทธิ์แอลฟา" in str(edu40.cronbach_alpha(survey.items[["HRM1", "HRM2"]]))
    finally:
        edu40.set_language("en")
    assert edu40.describe(survey).loc[0, "level"] == "high"
    with pytest.raises(ValueError, match="lang must be"):
        edu40.describe(survey, lang="de")


def test_relabel_gives_report_headers_and_keeps_the_data():
    survey = edu40.datasets.load_em40_survey()
    t = edu40.describe(survey, lang="th")
    th = edu40.relabel(t, "th")
    assert ["ค่าเฉลี่ย", "S.D.", "ระดับ", "อันดับ"] == [c for c in th.columns if c in ("ค่าเฉลี่ย", "S.D.", "ระดับ", "อันดับ")]
    assert list(edu40.relabel(t, "en").columns[:3]) == ["Variable", "Label", "Kind"]
    assert list(t.columns[:3]) == ["variable", "label", "kind"]          # the original is untouched
    assert th["ค่าเฉลี่ย"].equals(t["mean"])


def test_result_objects_show_essentials_first():
    survey = edu40.datasets.load_em40_survey()
    scores = survey.factor_scores()
    results = [edu40.cronbach_alpha(survey.items[["HRM1", "HRM2", "HRM3"]]),
               edu40.omega(survey.items[["HRM1", "HRM2", "HRM3", "HRM4"]]),
               edu40.kr20(edu40.datasets.load_em40_training().filter(like="pre_K")),
               edu40.ttest(scores["ACL"], mu=3.51),
               edu40.paired_ttest(scores["ACL"], scores["EFF"]),
               edu40.anova(survey, "EFF", "region"),
               edu40.correlations(survey)]
    for res in results:
        html = res._repr_html_()
        assert html.startswith("<b>"), type(res).__name__
        assert isinstance(res.to_frame(), pd.DataFrame) and len(res.to_frame()) >= 1
        assert res.summary("en") != res.summary("th")
        with pytest.raises(AttributeError):       # frozen dataclass
            setattr(res, "n", 0)


def test_no_nan_in_headline_numbers():
    survey = edu40.datasets.load_em40_survey()
    frames = [edu40.describe(survey), edu40.reliability(survey), edu40.item_analysis(survey.items[["ACL1", "ACL2", "ACL3"]]),
              edu40.correlations(survey).to_frame(), edu40.anova(survey, "ACL", "region").tukey]
    for f in frames:
        numeric = f.select_dtypes("number").drop(columns=["rank"], errors="ignore")
        assert not numeric.isna().any().any()


def test_integer_and_nullable_columns_are_accepted():
    t = pd.DataFrame({"a": pd.array([1, 2, 3, 4, None, 5], dtype="Int64"),
                      "b": pd.array([2, 2, 3, 5, 4, 5], dtype="Int64"),
                      "c": np.array([1, 3, 2, 4, 4, 5], dtype="int64")})
    res = edu40.cronbach_alpha(t)
    assert res.n == 5 and np.isfinite(res.alpha)
    assert edu40.describe(t).loc[0, "n"] == 5


def test_the_methods_page_example_runs():
    text = (Path(__file__).resolve().parents[1] / "docs" / "statistics.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    try:
        exec(compile(code, "docs/statistics.md", "exec"), {})
    finally:
        edu40.set_language("en")
    assert "edu40.set_language(\"th\")" in code
