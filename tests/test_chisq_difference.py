"""Chi-square difference tests of nested models against lavaan 0.6-14's ``lavTestLRT``.

Reference values: tests/reference/lrt_reference.json, written by
``Rscript tests/reference/make_lrt_reference.R`` (each entry stores its R call).
"""
import doctest
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from tests._bfi import FIVE_FACTORS
from edu40.sem import compare

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference" / "lrt_reference.json").read_text())
HSO = pd.read_csv(HERE / "data" / "hs_ordered.csv")
HS = holzinger39.get_data()
ITEMS = [f"x{i}" for i in range(1, 10)]
FREE = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
RESTRICTED = ("visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + b*x5 + b*x6\nspeed =~ x7 + x8 + x9\n"
              "visual ~~ 0*speed")
METHOD = {"WLSMV": "satorra.2000", "ULSMV": "satorra.2000", "WLSM": "satorra.bentler.2001",
          "DWLS": "standard", "ML": "standard", "MLM": "satorra.bentler.2001", "MLR": "satorra.bentler.2001"}


def _fit(model, estimator):
    if estimator in ("ML", "MLM", "MLR"):
        return edu40.fit(model, HS, estimator=estimator)
    return edu40.fit(model, HSO, ordered=ITEMS, estimator=estimator)


@pytest.mark.parametrize("estimator", list(METHOD))
def test_difference_of_nested_models_equals_lavTestLRT(estimator):
    ref = REF[f"hs_{estimator.lower()}"]
    # given restricted first: the table orders the models by df, as lavTestLRT
    t = edu40.chisq_difference(_fit(RESTRICTED, estimator), _fit(FREE, estimator), names=["equal", "free"])
    assert list(t["model"]) == ["free", "equal"]
    assert list(t["df"]) == ref["df"]
    assert np.allclose(t["chisq"], ref["chisq"], rtol=1e-6)
    # SB2001 divides by c_d = (df0 c0 - df1 c1)/m, which multiplies the 1e-7 agreement of the scaling
    # factors by about df/m: 1e-5 relative is the agreement of the difference, not of the method
    assert t["delta_chisq"][1] == pytest.approx(ref["chisq_diff"][1], rel=1e-5)
    assert t["delta_df"][1] == ref["df_diff"][1]
    assert t["delta_pvalue"][1] == pytest.approx(ref["pvalue"][1], rel=1e-4, abs=1e-9)
    assert t["method"][1] == METHOD[estimator]
    if METHOD[estimator] == "standard":      # RMSEA_D: lavaan 0.6-14 gives it for unscaled tests only
        assert t["rmsea"][1] == pytest.approx(ref["rmsea"][1], rel=1e-5)
    else:
        assert np.isnan(t["rmsea"][1]) and not ref["rmsea"]
    assert np.isnan(t["delta_chisq"][0])


@pytest.mark.parametrize("estimator", ["WLSMV", "ULSMV"])
def test_ordinal_invariance_steps_use_the_satorra_2000_difference(estimator):
    inv = edu40.invariance(FREE, HSO, "school", estimator=estimator)
    ref = REF[f"hs_invariance_{estimator.lower()}"]
    t = inv.table
    assert np.allclose(t["chisq"], ref["chisq"], rtol=1e-6)
    assert np.allclose(t["delta_chisq"][1:], ref["chisq_diff"][1:], rtol=1e-6)
    assert np.allclose(t["delta_pvalue"][1:], ref["pvalue"][1:], rtol=1e-5)
    assert list(t["delta_df"][1:]) == ref["df_diff"][1:]


def test_invariance_by_gender_on_a_real_likert_survey():
    """psych::bfi (25 six-point items, 2 236 complete answers): two groups, 5 factors, WLSMV."""
    bfi = pd.read_csv(HERE / "data" / "bfi.csv")
    items = list(bfi.columns[:25])
    model = FIVE_FACTORS
    complete = bfi.dropna(subset=items + ["gender"])
    inv = edu40.invariance(model, complete, "gender", estimator="WLSMV")
    ref = REF["bfi_invariance_wlsmv"]
    t = inv.table
    assert np.allclose(t["chisq"], ref["chisq"], rtol=1e-6)
    assert np.allclose(t["delta_chisq"][1:], ref["chisq_diff"][1:], rtol=1e-6)
    assert t["delta_pvalue"][1] == pytest.approx(ref["pvalue"][1], rel=1e-5)
    assert t["delta_pvalue"][2] < 1e-30 and ref["pvalue"][2] < 1e-30


