"""edu40.efa, adequacy and number_of_factors: the API, the loading table, the way to CFA, bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError

ROOT = Path(__file__).resolve().parents[1]
HS = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
BFI = pd.read_csv(ROOT / "tests" / "data" / "bfi.csv").iloc[:, :25]


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


@pytest.fixture(scope="module")
def hs_efa():
    return edu40.efa(HS, 3, rotation="oblimin")


def test_loading_table_is_sorted_and_blanked(hs_efa):
    t = hs_efa.loading_table()
    # grouped by primary factor, then by size of the loading
    primary = t[hs_efa.factors].abs().idxmax(axis=1)
    assert list(primary) == sorted(primary, key=hs_efa.factors.index)
    for f in hs_efa.factors:
        sizes = t.loc[primary == f, f].abs().to_numpy()
        assert np.all(np.diff(sizes) <= 0)
    full = hs_efa.loadings.set_index("item")
    shown = t.set_index("item")
    small = full[hs_efa.factors].abs() < 0.30
    assert shown[hs_efa.factors][small.loc[shown.index]].isna().all().all()
    assert shown[hs_efa.factors][~small.loc[shown.index]].notna().sum().sum() == (~small).sum().sum()
    # a lower cut shows more
    assert hs_efa.loading_table(cut=0.1)[hs_efa.factors].notna().sum().sum() > t[hs_efa.factors].notna().sum().sum()


def test_cross_loadings_and_no_loadings(hs_efa):
    # x9 (speeded discrimination) loads on the visual and the speed factor
    assert hs_efa.cross_loadings == ["x9"]
    assert hs_efa.no_loadings == []
    a = hs_efa.assignment(cut=0.75)
    loadings = hs_efa.loadings.set_index("item")[hs_efa.factors].abs()
    nowhere = set(loadings.index[(loadings < 0.75).all(axis=1)])
    assert set(a.loc[a["status"] == "no loading", "item"]) == nowhere and len(nowhere) >= 5


def test_communalities_are_invariant_under_rotation():
    h2 = [edu40.efa(HS, 3, rotation=r).loadings["h2"].to_numpy() for r in ("none", "varimax", "promax", "oblimin")]
    for other in h2[1:]:
        assert np.allclose(other, h2[0], atol=1e-10)
    res = edu40.efa(HS, 3, rotation="promax")
    L = res.loadings[res.factors].to_numpy()
    assert np.allclose(np.diag(L @ res.phi.to_numpy() @ L.T), res.loadings["h2"], atol=1e-8)
    assert np.allclose(res.structure.to_numpy(), L @ res.phi.to_numpy())
    assert res.variance["cumulative"].iloc[-1] == pytest.approx(res.loadings["h2"].sum() / 9)


def test_to_model_runs_as_cfa_on_other_data(hs_efa):
    syntax = hs_efa.to_model()
    assert syntax.splitlines()[-3:] == ["F1 =~ x5 + x4 + x6", "F2 =~ x3 + x1 + x2", "F3 =~ x7 + x8 + x9"]
    cfa = edu40.fit(syntax, holzinger39.get_data())
    assert cfa.converged
    assert int(cfa.fit_indices["df"]) == 24
    named = hs_efa.to_model(names=["visual", "textual", "speed"][::-1])
    assert named.splitlines()[-1].startswith("visual =~")
    with pytest.raises(ValueError, match="identifiers"):
        hs_efa.to_model(names=["a b", "c", "d"])


def test_to_model_leaves_out_items_loading_nowhere_and_single_item_factors(hs_efa):
    syntax = hs_efa.to_model(cut=0.70)
    assert "# no loading of at least 0.70, left out:" in syntax
    lines = [s for s in syntax.splitlines() if not s.startswith("#")]
    assert all(len(s.split("=~")[1].split("+")) >= 2 for s in lines)
    with pytest.raises(ValueError, match="no factor has two or more items"):
        hs_efa.to_model(cut=0.95)


def test_survey_input_brings_labels_and_instrument(survey):
    res = edu40.efa(survey, 6, rotation="oblimin")
    assert res.recovers_instrument()
    m = res.instrument_match()
    assert set(m["instrument_factor"]) == set(edu40.EM40.factor_codes)
    t = res.loading_table(lang="th")
    assert t.loc[t["item"] == "EFF1", "label"].iloc[0] == edu40.EM40.label("EFF1", "th")
    syntax = res.to_model(names="instrument")
    fitted = edu40.fit(syntax, survey)
    assert set(fitted._spec.lv) == set(edu40.EM40.factor_codes)
    # rows with a missing answer are counted, not dropped silently
    assert res.n_obs + 8 == len(survey.data)
    assert "8 row(s) with a missing answer left out" in res.summary("en")


def test_default_number_of_factors_comes_from_parallel_analysis():
    res = edu40.efa(HS)
    assert res.n_factors == res.evidence.parallel_fa == 3
    assert "parallel analysis" in res.summary("en")
    again = edu40.efa(HS)
    assert again.evidence.table.equals(res.evidence.table)      # fixed seed: reproducible


def test_pairwise_and_listwise(survey):
    listwise = edu40.efa(BFI, 5, rotation="oblimin")
    pairwise = edu40.efa(BFI, 5, rotation="oblimin", nan_policy="pairwise")
    assert listwise.n_obs == 2436 and pairwise.n_obs == 2800
    assert "364 row(s) with a missing answer left out" in listwise.summary("en")
    assert "at least 2" in pairwise.summary("en")


def test_correlation_matrix_input():
    r = HS.corr()
    from_matrix = edu40.efa(r, 3, n_obs=len(HS), rotation="oblimin")
    from_data = edu40.efa(HS, 3, rotation="oblimin")
    assert np.allclose(from_matrix.loadings[from_matrix.factors], from_data.loadings[from_data.factors], atol=1e-8)
    assert from_matrix.fit["chisq"] == pytest.approx(from_data.fit["chisq"])
    with pytest.raises(StatsInputError, match="n_obs"):
        edu40.efa(r, 3)


def test_methods_and_rotations_run():
    for method in ("minres", "ml", "pa", "principal"):
        res = edu40.efa(HS, 3, method=method, rotation="varimax")
        assert res.converged and res.phi is None
    for rotation in ("quartimin", "geomin_obl"):
        assert edu40.efa(HS, 3, rotation=rotation).phi is not None
    with pytest.raises(ValueError, match="rotation must be one of"):
        edu40.efa(HS, 3, rotation="bogus")
    with pytest.raises(ValueError, match="method must be one of"):
        edu40.efa(HS, 3, method="wls")


def test_one_factor_sign_is_positive():
    res = edu40.efa(-HS, 1)
    assert res.loadings["F1"].sum() > 0


# --------------------------------------------------------------------------- bad input
def test_too_few_rows_for_the_items():
    with pytest.raises(StatsInputError, match=r"8 respondent\(s\) answered all 9 items.*more complete rows than items"):
        edu40.efa(HS.head(8), 2)


def test_constant_item_is_named():
    bad = HS.copy()
    bad["x4"] = 3.0
    with pytest.raises(StatsInputError, match="column 'x4' is constant"):
        edu40.efa(bad, 2)


def test_singular_matrix_names_the_collinear_items():
    bad = HS.copy()
    bad["total"] = HS[["x1", "x2", "x3"]].sum(axis=1)
    with pytest.raises(StatsInputError, match="singular") as err:
        edu40.adequacy(bad)
    for item in ("total", "x1", "x2", "x3"):
        assert item in str(err.value)
    assert "x7" not in str(err.value).split("dependent")[0]
    copy = HS.assign(x10=HS["x1"])
    with pytest.raises(StatsInputError, match=r"x1 and x10 \(r = \+1.000\)"):
        edu40.efa(copy, 2)


def test_more_factors_than_the_items_allow():
    with pytest.raises(StatsInputError, match="at most 5 factors"):
        edu40.efa(HS, 6)
    assert edu40.efa(HS, 5, rotation="none").n_factors == 5      # the bound itself works


def test_non_numeric_column_is_refused():
    bad = HS.assign(school=["a"] * len(HS))
    with pytest.raises(StatsInputError, match="column 'school' is not numeric"):
        edu40.efa(bad, 2)


def test_heywood_case_is_reported():
    # r_ab r_ac / r_bc = 1.28: a one-factor model needs a loading of a above 1
    r = pd.DataFrame([[1, .8, .8, .7], [.8, 1, .5, .45], [.8, .5, 1, .45], [.7, .45, .45, 1]],
                     index=list("abcd"), columns=list("abcd"))
    for method in ("ml", "minres", "pa"):
        res = edu40.efa(r, 1, n_obs=200, method=method)
        assert res.heywood == ("a",), method
        assert "Heywood case" in res.summary("en") and "กรณีเฮย์วูด" in res.summary("th")


# --------------------------------------------------------------------------- adequacy and number of factors
def test_adequacy_criteria_and_thai():
    a = edu40.adequacy(HS)
    assert a.passed
    c = a.criteria("th")
    assert list(c["result"]) == ["ผ่าน"] * 4
    assert "KMO = 0.752" in a.summary("th")
    assert a.criteria("en").loc[0, "value"].endswith("(middling)")
    strict = edu40.adequacy(HS, msa_min=0.60)
    assert not strict.passed and "x7" in strict.criteria().loc[1, "value"]


def test_number_of_factors_criteria_side_by_side():
    nf = edu40.number_of_factors(HS)
    s = nf.suggestions("en")
    assert list(s["n_factors"]) == [nf.kaiser, nf.parallel_fa, nf.parallel_pc, nf.map] == [3, 3, 3, 2]
    assert nf.max_factors == 5
    with pytest.raises(ValueError, match="quantile"):
        edu40.number_of_factors(HS, quantile=95)


# --------------------------------------------------------------------------- reports
def test_reports_in_every_format(tmp_path, survey):
    res = edu40.efa(survey, 6, rotation="oblimin")
    for lang in ("th", "en"):
        blocks = res.report_blocks(lang)
        kinds = [b.kind for b in blocks]
        assert kinds[0] == "heading" and "table" in kinds and "figure" in kinds
    res.to_html(tmp_path / "efa.html", lang="th")
    html = (tmp_path / "efa.html").read_text(encoding="utf-8")
    assert "น้ำหนักองค์ประกอบ" in html and "ATM =~" not in html and "F1 =~" in html
    res.to_docx(tmp_path / "efa.docx")
    res.to_excel(tmp_path / "efa.xlsx")
    assert (tmp_path / "efa.docx").stat().st_size > 10000
    md = edu40.efa(HS).to_markdown(lang="en")
    assert "Parallel analysis (FA)" in md and "Factor loadings (pattern matrix)" in md
    assert edu40.number_of_factors(HS).to_markdown(lang="th").count("|") > 20
    assert "<table" in edu40.adequacy(HS)._repr_html_()


def test_plots():
    fig = edu40.plots.scree_plot(edu40.number_of_factors(HS), lang="th")
    assert len(fig.axes[0].lines) == 5
    res = edu40.efa(HS, 3)
    assert len(edu40.plots.scree_plot(res).axes[0].lines) == 2      # no parallel analysis: eigenvalues only
    assert len(edu40.plots.loading_heatmap(res).axes) == 2


# --------------------------------------------------------------------------- the modules
EFA_MODULES = ["stats._factor_data", "stats.efa_extract", "stats.factors", "stats.efa", "stats.efa_result",
               "stats.efa_plots", "stats.efa_scores"]


@pytest.mark.parametrize("module", EFA_MODULES)
def test_docstring_examples_run(module):
    import doctest
    import importlib
    mod = importlib.import_module(f"edu40.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


@pytest.mark.parametrize("module", EFA_MODULES)
def test_factor_analysis_is_one_topic(module):
    # the factor-analysis modules build on core, io and the shared input checks, and on each other;
    # never on another statistic
    import ast
    src = Path(edu40.__file__).parent / (module.replace(".", "/") + ".py")
    own = {m.split(".")[1] for m in EFA_MODULES}
    for node in ast.walk(ast.parse(src.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            assert node.module in own | {"_inputs"}, f"{module} imports .{node.module}"
        elif isinstance(node, ast.ImportFrom) and node.level == 2:
            assert (node.module or "").startswith(("core", "io")), f"{module} imports ..{node.module}"
