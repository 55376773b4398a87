"""SEM engine: bad input explained, problems reported, results shown well."""
import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import ModelSpecError, ModelSyntaxError, SEMDataError
from _models import HS_MODEL

HS = holzinger39.get_data()


def test_model_naming_a_missing_column_says_which_and_suggests():
    with pytest.raises(SEMDataError, match=r"not in the data: 'x10'.*'x1'"):
        edu40.fit("f =~ x1 + x2 + x10", HS)


def test_single_indicator_factor_with_nothing_fixed_is_refused_with_advice():
    with pytest.raises(ModelSpecError, match=r"g has a single indicator \(x4\).*x4 ~~ 0\*x4"):
        edu40.fit("f =~ x1 + x2 + x3\ng =~ x4", HS)
    # fixing the residual variance makes it estimable
    res = edu40.fit("f =~ x1 + x2 + x3\ng =~ x4\nx4 ~~ 0.2*x4", HS)
    assert res.converged


def test_singular_covariance_names_the_columns():
    data = HS.copy()
    data["x3copy"] = data["x3"]
    with pytest.raises(SEMDataError, match="x3 and x3copy are perfectly correlated"):
        edu40.fit("f =~ x1 + x2 + x3 + x3copy", data)
    data["flat"] = 1.0
    with pytest.raises(SEMDataError, match=r"\['flat'\] have zero variance"):
        edu40.fit("f =~ x1 + x2 + flat", data)


def test_too_few_rows():
    with pytest.raises(SEMDataError, match="5 usable rows for 9 variables"):
        edu40.fit(HS_MODEL, HS.head(5))
    with pytest.raises(SEMDataError, match="12 rows for 21 free parameters"):
        edu40.fit(HS_MODEL, HS.head(12))


def test_more_parameters_than_moments():
    with pytest.raises(ModelSpecError, match="not identified"):
        edu40.fit("f =~ x1 + x2 + x3\nx1 ~~ x2\nx1 ~~ x3\nx2 ~~ x3", HS)


@pytest.mark.parametrize("text, message", [
    ("f =~ x1 + x2 +", "ends with an operator"),
    ("f x1 x2", "no operator"),
    ("f =~ x1 + 2x", "not a variable name"),
    ("f =~ x1 + x2\na > 0", "inequality constraints"),
    ("y | t1", "thresholds"),
    ("", "empty"),
])
def test_syntax_errors_name_the_problem(text, message):
    with pytest.raises(ModelSyntaxError, match=message):
        edu40.fit(text, HS)


def test_non_numeric_column_is_explained():
    data = HS.copy()
    data["x1"] = data["x1"].astype(str)
    data.loc[data.index[3], "x1"] = "มาก"
    with pytest.raises(SEMDataError, match=r"column 'x1' is not numeric \(e.g. value 'มาก'"):
        edu40.fit(HS_MODEL, data)


def test_heywood_case_is_reported_not_hidden():
    corr = pd.DataFrame([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]], index=["a", "b", "c"], columns=["a", "b", "c"])
    res = edu40.fit("f =~ a + b + c", cov=corr, nobs=300)
    kinds = [w.kind for w in res.warnings]
    assert "Heywood case" in kinds
    heywood = [w for w in res.warnings if w.kind == "Heywood case"]
    assert any("a ~~ a" in w.parameter for w in heywood)
    assert "Heywood" in res.summary()


def test_under_identification_is_reported():
    res = edu40.fit("f =~ NA*x1 + x2 + x3\nf ~~ f\ng =~ x4 + x5 + x6", HS)
    assert any(w.kind == "under-identification" for w in res.warnings)


def test_listwise_exclusions_are_counted():
    data = HS.copy()
    data.loc[data.index[:7], "x2"] = np.nan
    res = edu40.fit(HS_MODEL, data)
    assert res.fit_indices["nobs"] == 294
    w = [w for w in res.warnings if w.kind == "rows excluded"]
    assert w and "7 row(s) excluded" in w[0].message
    fiml = edu40.fit(HS_MODEL, data, missing="fiml")
    assert fiml.fit_indices["nobs"] == 301


