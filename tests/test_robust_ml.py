"""Robust ML (MLM, MLR, MLR with FIML) equals lavaan's estimator = "MLM" / "MLR".

Reference values: tests/reference/ordinal_reference.json (``Rscript
tests/reference/make_ordinal_reference.R``, lavaan 0.6-14); data: lavaan's
HolzingerSwineford1939 (via semopy), tests/data/hs_missing.csv, psych's bfi and
the shipped sample survey.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from tests._bfi import FIVE_FACTORS
from _parity import fit_measure_diffs, table_diffs

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference" / "ordinal_reference.json").read_text())
HS = holzinger39.get_data()
HSM = pd.read_csv(HERE / "data" / "hs_missing.csv")
BFI = pd.read_csv(HERE / "data" / "bfi.csv")
EM = pd.read_csv(HERE.parent / "data" / "sample" / "em40_survey.csv")
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
BFI_MODEL = FIVE_FACTORS

CASES = {
    "hs_mlm": lambda: edu40.fit(HS_MODEL, HS, estimator="MLM"),
    "hs_mlr": lambda: edu40.fit(HS_MODEL, HS, estimator="MLR"),
    "hs_mlm_groups": lambda: edu40.fit(HS_MODEL, HS, estimator="MLM", group="school"),
    "hs_mlr_groups": lambda: edu40.fit(HS_MODEL, HS, estimator="MLR", group="school"),
    "hs_mlr_fiml": lambda: edu40.fit(HS_MODEL, HSM, estimator="MLR", missing="fiml"),
    "em40_mlm": lambda: edu40.fit(edu40.EM40.model(), EM, estimator="MLM"),
    "em40_mlr_fiml": lambda: edu40.fit(edu40.EM40.model(), EM, estimator="MLR", missing="fiml"),
    "bfi_mlr_fiml": lambda: edu40.fit(BFI_MODEL, BFI, estimator="MLR", missing="fiml"),
}
ROBUST = ["chisq.scaled", "pvalue.scaled", "chisq.scaling.factor", "baseline.chisq.scaled", "cfi.scaled",
          "tli.scaled", "rmsea.scaled", "cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust",
          "rmsea.ci.upper.robust", "rmsea.pvalue.robust"]
_cache = {}


def fitted(name):
    if name not in _cache:
        _cache[name] = CASES[name]()
    return _cache[name]


@pytest.mark.parametrize("name", list(CASES))
def test_scaled_and_robust_fit_measures_equal_lavaan(name):
    res = fitted(name)
    assert res.converged
    diffs = fit_measure_diffs(res, REF[name]["fit"])
    assert set(ROBUST) <= set(diffs)
    for key, d in diffs.items():
        assert d <= 1e-4 * max(1.0, abs(REF[name]["fit"][key])), \
            f"{name} {key}: edu40 {res.fit_indices[key]} lavaan {REF[name]['fit'][key]}"


@pytest.mark.parametrize("name", list(CASES))
def test_robust_standard_errors_equal_lavaan(name):
    res = fitted(name)
    groups = res._spec.group_labels if len(res._model.groups) > 1 else None
    d_est, d_se = table_diffs(REF[name]["estimates"], res.estimates, "est", groups)
    assert d_est < 1e-4 and d_se < 1e-4
    d_est, d_se = table_diffs(REF[name]["standardized"], res.standardized, "est.std", groups)
    assert d_est < 1e-4 and d_se < 1e-4


def test_robust_ses_differ_from_ml_and_estimates_do_not():
    ml = edu40.fit(HS_MODEL, HS)
    mlr = fitted("hs_mlr")
    assert np.allclose(ml.estimates["est"], mlr.estimates["est"])
    assert not np.allclose(ml.estimates["se"], mlr.estimates["se"], atol=1e-3)
    assert mlr.estimator == "MLR" and mlr.scaled
    assert mlr.fit_table().set_index("key").loc["pvalue", "chisq"] == "scaled χ² (Yuan-Bentler)"
    assert "Satorra-Bentler" in fitted("hs_mlm").fit_table().set_index("key").loc["pvalue", "chisq"]


def test_robust_ml_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="raw data"):
        edu40.fit(HS_MODEL, cov=HS[[f"x{i}" for i in range(1, 10)]].cov(), nobs=301, estimator="MLM")
    with pytest.raises(ValueError, match="MLR"):
        edu40.fit(HS_MODEL, HSM, estimator="MLM", missing="fiml")
    with pytest.raises(ValueError, match="normal likelihood"):
        edu40.fit(HS_MODEL, HS, estimator="MLR", likelihood="wishart")
    with pytest.raises(edu40.ModelSpecError, match="fixed_x=False"):
        edu40.fit("visual =~ x1 + x2 + x3\nvisual ~ ageyr", HS, estimator="MLR")
