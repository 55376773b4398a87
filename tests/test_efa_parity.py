"""EFA, adequacy and the number of factors against psych 2.2.9 (tests/reference/make_efa_reference.R).

The R script wrote tests/reference/efa_reference.json; each entry records its R call.  The data are
public: Holzinger & Swineford (1939) as shipped with lavaan/semopy, psych::bfi (tests/data/bfi.csv,
2 800 respondents with missing answers) and the synthetic EM40 sample of this repository.
"""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "reference" / "efa_reference.json").read_text())
HS = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
BFI = pd.read_csv(ROOT / "tests" / "data" / "bfi.csv").iloc[:, :25]
_EM = pd.read_csv(ROOT / "data" / "sample" / "em40_survey.csv")
EM = _EM[[c for c in _EM.columns if re.fullmatch(r"(EFF|ACL|ATM|QMG|IQA|HRM)\d+", c)]]
ROTATION = {"geominQ": "geomin_obl"}
TOL = 1e-4      # psych's optimizers stop at ~1e-6 of the loadings; the third decimal is far above


def _case(key):
    """(data, n_factors, method, rotation, nan_policy) of a reference entry."""
    if key == "hs_minres_1":
        return HS, 1, "minres", "none", "pairwise"
    if key == "bfi_listwise_minres_oblimin":
        return BFI, 5, "minres", "oblimin", "listwise"
    if key == "em40_minres_oblimin":
        return EM, 6, "minres", "oblimin", "pairwise"
    data, fm, rot = key.split("_")
    return {"hs": HS, "bfi": BFI}[data], 3 if data == "hs" else 5, fm, ROTATION.get(rot, rot), "pairwise"


@pytest.mark.parametrize("key", sorted(REF["fa"]))
def test_fa_matches_psych(key):
    ref = REF["fa"][key]
    data, m, method, rotation, policy = _case(key)
    res = edu40.efa(data, m, method=method, rotation=rotation, nan_policy=policy)
    L = res.loadings[res.factors].to_numpy()
    assert np.abs(L - np.array(ref["loadings"]).reshape(L.shape)).max() < TOL, ref["call"]
    assert np.abs(res.loadings["h2"] - ref["communality"]).max() < TOL
    assert np.abs(res.loadings["u2"] - ref["uniquenesses"]).max() < TOL
    V = np.atleast_2d(np.array(ref["Vaccounted"]))
    assert np.abs(res.variance["ss_loadings"].to_numpy() - V[0]).max() < TOL
    assert np.abs(res.variance["proportion"].to_numpy() - V[1]).max() < TOL
    if "Phi" in ref:
        assert np.abs(res.phi.to_numpy() - np.array(ref["Phi"])).max() < TOL
    else:
        assert res.phi is None
    assert res.n_obs == ref["n.obs"]
    fit = ref["fit"]
    assert res.fit["df"] == fit["df"]
    # chi-square scales with n (2 800): its relative error is what the loadings' 1e-6 gives
    assert res.fit["chisq"] == pytest.approx(fit["chisq"], rel=1e-5)
    for k in ("tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsr"):
        assert res.fit[k] == pytest.approx(fit[k], abs=TOL), k
    assert res.fit["bic"] == pytest.approx(fit["bic"], abs=1e-2)


@pytest.mark.parametrize("rotation", ["none", "varimax", "promax"])
def test_principal_components_match_psych_principal(rotation):
    ref = REF["principal"][f"hs_{rotation}"]
    res = edu40.efa(HS, 3, method="principal", rotation=rotation)
    L = res.loadings[res.factors].to_numpy()
    assert np.abs(L - np.array(ref["loadings"])).max() < 1e-6, ref["call"]
    assert np.abs(res.loadings["h2"] - ref["communality"]).max() < 1e-6
    assert np.abs(res.variance["ss_loadings"] - np.array(ref["Vaccounted"])[0]).max() < 1e-6
    if ref["Phi"]:     # psych writes no Phi (an empty list) for orthogonal solutions
        assert np.abs(res.phi.to_numpy() - np.array(ref["Phi"])).max() < 1e-6
    else:
        assert res.phi is None


