"""Factor scores of an EFA (EFAResult.scores, score_weights, determinacy) against psych 2.2.9.

Reference values: tests/reference/make_efa_scores_reference.R wrote efa_scores_reference.json (each entry
with its R call): ``fa(x, ..., scores = method)`` for Holzinger & Swineford (1939) and psych::bfi
(tests/data/bfi.csv, missing answers; pairwise and listwise), ``predict(f, new_data)`` and
``principal(...)$scores``.

Two levels: the scoring given psych's own loadings and factor correlations (the algorithm: 1e-9, measured
~1e-14), and edu40 end to end, where the loadings of the two extractions differ by up to 6e-6 and the scores
inherit it (measured up to 3.0e-5, tested to 1e-4).
"""

import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "reference" / "efa_scores_reference.json").read_text())
HS_ALL = holzinger39.get_data()
HS = HS_ALL[[f"x{i}" for i in range(1, 10)]]
BFI = pd.read_csv(ROOT / "tests" / "data" / "bfi.csv").iloc[:, :25]
METHODS = ["regression", "Bartlett", "Anderson", "tenBerge", "Harman"]
ALGO = 1e-9       # the same arithmetic on the same loadings
END = 1e-4        # edu40's own loadings (measured: weights 9.9e-6, scores 3.0e-5)
CASES = {"hs_minres_oblimin": (HS, 3, "minres", "oblimin", "pairwise"),
         "hs_ml_varimax": (HS, 3, "ml", "varimax", "pairwise"),
         "bfi_minres_oblimin": (BFI, 5, "minres", "oblimin", "pairwise"),
         "bfi_listwise_minres_oblimin": (BFI, 5, "minres", "oblimin", "listwise")}
_FITS = {}


def _fit(key):
    if key not in _FITS:
        data, m, fm, rot, policy = CASES[key]
        _FITS[key] = edu40.efa(data, m, method=fm, rotation=rot, nan_policy=policy)
    return _FITS[key]


def _with_psych_solution(res, ref):
    """The same result with psych's loadings and Phi: what is left to compare is the scoring itself."""
    loadings = res.loadings.copy()
    loadings[res.factors] = np.array(ref["loadings"]).reshape(len(loadings), res.n_factors)
    phi = pd.DataFrame(ref["Phi"], index=res.factors, columns=res.factors) if "Phi" in ref else None
    return replace(res, loadings=loadings, phi=phi)


def _positions(key, rows):
    # R numbers rows from 1: HS keeps them as its index (semopy), bfi.csv is read with a 0-based index
    return np.asarray(rows) - (0 if key.startswith("hs") else 1)


