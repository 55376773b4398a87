"""SEM results equal lavaan 0.6's.

Reference values: tests/reference/sem_reference.json, made by
``Rscript tests/reference/make_sem_reference.R`` (lavaan 0.6-14, semTools 0.5-6);
each case stores the R call that produced it.  Tolerances are tighter than
the issue asks (indices to 3 decimals, chi-square to 2): we agree to ~1e-6.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39, political_democracy

import edu40
from _models import HS_MODEL, PD_MODEL

REF = json.loads((Path(__file__).parent / "reference" / "sem_reference.json").read_text())
HS = holzinger39.get_data()
PD = political_democracy.get_data()
EM = pd.read_csv(Path(__file__).parents[1] / "data" / "sample" / "em40_survey.csv")
PD_DEFINED = (PD_MODEL.replace("dem60 ~ ind60", "dem60 ~ a*ind60")
              .replace("dem65 ~ ind60 + dem60", "dem65 ~ c*ind60 + b*dem60")
              + "\nindirect := a*b\ntotal := c + a*b")

HS_FIXEDX = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~ ageyr + grade\ntextual ~ visual + sex"

CASES = {
    "hs": lambda: edu40.fit(HS_MODEL, HS),
    "hs_wishart": lambda: edu40.fit(HS_MODEL, HS, likelihood="wishart"),
    "hs_stdlv": lambda: edu40.fit(HS_MODEL, HS, std_lv=True),
    "hs_cov": lambda: edu40.fit(HS_MODEL, cov=HS[[f"x{i}" for i in range(1, 10)]].cov(), nobs=301),
    "poldem": lambda: edu40.fit(PD_MODEL, PD),
    "poldem_wishart": lambda: edu40.fit(PD_MODEL, PD, likelihood="wishart"),
    "poldem_defined": lambda: edu40.fit(PD_DEFINED, PD),
    "em40": lambda: edu40.fit(edu40.EM40.model(), EM),
    "em40_wishart": lambda: edu40.fit(edu40.EM40.model(), EM, likelihood="wishart"),
    "em40_cfa": lambda: edu40.fit(edu40.EM40.model(structural=False), EM),
    "em40_fiml": lambda: edu40.fit(edu40.EM40.model(), EM, missing="fiml"),
    "hs_fixedx": lambda: edu40.fit(HS_FIXEDX, HS),
    "pd_path": lambda: edu40.fit("y1 ~ x1 + x2\ny2 ~ y1 + x1", PD),
}
_cache = {}


def fitted(name):
    if name not in _cache:
        _cache[name] = CASES[name]()
    return _cache[name]


TOL = {"chisq": 1e-3, "baseline.chisq": 1e-3, "aic": 1e-3, "bic": 1e-3, "logl": 1e-3,
       "unrestricted.logl": 1e-3}


@pytest.mark.parametrize("name", list(CASES))
def test_fit_indices_equal_lavaan_fitMeasures(name):
    res = fitted(name)
    assert res.converged
    ref = REF[name]["fit"]
    for key, value in ref.items():
        ours = res.fit_indices["nobs" if key == "ntotal" else key]
        assert ours == pytest.approx(value, abs=TOL.get(key, 1e-5)), (name, key, REF[name]["call"])


@pytest.mark.parametrize("name", list(CASES))
def test_estimates_and_standard_errors_equal_lavaan(name):
    res = fitted(name)
    ref = pd.DataFrame(REF[name]["estimates"])
    ours = res.estimates
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(merged) == len(ref) == len(ours), "same parameter table as lavaan"
    np.testing.assert_allclose(merged["est"], merged["est_lavaan"], atol=1e-4)
    np.testing.assert_allclose(merged["se"], merged["se_lavaan"], atol=1e-4)


@pytest.mark.parametrize("name", list(CASES))
def test_standardized_solution_equals_lavaan(name):
    res = fitted(name)
    ref = pd.DataFrame(REF[name]["standardized"])
    merged = res.standardized.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(merged) == len(ref)
    np.testing.assert_allclose(merged["est.std"], merged["est.std_lavaan"], atol=1e-4)
    np.testing.assert_allclose(merged["se"], merged["se_lavaan"], atol=1e-4)


@pytest.mark.parametrize("name", [n for n in CASES if "r2" in REF[n]])
def test_r2_equals_lavaan(name):
    r2 = fitted(name).r2
    for var, value in REF[name]["r2"].items():
        assert r2[var] == pytest.approx(value, abs=1e-4), var


@pytest.mark.parametrize("name", [n for n in CASES if "modindices" in REF[n]])
def test_modification_indices_equal_lavaan_in_the_same_order(name):
    ours = fitted(name).modification_indices()
    ref = pd.DataFrame(REF[name]["modindices"])
    assert len(ours) == len(ref)
    assert list(zip(ours.lhs, ours.op, ours.rhs))[:25] == list(zip(ref.lhs, ref.op, ref.rhs))[:25]
    merged = ours.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    np.testing.assert_allclose(merged["mi"], merged["mi_lavaan"], atol=5e-3)
    np.testing.assert_allclose(merged["epc"], merged["epc_lavaan"], atol=1e-4)
    np.testing.assert_allclose(merged["sepc.all"], merged["sepc.all_lavaan"], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("name", [n for n in CASES if "resid_raw" in REF[n]])
@pytest.mark.parametrize("kind, key, tol", [("raw", "resid_raw", 1e-5), ("cor", "resid_cor", 1e-5),
                                            ("standardized", "resid_std", 5e-3)])
def test_residuals_equal_lavaan_resid(name, kind, key, tol):
    ours = fitted(name).residuals(kind).to_numpy()
    ref = np.array(REF[name][key], dtype=float)
    np.testing.assert_allclose(ours, ref, atol=tol)


@pytest.mark.parametrize("name", [n for n in CASES if "ave" in REF[n]])
def test_ave_equals_semtools(name):
    table = fitted(name).reliability().set_index("factor")
    for factor, value in REF[name]["ave"].items():
        assert table.loc[factor, "ave"] == pytest.approx(value, abs=1e-5)


@pytest.mark.parametrize("name", ["hs", "em40"])
@pytest.mark.parametrize("kind", ["htmt", "htmt2"])
def test_htmt_equals_semtools(name, kind):
    ours = fitted(name).htmt(kind).to_numpy()
    np.testing.assert_allclose(ours, np.array(REF[name][kind], dtype=float), atol=1e-8)


def test_defined_parameters_with_delta_method_se():
    est = fitted("poldem_defined").estimates.set_index("lhs")
    ref = pd.DataFrame(REF["poldem_defined"]["estimates"]).set_index("lhs")
    for name in ("indirect", "total"):
        assert est.loc[name, "est"] == pytest.approx(ref.loc[name, "est"], abs=1e-4)
        assert est.loc[name, "se"] == pytest.approx(ref.loc[name, "se"], abs=1e-4)


@pytest.mark.parametrize("step", REF["hs_groups"], ids=lambda s: s["step"])
def test_multigroup_invariance_steps_equal_lavaan(step):
    equal = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
             "strict": ("loadings", "intercepts", "residuals")}[step["step"]]
    res = edu40.fit(HS_MODEL, HS, group="school", group_equal=equal)
    for key in ("npar", "chisq", "df", "cfi", "tli", "rmsea", "srmr", "gfi", "aic", "bic"):
        assert res.fit_indices[key] == pytest.approx(step["fit"][key], abs=1e-4), (key, step["call"])


def test_engine_agrees_with_semopy_estimates():
    """semopy (the peer the issue names) finds the same ML solution, to its optimizer's
    precision (its SLSQP stops about 1e-3 short of the optimum that lavaan and edu40 reach)."""
    import semopy

    model = semopy.Model(HS_MODEL)
    model.fit(HS)
    theirs = model.inspect()
    ours = fitted("hs").estimates
    loads = theirs[theirs["op"] == "~"]
    for r in loads.itertuples():
        mine = ours[(ours.lhs == r.rval) & (ours.op == "=~") & (ours.rhs == r.lval)]["est"].iloc[0]
        assert mine == pytest.approx(float(r.Estimate), abs=5e-3)