def test_correlation_plus_sds_equals_covariance_input():
    cols = [f"x{i}" for i in range(1, 10)]
    cov = HS[cols].cov()
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    a = edu40.fit(HS_MODEL, cov=cov, nobs=301)
    b = edu40.fit(HS_MODEL, cov=corr, sds=pd.Series(sd, index=cols), nobs=301)
    assert a.fit_indices["chisq"] == pytest.approx(b.fit_indices["chisq"], rel=1e-8)
    with pytest.raises(SEMDataError, match="not a correlation matrix"):
        edu40.fit(HS_MODEL, cov=cov, sds=pd.Series(sd, index=cols), nobs=301)


def test_fit_indices_are_named_as_lavaan():
    res = edu40.fit(HS_MODEL, HS)
    for key in ["npar", "nobs", "chisq", "df", "pvalue", "cmin/df", "baseline.chisq", "baseline.df",
                "cfi", "tli", "nfi", "ifi", "rfi", "gfi", "agfi", "pgfi", "rmr", "srmr", "rmsea",
                "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "aic", "bic", "logl"]:
        assert key in res.fit_indices.index
    assert res.fit_indices["cmin/df"] == pytest.approx(res.fit_indices["chisq"] / 24)


def test_fit_table_in_thai_and_english_with_criteria():
    res = edu40.fit(HS_MODEL, HS)
    en = res.fit_table()
    assert set(en["result"]) <= {"pass", "fail"}
    row = en.set_index("key").loc["cfi"]
    assert row["criterion"] == ">= 0.95" and row["result"] == "fail"      # CFI .931
    th = res.fit_table(lang="th")
    assert "ผลการพิจารณา" in th.columns and set(th["ผลการพิจารณา"]) <= {"ผ่าน", "ไม่ผ่าน"}
    se = res.fit_table("schermelleh-engel-2003").set_index("key")
    assert se.loc["gfi", "result"] == "pass"                               # GFI .943 >= .90
    custom = res.fit_table({"rmsea": ("<=", 0.10)})
    assert custom["result"].tolist() == ["pass"]
    with pytest.raises(ValueError, match="unknown criteria"):
        res.fit_table("amos")


def test_reliability_table_has_cr_ave_and_fornell_larcker():
    t = edu40.fit(HS_MODEL, HS).reliability().set_index("factor")
    lam = np.array([0.772, 0.424, 0.581])
    cr = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())
    assert t.loc["visual", "cr"] == pytest.approx(cr, abs=2e-3)
    assert t.loc["textual", "fornell_larcker"]
    assert {"cr", "ave", "sqrt_ave", "max_r", "fornell_larcker"} <= set(t.columns)


def test_display_shows_warnings_first_and_the_essentials():
    res = edu40.fit(HS_MODEL, HS)
    text = res.summary()
    assert "chisq = 85.306, df = 24" in text and "visual: x1=0.772" in text
    html = res._repr_html_()
    assert "Standardized loadings" in html and "CFI" in html
    assert "SEMResult(N=301" in repr(res)
    assert "est.std" in res.to_frame().columns


def test_survey_input_and_em40_model():
    survey = edu40.datasets.load_em40_survey()
    res = edu40.fit(edu40.EM40.model(), survey)
    assert int(res.fit_indices["df"]) == 804 and int(res.fit_indices["npar"]) == 99
    assert res.r2["EFF"] == pytest.approx(0.777, abs=1e-3)
    assert int(edu40.fit(edu40.EM40.model(structural=False), survey).fit_indices["df"]) == 804


def test_bad_options():
    with pytest.raises(ValueError, match="ordered"):
        edu40.fit(HS_MODEL, HS, estimator="WLSMV")        # least squares are for ordered indicators
    with pytest.raises(ValueError, match="not available"):
        edu40.fit(HS_MODEL, HS, estimator="GLS")
    with pytest.raises(ValueError, match="likelihood"):
        edu40.fit(HS_MODEL, HS, likelihood="amos")
    with pytest.raises(ValueError, match="not both"):
        edu40.fit(HS_MODEL, HS, cov=HS.cov(numeric_only=True), nobs=301)


def test_warnings_speak_thai_and_english():
    data = HS.copy()
    data.loc[data.index[:3], "x2"] = np.nan
    res = edu40.fit(HS_MODEL, data)
    w = [w for w in res.warnings if w.kind == "rows excluded"][0]
    assert "3 row(s) excluded" in w.text("en") and str(w) == w.text("en")
    assert "ตัดออก 3 แถว" in w.text("th")
    assert "ตัดออก 3 แถว" in res.summary(lang="th")
