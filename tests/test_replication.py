"""Replication of the published fit, the audit of reported numbers, invariance and validation."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import SEMDataError
from edu40.studies.audit import implied_n_range, standard_df
from edu40.studies.published import JEDAMAN_2020
from _models import HS_MODEL

REF = json.loads((Path(__file__).parent / "reference" / "sem_reference.json").read_text())
HS = holzinger39.get_data()


# --- the audit must find what ../shared/EM40-model.md lists ---------------------------------
def test_audit_finds_the_facts_a_replication_must_face():
    audit = edu40.audit_reported_fit(published=JEDAMAN_2020)
    f = audit.findings.set_index("check")
    # 562.16 / 192 = 2.928, consistent with 2.92 (truncated)
    assert f.loc["cmin/df", "recomputed"] == "2.9279"
    assert f.loc["cmin/df", "status"] == "consistent" and "truncated" in f.loc["cmin/df", "arithmetic"]
    # RMSEA .05 with this chi2 and df implies N ~ 772; rounding allows 639..953
    lo, hi, point = audit.implied_n_range
    assert (lo, hi) == (639, 953) and round(point) == 772
    # 42 indicators: 903 moments, 99 parameters, df 804 -- not 192
    assert f.loc["df", "status"] == "unexplained"
    assert "903 moments" in f.loc["df", "arithmetic"] and "99 free parameters" in f.loc["df", "arithmetic"]
    assert "df 804" in f.loc["df", "arithmetic"] and "+612" in f.loc["df", "arithmetic"]
    assert f.loc["gfi", "status"] == "inconsistent"
    assert set(audit.problems["check"]) == {"df", "gfi"}


def test_implied_n_range_edges_print_as_the_reported_rmsea():
    lo, hi, _ = implied_n_range(562.16, 192, "0.05")
    rmsea = lambda n: np.sqrt((562.16 - 192) / (192 * (n - 1)))
    assert round(rmsea(lo), 2) == 0.05 and round(rmsea(hi), 2) == 0.05
    assert round(rmsea(lo - 1), 2) != 0.05 and rmsea(hi + 1) < 0.045


def test_standard_df_is_computed_not_hard_coded():
    assert standard_df(42, 6) == {"moments": 903, "parameters": 99, "df": 804}
    assert standard_df(9, 3)["df"] == 24          # Holzinger-Swineford 3-factor CFA
    assert standard_df(22, 6)["df"] == 194


def test_audit_of_a_consistent_paper_finds_nothing():
    res = edu40.fit(HS_MODEL, HS)
    fi = res.fit_indices
    audit = edu40.audit_reported_fit(chisq=f"{fi['chisq']:.2f}", df=24, n=301,
                                     rmsea=f"{fi['rmsea']:.3f}", cmin_df=f"{fi['cmin/df']:.2f}",
                                     n_indicators=9, n_factors=3)
    assert audit.problems.empty
    assert (audit.findings["status"] == "consistent").all()


def test_audit_output_in_thai_and_html():
    audit = edu40.audit_reported_fit(published=JEDAMAN_2020)
    assert "ไม่สอดคล้อง" in audit.summary("th")
    assert "ผล" in audit.to_frame("th").columns
    assert "cannot support" in audit._repr_html_()


# --- replication ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def replication():
    return edu40.replicate()


def test_replication_table_and_verdicts(replication):
    t = replication.table.set_index("index")
    assert list(t.index) == ["Chi-square (CMIN)", "df", "CMIN/DF", "NFI", "GFI", "RMSEA", "RMR", "R2"]
    assert t.loc["df", "verdict"] == "not comparable" and t.loc["df", "obtained (N, lavaan)"] == 804
    for idx in ("CMIN/DF", "RMSEA", "NFI", "R2"):
        assert t.loc[idx, "verdict"] == "reproduced", idx
    assert t.loc["GFI", "verdict"] == "differs"
    # the two chi-square conventions: lavaan N, AMOS/LISREL N - 1 (the Wishart likelihood)
    assert t.loc["Chi-square (CMIN)", "obtained (N, lavaan)"] == pytest.approx(
        REF["em40"]["fit"]["chisq"], abs=1e-3)
    assert t.loc["Chi-square (CMIN)", "obtained (N-1, AMOS/LISREL)"] == pytest.approx(
        REF["em40_wishart"]["fit"]["chisq"], abs=1e-3)
    assert replication.synthetic


def test_replication_paths_r2_and_notes(replication):
    assert list(replication.paths["rhs"]) == ["ACL", "ATM", "QMG", "HRM", "IQA"]
    assert replication.r2 == pytest.approx(REF["em40"]["r2"]["EFF"], abs=1e-4)
    notes_en, notes_th = replication.notes("en"), replication.notes("th")
    assert "synthetic" in notes_en[0] and "สังเคราะห์" in notes_th[0]
    assert any("df 804" in n for n in notes_en)
    assert replication.obtained["df"] == 804
    assert "ผลการเปรียบเทียบ" in replication.to_frame("th").columns
    kinds = [b.kind for b in replication.report_blocks()]
    assert kinds[0] == "heading" and "table" in kinds and "warning" in kinds


def test_replication_refuses_data_without_all_items():
    frame = pd.read_csv("data/sample/em40_survey.csv").drop(columns=["IQA5"])
    with pytest.raises(ValueError, match=r"lack 1 item\(s\) of EM40: \['IQA5'\]"):
        edu40.replicate(frame)


# --- invariance ---------------------------------------------------------------------------------
def test_invariance_steps_equal_lavaan_chisq_and_df():
    inv = edu40.invariance(HS_MODEL, HS, "school", strict=True)
    table = inv.table.set_index("step")
    for step in REF["hs_groups"]:
        assert table.loc[step["step"], "chisq"] == pytest.approx(step["fit"]["chisq"], abs=5e-3)
        assert table.loc[step["step"], "df"] == step["fit"]["df"]
    # delta chi-square of metric vs configural, by hand from lavaan's values
    ref = {s["step"]: s["fit"] for s in REF["hs_groups"]}
    assert table.loc["metric", "delta_chisq"] == pytest.approx(
        ref["metric"]["chisq"] - ref["configural"]["chisq"], abs=5e-3)
    assert table.loc["metric", "delta_df"] == 6
    assert inv.level == "metric"          # scalar fails: delta CFI = -.038
    assert not table.loc["scalar", "holds"]
    assert list(inv.group_sizes.index) == ["Pasteur", "Grant-White"]


def test_invariance_names_a_group_too_small():
    data = HS.copy()
    data.loc[data.index[:6], "school"] = "tiny"
    with pytest.raises(SEMDataError, match=r"'tiny' has 6 usable row\(s\); each group needs at least 10"):
        edu40.invariance(HS_MODEL, data, "school")


def test_cheung_rensvold_criterion():
    inv = edu40.invariance(HS_MODEL, HS, "school", criteria="cheung-rensvold-2002")
    assert inv.table["holds"].tolist() == [True, True, False]


# --- validation ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def validation():
    return edu40.validate("data/sample/em40_survey.csv", group="school_level")


def test_validation_verdict_and_checks(validation):
    assert validation.verdict == "supported"
    aspects = list(validation.checks["aspect"])
    assert aspects == ["reliability", "reliability", "model fit", "convergent validity",
                       "discriminant validity", "same structure as reference", "invariance"]
    assert validation.checks["passed"].all()
    assert validation.invariance.level in ("metric", "scalar", "strict")
    assert validation.loadings["congruence"].min() > 0.999   # the reference is this same sample
    assert "ผ่านการตรวจสอบ" in validation.summary("th")


def test_validation_fails_when_reliability_fails():
    frame = pd.read_csv("data/sample/em40_survey.csv")
    rng = np.random.default_rng(0)
    for item in edu40.EM40.items_of("HRM"):      # HRM answered at random: no common factor
        frame[item] = rng.integers(1, 6, len(frame))
    v = edu40.validate(frame)
    assert v.verdict == "not supported"
    rel = v.checks.iloc[0]
    assert not rel["passed"] and "HRM" in rel["reason"]


def test_validation_with_missing_items_and_small_groups():
    frame = pd.read_csv("data/sample/em40_survey.csv").drop(columns=["HRM1", "HRM2", "HRM3"])
    with pytest.raises(ValueError, match="allow_missing_items=True"):
        edu40.validate(frame)
    frame["tiny"] = ["a"] * 5 + ["b"] * (len(frame) - 5)
    v = edu40.validate(frame, allow_missing_items=True, group="tiny")
    joined = " ".join(v.notes)
    assert "['HRM1', 'HRM2', 'HRM3']" in joined and "dropped: ['HRM']" in joined
    assert "'a' has 5 usable row(s)" in joined
    assert "HRM" not in set(v.validity["factor"])