def _scores(res, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return res.scores(*args, **kwargs)


def _compare(key, res, tol):
    ref = REF["fa"][key]
    worst = {"weights": 0.0, "scores": 0.0}
    for method in METHODS:
        e = ref["methods"][method]
        W = res.score_weights(method)
        worst["weights"] = max(worst["weights"], np.abs(W.to_numpy() - np.array(e["weights"])).max())
        s = _scores(res, method=method)
        assert list(s.columns) == res.factors and s.index.equals(CASES[key][0].index)
        rows = _positions(key, e["rows"])
        worst["scores"] = max(worst["scores"], np.abs(s.loc[rows].to_numpy() - np.array(e["scores"])).max())
        # every row psych could not score, and only those, is NaN here
        assert set(s.index[s.isna().any(axis=1)]) == set(_positions(key, e["na_rows"])) | (
            set(CASES[key][0].index[CASES[key][0].isna().any(axis=1)]))
        assert s.notna().all(axis=1).sum() + s.attrs["n_missing"] == len(s)
        n = s.attrs["n_scored"]
        assert np.abs(s.sum().to_numpy() - e["col_sums"]).max() < n * tol, (key, method)
        assert np.abs((s ** 2).sum().to_numpy() - e["col_sums_sq"]).max() < n * tol, (key, method)
        # psych's R2.scores is diag(W'S), which is 1 for Bartlett by construction: psych writes NA where
        # rounding puts it above 1 (factor.scores: R2[abs(R2) > 1] <- NA); r.scores the scores' correlations
        S = res._pattern().to_numpy() @ (res.phi.to_numpy() if res.phi is not None else np.eye(res.n_factors))
        r2 = np.array([np.nan if v == "NA" else v for v in e["R2.scores"]], float)
        ours = np.diag(W.to_numpy().T @ S)
        assert np.abs(np.where(np.isnan(r2), 1.0, r2) - ours).max() < tol, (key, method)
        assert method == "Bartlett" or not np.isnan(r2).any()
        assert np.abs(res.score_correlations(method).to_numpy() - np.array(e["r.scores"])).max() < tol
    d = res.determinacy()
    assert np.abs(d["r2"] - ref["R2"]).max() < tol
    assert np.abs(d["correlation"] - np.sqrt(ref["R2"])).max() < tol
    assert np.abs(d["min_correlation"] - (2 * np.array(ref["R2"]) - 1)).max() < 2 * tol
    assert np.abs(res.score_correlations().to_numpy() - np.array(ref["r.scores"])).max() < tol
    return worst


@pytest.mark.parametrize("key", sorted(CASES))
def test_scoring_matches_psych_on_psychs_loadings(key):
    res = _with_psych_solution(_fit(key), REF["fa"][key])
    worst = _compare(key, res, ALGO)
    assert worst["weights"] < ALGO and worst["scores"] < ALGO, (REF["fa"][key]["call"], worst)


@pytest.mark.parametrize("key", sorted(CASES))
def test_scores_match_psych_end_to_end(key):
    worst = _compare(key, _fit(key), END)
    assert worst["weights"] < END and worst["scores"] < END, (REF["fa"][key]["call"], worst)


def test_principal_component_scores_match_psych_principal():
    ref = REF["principal"]
    res = edu40.efa(HS, 3, method="principal", rotation="varimax")
    assert np.abs(res.score_weights().to_numpy() - np.array(ref["weights"])).max() < 1e-9, ref["call"]
    assert np.abs(res.scores().to_numpy() - np.array(ref["scores"])).max() < 1e-9
    assert np.allclose(res.determinacy()["r2"], 1) and np.allclose(ref["R2"], 1)   # components are exact


@pytest.mark.parametrize("method", ["regression", "Bartlett"])
@pytest.mark.parametrize("psych_loadings", [True, False], ids=["algorithm", "end_to_end"])
def test_new_data_as_predict(method, psych_loadings):
    # fitted on one school, scored on the other: the fitted weights, as predict(f, new_data)
    ref = REF["predict"][method]
    res = edu40.efa(HS[HS_ALL["school"] == "Pasteur"], 3, rotation="oblimin")
    if psych_loadings:
        res = _with_psych_solution(res, ref)
    tol = ALGO if psych_loadings else END
    grant_white = HS_ALL[HS_ALL["school"] == "Grant-White"]      # other columns are ignored
    assert np.abs(res.score_weights(method).to_numpy() - np.array(ref["weights"])).max() < tol
    s = res.scores(grant_white, method=method)
    assert list(s.index) == ref["rows"] and s.attrs["n_missing"] == 0
    assert np.abs(s.to_numpy() - np.array(ref["scores"])).max() < tol, ref["call"]
    old = res.scores(grant_white, method=method, standardize="fit")
    assert np.abs(old.to_numpy() - np.array(ref["scores_old"])).max() < tol, ref["call_old"]


# --------------------------------------------------------------------------- missing answers, data, input
def test_missing_answers_give_nan_rows_counted_and_warned():
    res = _fit("bfi_minres_oblimin")
    with pytest.warns(UserWarning, match=r"364 row\(s\) with a missing answer have no score"):
        s = res.scores()
    incomplete = BFI.isna().any(axis=1)
    assert s.index.equals(BFI.index)
    assert s[incomplete].isna().all().all() and s[~incomplete].notna().all().all()
    assert (s.attrs["n_rows"], s.attrs["n_scored"], s.attrs["n_missing"]) == (2800, 2436, 364)
    assert "364 แถว" in s.attrs["note"]["th"] and s.attrs["method"] == "regression"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _fit("hs_minres_oblimin").scores().attrs["n_missing"] == 0     # complete data: no warning


def test_listwise_scores_every_row_read_standardized_by_the_complete_rows():
    res = _fit("bfi_listwise_minres_oblimin")
    s = _scores(res)
    assert len(s) == 2800 and s.attrs["n_missing"] == 364
    complete = BFI.dropna()
    z = (complete - complete.mean()) / complete.std()
    assert np.allclose(s.loc[complete.index], z.to_numpy() @ res.score_weights().to_numpy(), atol=1e-12)
    # the same answers passed as data are standardized by every answer to each item (psych: scale(x))
    again = _scores(res, BFI)
    assert 1e-4 < np.abs(again - s).max().max() < 0.1
    assert np.allclose(_scores(res, BFI, standardize="fit"), s, equal_nan=True)


def test_what_each_method_promises_in_the_sample():
    res = _fit("hs_minres_oblimin")
    for method in METHODS:
        s = res.scores(method=method)
        assert np.allclose(s.corr(), res.score_correlations(method), atol=1e-12), method
    assert np.allclose(res.scores().var(), res.determinacy()["r2"], atol=1e-12)       # var = R² of regression
    assert np.allclose(res.scores(method="tenBerge").corr(), res.phi, atol=1e-12)     # keeps Phi
    assert np.allclose(res.scores(method="Anderson").cov(), np.eye(3), atol=1e-12)   # uncorrelated, unit variance
    validity = {m: res.determinacy(m)["correlation"] for m in METHODS}
    assert all((validity["regression"] >= v - 1e-12).all() for v in validity.values())   # regression is the best
    assert "min_correlation" not in res.determinacy("Bartlett")
    one = edu40.efa(HS, 1)
    assert all(one.scores(method=m).shape == (301, 1) for m in METHODS)


def test_method_names_as_psych_spells_them():
    res = _fit("hs_minres_oblimin")
    assert res.scores(method="Thurstone").equals(res.scores())
    assert res.scores(method="tenberge").equals(res.scores(method="tenBerge"))
    assert res.scores(method="anderson").attrs["method"] == "Anderson"
    with pytest.raises(ValueError, match="method must be one of"):
        res.scores(method="components")
    with pytest.raises(ValueError, match="standardize must be one of"):
        res.scores(HS, standardize="sample")


def test_correlation_matrix_input_needs_the_answers():
    res = edu40.efa(HS.corr(), 3, n_obs=len(HS), rotation="oblimin")
    with pytest.raises(StatsInputError, match=r"correlation matrix and has no answers to score; give them as data="):
        res.scores()
    with pytest.raises(StatsInputError, match="standardize='data'"):
        res.scores(HS, standardize="fit")
    assert np.allclose(res.scores(HS), _fit("hs_minres_oblimin").scores(), atol=1e-7)
    assert np.allclose(res.determinacy()["r2"], REF["fa"]["hs_minres_oblimin"]["R2"], atol=END)


def test_bad_new_data_is_refused_with_the_reason():
    res = _fit("hs_minres_oblimin")
    with pytest.raises(StatsInputError, match=r"\['x9'\] not found"):
        res.scores(HS.drop(columns="x9"))
    constant = HS.head(20).assign(x4=2.0)
    with pytest.raises(StatsInputError, match=r"\['x4'\] cannot be standardized.*standardize='fit'"):
        res.scores(constant)
    assert res.scores(constant, standardize="fit").notna().all().all()
    one = res.scores(HS.head(1), standardize="fit")         # a single new respondent, on the EFA's scale
    assert np.allclose(one, res.scores().head(1))


def test_heywood_case_refuses_bartlett_and_anderson():
    res = _fit("hs_ml_varimax")
    loadings = res.loadings.copy()
    loadings.loc[0, "F1"] = 1.2
    bad = replace(res, loadings=loadings)
    for method in ("Bartlett", "Anderson"):
        with pytest.raises(StatsInputError, match="Heywood"):
            bad.scores(method=method)
    assert bad.score_weights("regression").notna().all().all()


def test_survey_input_keeps_the_respondents_index():
    survey = edu40.datasets.load_em40_survey()
    res = edu40.efa(survey, 6, rotation="oblimin")
    s = _scores(res)
    assert s.index.equals(survey.data.index) and s.attrs["n_missing"] == len(survey.data) - res.n_obs == 8
    assert np.allclose(_scores(res, survey, standardize="fit"), s, equal_nan=True)


def test_determinacy_in_summary_and_report():
    res = _fit("hs_minres_oblimin")
    assert "Factor score determinacy (correlation of regression scores with factors): F1 0.94, F2 0.84, F3 0.85" \
        in res.summary("en")
    assert "ความแน่นอนของคะแนนองค์ประกอบ" in res.summary("th")
    md = res.to_markdown(lang="en")
    assert "Determinacy of the regression factor scores" in md and "Minimum correlation of possible scores" in md
    assert "determinacy" not in edu40.efa(HS, 3, method="principal").summary("en")
