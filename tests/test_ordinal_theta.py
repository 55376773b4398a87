"""The theta parameterization of ordered indicators against lavaan 0.6-14 (parameterization = "theta").

Reference values: tests/reference/theta_reference.json, written by
``Rscript tests/reference/make_theta_reference.R`` (each entry stores its R call): HS 1939 items cut
into 3-5 categories (one group, std.lv, a continuous indicator, two groups, equal thresholds and
loadings, and semTools' measEq invariance steps up to strict) and psych::bfi.
"""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import edu40
from tests._bfi import FIVE_FACTORS

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference" / "theta_reference.json").read_text())
HSO = pd.read_csv(HERE / "data" / "hs_ordered.csv")
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
ITEMS = [f"x{i}" for i in range(1, 10)]
CASES = {
    "hs_theta": (MODEL, dict(ordered=ITEMS)),
    "hs_theta_stdlv": (MODEL, dict(ordered=ITEMS, std_lv=True)),
    "hs_theta_mixed": (MODEL.replace("x9", "x9c"), dict(ordered=ITEMS[:8])),
    "hs_theta_groups": (MODEL, dict(ordered=ITEMS, group="school")),
    "hs_theta_equal": (MODEL, dict(ordered=ITEMS, group="school", group_equal=("thresholds", "loadings"))),
}
STEPS = ["configural", "metric", "scalar", "strict"]


def _numbered(frame, res):
    frame = frame.copy()
    if "group" not in frame:
        frame["group"] = 1
    if not pd.api.types.is_numeric_dtype(frame["group"]):
        frame["group"] = frame["group"].map({lab: i + 1 for i, lab in enumerate(res._spec.group_labels)})
    return frame


def _compare(res, ref):
    fi = res.fit_indices
    keys = [k for k, v in ref["fit"].items() if k in fi.index and v is not None]
    assert keys
    for key in keys:
        assert fi[key] == pytest.approx(ref["fit"][key], rel=1e-6, abs=1e-6), key
    est = _numbered(res.estimates, res).merge(_numbered(pd.DataFrame(ref["estimates"]), res),
                                              on=["lhs", "op", "rhs", "group"], suffixes=("", "_r"))
    assert len(est) == len(ref["estimates"])
    # lavaan's optimiser stops earlier than edu40's Gauss-Newton steps (see docs/ordinal.md)
    assert np.allclose(est["est"], est["est_r"], atol=2e-4)
    assert np.allclose(est["se"].fillna(0), est["se_r"], atol=2e-4)
    std = _numbered(res.standardized, res).merge(_numbered(pd.DataFrame(ref["standardized"]), res),
                                                 on=["lhs", "op", "rhs", "group"], suffixes=("", "_r"))
    assert len(std) == len(ref["standardized"])
    assert np.allclose(std["est.std"], std["est.std_r"], atol=1e-4)
    return est


@pytest.mark.parametrize("case", list(CASES))
def test_theta_parameterization_equals_lavaan(case):
    model, kwargs = CASES[case]
    res = edu40.fit(model, HSO, parameterization="theta", **kwargs)
    est = _compare(res, REF[case])
    # the scales are not parameters: they follow from the residual variances, as lavaan prints them
    scales = est[est["op"] == "~*~"]
    assert len(scales) and np.allclose(scales["est"], scales["est_r"], atol=1e-4)


def test_theta_and_delta_are_the_same_model():
    theta = edu40.fit(MODEL, HSO, ordered=ITEMS, parameterization="theta")
    delta = edu40.fit(MODEL, HSO, ordered=ITEMS)
    for key in ("chisq", "df", "chisq.scaled", "cfi.scaled", "rmsea.scaled", "srmr"):
        assert theta.fit_indices[key] == pytest.approx(delta.fit_indices[key], rel=1e-7, abs=1e-9)
    a = theta.standardized.set_index(["lhs", "op", "rhs"])["est.std"]
    b = delta.standardized.set_index(["lhs", "op", "rhs"])["est.std"]
    loadings = [k for k in a.index if k[1] == "=~"]
    assert np.allclose(a[loadings], b[loadings], atol=1e-6)


def test_bfi_theta():
    bfi = pd.read_csv(HERE / "data" / "bfi.csv")
    items = list(bfi.columns[:25])
    model = FIVE_FACTORS
    _compare(edu40.fit(model, bfi, ordered=items, parameterization="theta"), REF["bfi_theta"])


@pytest.mark.parametrize("step", STEPS)
def test_measEq_steps_in_the_theta_parameterization(step):
    ref = REF[f"hs_theta_{step}"]
    res = edu40.fit(ref["syntax"], HSO, ordered=ITEMS, group="school", parameterization="theta")
    _compare(res, ref)


def test_strict_invariance_of_ordered_items_needs_theta():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)       # no sqrt of a negative trial variance leaks
        inv = edu40.invariance(MODEL, HSO, "school", estimator="WLSMV", parameterization="theta", strict=True)
    t = inv.table
    assert list(t["step"]) == STEPS
    for step, row in zip(STEPS, t.itertuples()):
        assert row.chisq == pytest.approx(REF[f"hs_theta_{step}"]["fit"]["chisq"], rel=1e-6)
    lrt = REF["hs_theta_lrt"]
    assert np.allclose(t["delta_chisq"][1:], lrt["chisq_diff"][1:], rtol=1e-5)
    assert list(t["delta_df"][1:]) == lrt["df_diff"][1:]
    with pytest.raises(ValueError, match="parameterization='theta'"):
        edu40.invariance(MODEL, HSO, "school", estimator="WLSMV", strict=True)
    with pytest.raises(edu40.ModelSpecError, match="parameterization"):
        edu40.fit(MODEL, HSO, ordered=ITEMS, parameterization="gamma")


def test_theta_modification_indices_run_and_agree_with_delta_on_loadings():
    """A score test does not depend on the parameterization for loadings' presence: same candidates, same MI."""
    theta = edu40.fit(MODEL, HSO, ordered=ITEMS, parameterization="theta").modification_indices()
    delta = edu40.fit(MODEL, HSO, ordered=ITEMS).modification_indices()
    a = theta[theta["op"] == "=~"].set_index(["lhs", "rhs"])["mi"]
    b = delta[delta["op"] == "=~"].set_index(["lhs", "rhs"])["mi"]
    assert set(a.index) == set(b.index)
    assert np.allclose(a.sort_index(), b.sort_index(), rtol=1e-5)


def test_a_saturated_ordinal_model_has_no_robust_scaling_but_fits():
    res = edu40.fit("visual =~ x1 + x2 + x3", HSO, ordered=["x1", "x2", "x3"])
    assert res.fit_indices["df"] == 0 and res.fit_indices["chisq"] == pytest.approx(0, abs=1e-8)
    assert np.isnan(res.fit_indices["cfi.robust"])