def test_the_restricted_model_may_list_its_variables_in_another_order():
    """The 'delta' method lines the sample statistics up by name, not by position."""
    reordered = ("speed =~ x7 + x8 + x9\ntextual =~ x4 + b*x5 + b*x6\nvisual =~ x1 + a*x2 + a*x3\n"
                 "visual ~~ 0*speed")
    t = edu40.chisq_difference(_fit(FREE, "WLSMV"), _fit(reordered, "WLSMV"))
    assert t["delta_chisq"][1] == pytest.approx(REF["hs_wlsmv"]["chisq_diff"][1], rel=1e-5)


def test_models_that_cannot_be_compared_are_refused():
    free, restricted = _fit(FREE, "ML"), _fit(RESTRICTED, "ML")
    with pytest.raises(ValueError, match="different estimators"):
        edu40.chisq_difference(free, _fit(RESTRICTED, "MLM"))
    with pytest.raises(ValueError, match="different numbers of respondents"):
        edu40.chisq_difference(free, edu40.fit(RESTRICTED, HS.iloc[:200]))
    with pytest.raises(ValueError, match="groups"):
        edu40.chisq_difference(edu40.fit(FREE, HS, group="school"), restricted)
    with pytest.raises(ValueError, match="more degrees of freedom"):
        edu40.chisq_difference(free, free)
    with pytest.raises(ValueError, match="at least two"):
        edu40.chisq_difference(free)
    with pytest.raises(ValueError, match="2 names for 3 models"):
        edu40.chisq_difference(free, restricted, restricted, names=["a", "b"])


def test_a_restricted_model_that_fits_better_is_flagged():
    """Not nested: the 'restricted' model (more df) fits better, as lavTestLRT warns."""
    better = edu40.fit("visual =~ x1 + x2 + x3 + x9\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
                       "x7 ~~ x8\nvisual ~~ 0*speed\ntextual ~~ 0*speed\nx1 ~~ 0.55*x1", HS)
    worse = edu40.fit(FREE, HS)
    assert better.fit_indices["df"] > worse.fit_indices["df"]
    assert better.fit_indices["chisq"] < worse.fit_indices["chisq"]
    with pytest.warns(UserWarning, match="not nested"):
        edu40.chisq_difference(worse, better)


def test_aic_and_bic_for_ml_only():
    ml = edu40.chisq_difference(_fit(FREE, "ML"), _fit(RESTRICTED, "ML"))
    assert np.all(np.isfinite(ml[["aic", "bic"]].to_numpy()))
    wls = edu40.chisq_difference(_fit(FREE, "WLSMV"), _fit(RESTRICTED, "WLSMV"))
    assert wls[["aic", "bic"]].isna().all().all()
    assert np.isfinite(wls["shift_a"][1]) and np.isnan(wls["scaling_factor"][1])


def test_docstring_example_runs():
    result = doctest.testmod(compare, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_ordinal_invariance_with_pairwise_deletion():
    """psych::bfi by gender, every respondent kept (lavaan missing = 'pairwise')."""
    bfi = pd.read_csv(HERE / "data" / "bfi.csv").dropna(subset=["gender"])
    model = FIVE_FACTORS
    inv = edu40.invariance(model, bfi, "gender", estimator="WLSMV", missing="pairwise")
    ref = REF["bfi_invariance_pairwise"]
    t = inv.table
    assert inv.fits["configural"].fit_indices["nobs"] == len(bfi)
    assert np.allclose(t["chisq"], ref["chisq"], rtol=1e-6)
    assert np.allclose(t["delta_chisq"][1:], ref["chisq_diff"][1:], rtol=1e-6)
    assert t["delta_pvalue"][1] == pytest.approx(ref["pvalue"][1], rel=1e-5)


@pytest.mark.parametrize("estimator", ["ML", "MLR"])
def test_difference_of_fiml_fits(estimator):
    """HS 1939 with 8% of the answers missing: FIML, plain and Satorra-Bentler (2001) differences."""
    data = pd.read_csv(HERE / "data" / "hs_missing.csv")
    t = edu40.chisq_difference(edu40.fit(FREE, data, estimator=estimator, missing="fiml"),
                               edu40.fit(RESTRICTED, data, estimator=estimator, missing="fiml"))
    ref = REF[f"hs_fiml_{estimator.lower()}"]
    assert t["delta_chisq"][1] == pytest.approx(ref["chisq_diff"][1], rel=1e-5)
    assert t["delta_pvalue"][1] == pytest.approx(ref["pvalue"][1], rel=1e-4)
    if estimator == "ML":
        assert t["rmsea"][1] == pytest.approx(ref["rmsea"][1], rel=1e-5)     # RMSEA_D with FIML too
    else:
        assert np.isnan(t["rmsea"][1])
