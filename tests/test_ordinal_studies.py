"""The estimators in the studies: invariance of ordered items and with robust ML, replication,
validation, the survey report and the command line take ``estimator`` / ``--estimator``."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40.cli import main
from edu40.studies.ordinal_invariance import step_syntax

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference" / "ordinal_reference.json").read_text())
HSO = pd.read_csv(HERE / "data" / "hs_ordered.csv")
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
SAMPLE = HERE.parent / "data" / "sample" / "em40_survey.csv"


@pytest.fixture(scope="module")
def ordinal_invariance():
    return edu40.invariance(HS_MODEL, HSO, "school", estimator="WLSMV")


@pytest.mark.parametrize("step", ["configural", "metric", "scalar"])
def test_ordinal_invariance_steps_equal_measEq_syntax_in_lavaan(ordinal_invariance, step):
    res = ordinal_invariance.fits[step]
    ref = REF[f"hs_{step}"]["fit"]
    for key in ("npar", "df", "chisq", "chisq.scaled", "cfi.scaled", "rmsea.scaled", "srmr"):
        assert res.fit_indices[key] == pytest.approx(ref[key], abs=1e-4 * max(1, abs(ref[key])))


def test_ordinal_invariance_table_compares_scaled_indices(ordinal_invariance):
    t = ordinal_invariance.table.set_index("step")
    assert ordinal_invariance.fit_basis == "cfi.scaled, rmsea.scaled"
    assert t.loc["metric", "delta_cfi"] == pytest.approx(REF["hs_metric"]["fit"]["cfi.scaled"]
                                                        - REF["hs_configural"]["fit"]["cfi.scaled"], abs=1e-4)
    assert t.loc["metric", "delta_chisq"] > 0              # Satorra (2000): tests/test_chisq_difference.py
    assert ordinal_invariance.level == "metric"
    assert "cfi.scaled" in ordinal_invariance.summary()


def test_step_syntax_frees_what_wu_estabrook_free():
    text = step_syntax("f =~ a + b + c", 3, {"a": 2, "b": 2, "c": 3}, "metric")
    assert "f =~ c(NA, NA, NA)*a + c(lambda.a.f, lambda.a.f, lambda.a.f)*a" in text
    assert "c | c(NA, NA, NA)*t3 + c(c.thr3, c.thr3, c.thr3)*t3" in text
    assert "a ~ c(0, NA, NA)*1" in text and "a ~*~ c(1, NA, NA)*a" in text
    assert "f ~~ c(1, NA, NA)*f" in text and "f ~ c(0, 0, 0)*1" in text
    scalar = step_syntax("f =~ a + b + c", 2, {"a": 2, "b": 2, "c": 3}, "scalar")
    assert "a ~ c(0, 0)*1" in scalar and "f ~ c(0, NA)*1" in scalar
    with pytest.raises(edu40.ModelSpecError, match="two categories"):
        step_syntax("f =~ a + b + c", 2, {"a": 1, "b": 2, "c": 3}, "metric")
    with pytest.raises(ValueError, match="strict"):
        edu40.invariance(HS_MODEL, HSO, "school", estimator="WLSMV", strict=True)


def test_robust_ml_invariance_uses_the_scaled_difference_test():
    inv = edu40.invariance(HS_MODEL, holzinger39.get_data(), "school", estimator="MLR")
    ref = REF["hs_mlr_invariance"]
    t = inv.table
    assert np.allclose(t["delta_chisq"][1:], ref["chisq_diff"][1:], atol=1e-3)
    assert np.allclose(t["delta_pvalue"][1:], ref["pvalue"][1:], atol=1e-5)
    assert np.allclose(t["cfi"], ref["cfi_robust"], atol=1e-5)
    assert np.allclose(t["rmsea"], ref["rmsea_robust"], atol=1e-5)


def test_replication_adds_the_estimators_column():
    rep = edu40.replicate(estimator="WLSMV")
    t = rep.table.set_index("index")
    fi = rep.result_estimator.fit_indices
    assert t.loc["Chi-square (CMIN)", "obtained (WLSMV)"] == pytest.approx(fi["chisq.scaled"])
    assert t.loc["CMIN/DF", "obtained (WLSMV)"] == pytest.approx(fi["chisq.scaled"] / fi["df.scaled"])
    # the verdicts stay those of ML, the published method
    assert t.loc["RMSEA", "verdict"] == edu40.replicate().table.set_index("index").loc["RMSEA", "verdict"]
    assert any("obtained (WLSMV)" in n for n in rep.notes())
    assert "ที่ได้ (WLSMV)" in rep.to_frame("th").columns


def test_validation_with_a_robust_estimator_judges_robust_indices():
    v = edu40.validate(edu40.datasets.load_em40_survey(), estimator="MLR")
    ft = v.cfa.fit_table().set_index("key")
    assert v.cfa.estimator == "MLR" and ft.loc["cfi", "index_used"] == "cfi.robust"
    fit_row = v.checks.set_index("aspect").loc["model fit"]
    assert f"{v.cfa.fit_indices['cfi.robust']:.3f}" in fit_row["value"]


def test_cli_takes_estimator(capsys, tmp_path):
    assert main(["replicate", "--estimator", "wlsmv"]) == 0
    assert "obtained (WLSMV)" in capsys.readouterr().out
    out = tmp_path / "r.md"
    assert main(["report", str(SAMPLE), "--estimator", "MLR", "-o", str(out), "--no-plots", "--quiet",
                 "--lang", "en"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "scaled χ² (Yuan-Bentler)" in text and "MLR estimation" in text
    with pytest.raises(SystemExit):
        main(["replicate", "--estimator", "GLS"])
    assert "invalid choice" in capsys.readouterr().err