def test_oblique_communalities_are_not_pattern_sums_of_squares():
    """factor_analyzer's get_communalities() sums squared pattern loadings; with oblique factors that
    is not the communality (psych's h2 = diag(L Phi L')).  The gap is large; edu40 follows psych."""
    ref = REF["fa"]["bfi_ml_promax"]
    L = np.array(ref["loadings"])
    gap = np.abs((L ** 2).sum(axis=1) - np.array(ref["communality"])).max()
    assert gap > 0.1
    res = edu40.efa(BFI, 5, method="ml", rotation="promax", nan_policy="pairwise")
    assert np.abs(res.loadings["h2"] - ref["communality"]).max() < TOL


@pytest.mark.parametrize("key,data,policy", [("hs", HS, "listwise"), ("bfi_pairwise", BFI, "pairwise"),
                                             ("bfi_listwise", BFI, "listwise")])
def test_adequacy_matches_psych_kmo_and_bartlett(key, data, policy):
    ref = REF["adequacy"][key]
    a = edu40.adequacy(data, nan_policy=policy)
    assert a.kmo == pytest.approx(ref["kmo"], abs=1e-10), ref["call"]
    assert np.abs(a.items["msa"].to_numpy() - np.array(ref["msa"])).max() < 1e-10
    assert a.bartlett_chisq == pytest.approx(ref["chisq"], rel=1e-10)
    assert a.bartlett_df == ref["df"]
    assert a.determinant == pytest.approx(ref["det"], rel=1e-8)
    assert a.n_obs == ref["n"]


def test_adequacy_agrees_with_factor_analyzer_on_complete_data():
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo
    complete = BFI.dropna()
    per_item, total = calculate_kmo(complete.to_numpy())
    chisq, p = calculate_bartlett_sphericity(complete.to_numpy())
    a = edu40.adequacy(complete)
    assert a.kmo == pytest.approx(total, abs=1e-12)
    assert np.abs(a.items["msa"].to_numpy() - per_item).max() < 1e-12
    assert a.bartlett_chisq == pytest.approx(chisq, rel=1e-12)


@pytest.mark.parametrize("key,data,policy", [("hs", HS, "listwise"), ("bfi", BFI, "pairwise"),
                                             ("bfi_listwise", BFI, "listwise")])
def test_parallel_analysis_matches_psych_fa_parallel(key, data, policy):
    ref = REF["parallel"][key]
    nf = edu40.number_of_factors(data, nan_policy=policy, n_iter=200, seed=1)
    t = nf.table
    # the observed eigenvalues are deterministic: equal to psych
    assert np.abs(t["eigenvalue"] - ref["pc.values"]).max() < 1e-10, ref["call"]
    assert np.abs(t["fa_eigenvalue"] - ref["fa.values"]).max() < 1e-5
    assert nf.kaiser == ref["kaiser"]
    # the random-data eigenvalues agree within Monte Carlo error (R draws other numbers): each mean
    # has SE sd/sqrt(200); allow 5 SE of the difference.  The first random FA eigenvalue is heavy-tailed
    # (a one-factor fit to noise), so each program's own SD enters.
    for kind in ("pc", "fa"):
        se = np.sqrt(np.array(ref[f"sim_{kind}_sd"]) ** 2 + t[f"sim_{kind}_sd"].to_numpy() ** 2) / np.sqrt(200)
        assert np.all(np.abs(t[f"sim_{kind}_mean"] - ref[f"sim_{kind}_mean"]) < 5 * se), kind
    assert nf.parallel_fa == ref["nfact"]
    assert nf.parallel_pc == ref["ncomp"]


@pytest.mark.parametrize("key,data,policy", [("hs", HS, "listwise"), ("bfi", BFI, "pairwise")])
def test_map_matches_psych_vss(key, data, policy):
    ref = REF["map"][key]
    nf = edu40.number_of_factors(data, nan_policy=policy, n_iter=5)
    ours = nf.table["map"].to_numpy()[: len(ref["map"])]
    assert np.abs(ours - np.array(ref["map"])).max() < 1e-10, ref["call"]
    assert nf.map == int(np.argmin(ref["map"]) + 1)
