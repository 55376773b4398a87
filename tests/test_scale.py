"""Bootstrap, Bollen-Stine, Monte Carlo power, RMSEA power and survey sample sizes.

Reference values: tests/reference/scale_reference.json, made by
``Rscript tests/reference/make_scale_reference.R`` (lavaan 0.6-14, semTools
0.5-6, boot); each entry stores its R call.  Bootstrap and Monte Carlo
results are random: they are compared with tolerances of a few Monte Carlo
standard errors (lavaan used 2000 draws; the tests use fewer to stay fast),
or with exact theory where there is one.  Everything deterministic
(intervals from given draws, RMSEA power, sample sizes) is compared exactly.
"""
import doctest
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39, political_democracy

import edu40
import edu40.core.parallel as parallel
import edu40.sem.bootstrap as bootmod
from edu40 import PopulationModelError, ReplicationError
from edu40.sem.refit import make_refitter
from edu40.sem.bootstrap import _acceleration_from_influence, _interval, norm_inter
from _models import HS_MODEL

REF = json.loads((Path(__file__).parent / "reference" / "scale_reference.json").read_text())
HS = holzinger39.get_data()
PD = political_democracy.get_data()
PD_MODEL = """ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ a*ind60
dem65 ~ c*ind60 + b*dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8
indirect := a*b
total := c + a*b"""
FMS = ["chisq", "cfi", "tli", "rmsea", "srmr", "gfi"]
_cache = {}


def hs_fit():
    if "hs" not in _cache:
        _cache["hs"] = edu40.fit(HS_MODEL, HS)
    return _cache["hs"]


def pd_fit():
    if "pd" not in _cache:
        _cache["pd"] = edu40.fit(PD_MODEL, PD)
    return _cache["pd"]


def hs_boot():
    """500 draws of the HS model: estimates, std.all, R², fit indices (no Bollen-Stine)."""
    if "hs_boot" not in _cache:
        _cache["hs_boot"] = hs_fit().bootstrap(500, seed=3, n_jobs=2, progress=False,
                                               bollen_stine=False, fit_measures=FMS)
    return _cache["hs_boot"]


def pd_boot():
    """400 draws of the political-democracy model with Bollen-Stine."""
    if "pd_boot" not in _cache:
        _cache["pd_boot"] = pd_fit().bootstrap(400, seed=5, n_jobs=2, progress=False,
                                               standardized=False, r2=False, fit_measures=False)
    return _cache["pd_boot"]


def _merge(ours, ref_rows):
    lav = pd.DataFrame(ref_rows)
    m = ours.merge(lav, on=["lhs", "op", "rhs"], suffixes=("", "_lav"))
    return m[m["se_lav"] > 0]


# -- ordinary bootstrap against lavaan se = "bootstrap" ---------------------------------------
def test_bootstrap_se_and_percentile_ci_match_lavaan_within_monte_carlo_error():
    # R: sem(hs_model, HolzingerSwineford1939, se="bootstrap", bootstrap=2000); parameterEstimates(., boot.ci.type="perc")
    m = _merge(hs_boot().estimates, REF["hs_boot"]["estimates"])
    assert len(m) == 21
    ratio = m["se"] / m["se_lav"]
    # SD of a bootstrap SE from R draws is about SE/sqrt(2R): 3.2 % (R = 500) and 1.6 % (2000)
    assert ratio.between(0.88, 1.12).all(), ratio.round(3).tolist()
    assert abs(ratio.mean() - 1) < 0.03
    # CI endpoints within a third of the (ML) standard error of lavaan's
    for side in ("lower", "upper"):
        gap = (m[f"ci.{side}"] - m[f"ci.{side}_lav"]).abs() / m["se.ml"]
        assert gap.max() < 0.4, gap.round(3).tolist()
    # fixed parameters: no variability, CI is the value
    fixed = hs_boot().estimates.query("op == '=~' and rhs == 'x1'")
    assert fixed["se"].iloc[0] == 0 and fixed["ci.lower"].iloc[0] == fixed["ci.upper"].iloc[0] == 1.0


def test_bootstrap_of_std_r2_and_fit_indices_matches_lavaan():
    # R: bootstrapLavaan(fit, R=2000, FUN=function(x) c(standardizedSolution(x)$est.std, rsquare, fitMeasures(x, ...)))
    ref = REF["hs_boot_other"]
    b = hs_boot()
    std = b.standardized.merge(pd.DataFrame(ref["std"]), on=["lhs", "op", "rhs"])
    std = std[std["sd"] > 1e-8]
    assert np.allclose(std["est.std_x"], std["est.std_y"], atol=1e-6)
    assert (std["se"] / std["sd"]).between(0.88, 1.12).all()
    r2 = b.r2.merge(pd.DataFrame(ref["r2"]).dropna(), on="variable")
    assert len(r2) >= 7 and (r2["se"] / r2["sd"]).between(0.88, 1.12).all()
    fit = b.fit.merge(pd.DataFrame(ref["fit"]), on="index")
    assert len(fit) == len(FMS)
    assert (fit["se"] / fit["sd"]).between(0.88, 1.12).all(), fit
    assert ((fit["ci.lower"] - fit["lo"]).abs() < 0.5 * fit["sd"]).all()
    assert ((fit["ci.upper"] - fit["hi"]).abs() < 0.5 * fit["sd"]).all()
    assert b.fit.set_index("index").loc["chisq", "value"] == pytest.approx(85.3055, abs=1e-3)


def test_defined_effects_and_bollen_stine_match_lavaan():
    b = pd_boot()
    m = _merge(b.estimates, REF["pd_boot"]["estimates"])
    assert {"indirect", "total"} <= set(m["lhs"])
    assert (m["se"] / m["se_lav"]).between(0.85, 1.15).all()
    for side in ("lower", "upper"):
        assert ((m[f"ci.{side}"] - m[f"ci.{side}_lav"]).abs() / m["se.ml"]).max() < 0.6
    # R: bootstrapLavaan(fit, R=2000, type="bollen.stine", FUN=fitMeasures, fit.measures="chisq")
    bs = REF["pd_bollen_stine"]
    assert b.chisq == pytest.approx(bs["chisq"], abs=1e-3)
    assert b.bollen_stine_n_ok == 400
    # SE of a bootstrap p near .4: sqrt(.24/400) = .024 (ours), .011 (lavaan's)
    assert abs(b.bollen_stine_pvalue - bs["pvalue"]) < 0.08
    T = b.bollen_stine_T
    assert len(T) == 400
    assert abs(T.mean() - bs["T_mean"]) < 2.0 and abs(T.std(ddof=1) / bs["T_sd"] - 1) < 0.15
    # the transformed data reproduce the model exactly: its chi-square is 0
    Z = pd.DataFrame(bootmod._bollen_stine_data(pd_fit())[0], columns=pd_fit()._spec.ov)
    assert edu40.fit(PD_MODEL, Z).fit_indices["chisq"] == pytest.approx(0, abs=1e-8)


def test_improper_solutions_are_counted_and_kept_as_lavaan_does():
    b = pd_boot()
    # lavaan reported about a third of PolDem bootstrap draws as nonadmissible (646/2000)
    assert 0.2 < b.improper / b.n_ok < 0.45
    assert b.n_ok == 400 and b.n_failed == 0
    assert "improper" in b.summary()


# -- intervals: exactly boot's arithmetic --------------------------------------------------
def test_norm_inter_bc_and_bca_equal_the_boot_package():
    ref = REF["intervals"]
    t = np.array(ref["t"])
    assert np.allclose(norm_inter(t, ref["alpha"]), ref["norm_inter"], atol=1e-12)
    a = _acceleration_from_influence(np.array(ref["L"])[:, None])
    lo, hi = _interval(t[:, None], np.array([2.7]), 0.95, "bca", a)
    assert [lo[0], hi[0]] == pytest.approx(ref["bca"], abs=1e-10)
    lo, hi = _interval(t[:, None], np.array([2.7]), 0.95, "bc")
    assert [lo[0], hi[0]] == pytest.approx(ref["bc"], abs=1e-10)


def test_bc_and_bca_intervals_match_lavaan_boot_ci_types():
    # R: parameterEstimates(fit, boot.ci.type = "bca") and "bca.simple" (2000 draws)
    # the 500 draws of hs_boot(), with the acceleration from the 301 leave-one-out fits (the
    # jackknife, which ci="bca" uses with fewer than 3 draws per respondent)
    res = hs_fit()
    rf = make_refitter(res)
    X = res._model.groups[0].raw
    loo = np.array([rf.refit([np.delete(X, i, axis=0)])[2].theta for i in range(len(X))])
    accel = _acceleration_from_influence((len(X) - 1) * (loo.mean(axis=0) - loo))
    draws = hs_boot().draws.to_numpy()[:, :len(res._theta)]
    lav = pd.DataFrame(REF["hs_boot"]["estimates"]).query("se > 0")
    ours = res.estimates.merge(lav, on=["lhs", "op", "rhs"], suffixes=("", "_lav"))
    free = res._spec.table.set_index(["lhs", "op", "rhs"])["free"]
    k = np.array([free[key] - 1 for key in zip(ours["lhs"], ours["op"], ours["rhs"])])
    for kind, acc in (("bca", accel), ("bc", None)):
        lo, hi = _interval(draws, res._theta, 0.95, kind, acc)
        lo, hi = lo[k], hi[k]
        # tail quantiles of 500 draws are noisy (speed =~ x9 has a long right tail): compare each
        # endpoint with lavaan's relative to lavaan's half-width on that side
        rel_lo = np.abs(lo - ours[f"{kind}.lower"]) / (ours["est"] - ours[f"{kind}.lower"])
        rel_hi = np.abs(hi - ours[f"{kind}.upper"]) / (ours[f"{kind}.upper"] - ours["est"])
        assert max(rel_lo.max(), rel_hi.max()) < 0.35, (kind, rel_lo.round(2).tolist(), rel_hi.round(2).tolist())
        assert np.median(np.r_[rel_lo, rel_hi]) < 0.1
    # with 3 or more draws per respondent the acceleration comes from a regression, as lavaan
    small = edu40.fit("textual =~ x4 + x5 + x6", HS.iloc[:50])
    reg = small.bootstrap(150, ci="bca", seed=2, n_jobs=1, progress=False, bollen_stine=False,
                          standardized=False, r2=False, fit_measures=False)
    assert reg.n_ok == 150 and "regression" in reg.note


def test_bca_with_fewer_draws_than_respondents_uses_the_jackknife():
    res = edu40.fit("textual =~ x4 + x5 + x6", HS.iloc[:50])
    b = res.bootstrap(40, ci="bca", seed=2, n_jobs=1, progress=False, bollen_stine=False,
                      standardized=False, r2=False, fit_measures=False)
    assert "jackknife (50 leave-one-out fits" in b.note
    # the acceleration by the jackknife, recomputed by hand from the 50 leave-one-out fits
    loo = np.array([edu40.fit("textual =~ x4 + x5 + x6", HS.iloc[:50].drop(HS.index[i]))._theta
                    for i in range(50)])
    a = _acceleration_from_influence(49 * (loo.mean(axis=0) - loo))
    lo, hi = _interval(b.draws.to_numpy()[:, :6], res._theta, 0.95, "bca", a)
    est = b.estimates
    free = est[est["se"] > 0]
    # (replications stop at a gradient of 1e-6, edu40.fit at 1e-9: equal to about 1e-5)
    assert np.allclose(free["ci.lower"], lo, atol=1e-4) and np.allclose(free["ci.upper"], hi, atol=1e-4)
    est = b.estimates[b.estimates["se"] > 0]
    assert (est["ci.lower"] <= est["ci.upper"]).all()
    assert np.isfinite(est[["ci.lower", "ci.upper"]].to_numpy()).all()


# -- determinism, parallel and distributed --------------------------------------------------
def test_same_seed_same_result_for_any_n_jobs_and_chunking(monkeypatch):
    res = hs_fit()
    kw = dict(seed=11, progress=False, fit_measures=["cfi", "rmsea"])
    one = res.bootstrap(40, n_jobs=1, **kw)
    monkeypatch.setattr(parallel, "POOL_MIN_SECONDS", 0.0)    # use worker processes even for 40
    two = res.bootstrap(40, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one.draws, two.draws)
    pd.testing.assert_frame_equal(one.estimates, two.estimates)
    assert one.bollen_stine_pvalue == two.bollen_stine_pvalue
    assert one.seed == 11
    other = res.bootstrap(40, n_jobs=1, seed=12, progress=False, fit_measures=False)
    assert not np.allclose(other.draws.iloc[:, :5], one.draws.iloc[:, :5])
    # no seed: the entropy used is reported, and repeats the run
    fresh = res.bootstrap(10, n_jobs=1, progress=False, fit_measures=False, bollen_stine=False)
    again = res.bootstrap(10, n_jobs=1, seed=fresh.seed, progress=False, fit_measures=False,
                          bollen_stine=False)
    pd.testing.assert_frame_equal(fresh.draws, again.draws)


def test_dask_local_cluster_gives_the_joblib_result():
    distributed = pytest.importorskip("distributed")
    res = hs_fit()
    kw = dict(seed=4, progress=False, fit_measures=["cfi"])
    local = res.bootstrap(30, n_jobs=1, **kw)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        current = res.bootstrap(30, backend="dask", **kw)              # the current client
        passed = res.bootstrap(30, backend="dask", client=client, **kw)
        power = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=12, seed=1,
                                        backend="dask", progress=False)
    pd.testing.assert_frame_equal(local.draws, current.draws)
    pd.testing.assert_frame_equal(local.draws, passed.draws)
    pd.testing.assert_frame_equal(
        power.table, edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=12, seed=1,
                                             n_jobs=1, progress=False).table)
    # a closed client is refused clearly
    with pytest.raises(ReplicationError, match="closed"):
        res.bootstrap(5, backend="dask", client=client, progress=False)


def test_unreachable_dask_scheduler_is_a_clear_error(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT", 1)
    with pytest.raises(ReplicationError, match=r"cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'") as err:
        hs_fit().bootstrap(5, backend="dask", client="tcp://127.0.0.1:9", progress=False)
    assert err.value.done == 0
    with pytest.raises(ReplicationError, match="no running Dask client"):
        hs_fit().bootstrap(5, backend="dask", progress=False)


@pytest.mark.parametrize("backend", ["joblib", "dask"])
def test_a_run_that_stops_keeps_the_finished_draws(monkeypatch, backend):
    real = bootmod._bootstrap_chunk

    def failing(payload, indices, seeds):
        if max(indices) >= 20:
            raise ConnectionError("worker lost")
        return real(payload, indices, seeds)

    monkeypatch.setattr(bootmod, "_bootstrap_chunk", failing)
    parallel_chunks = 10        # chunks of 10 draws on every backend: draws 0-19 finish
    monkeypatch.setattr(parallel, "_chunks", lambda n, w, c=None: [list(range(i, min(i + parallel_chunks, n)))
                                                                   for i in range(0, n, parallel_chunks)])
    kw = dict(seed=6, progress=False, fit_measures=False)
    if backend == "dask":
        distributed = pytest.importorskip("distributed")
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cluster, distributed.Client(cluster):
            with pytest.raises(ReplicationError, match="worker lost") as err:
                hs_fit().bootstrap(40, backend="dask", **kw)
    else:
        with pytest.raises(ReplicationError, match=r"stopped after 20 of 40 draws.*worker lost") as err:
            hs_fit().bootstrap(40, n_jobs=1, **kw)
    partial = err.value.partial
    assert isinstance(partial, edu40.BootstrapResult) and not partial.complete
    assert partial.n == 40 and partial.n_ok == err.value.done > 0
    assert set(partial.draws.index) <= set(range(20))
    assert "PARTIAL" in partial.summary("en")
    monkeypatch.setattr(bootmod, "_bootstrap_chunk", real)
    full = hs_fit().bootstrap(40, n_jobs=1, **kw)
    pd.testing.assert_frame_equal(partial.draws, full.draws.loc[partial.draws.index])


# -- failures, special models, bad input ------------------------------------------------------
def test_failed_draws_are_counted_by_reason_never_dropped_silently():
    data = HS.copy()
    data["rare"] = 0.0
    data.loc[[3, 150], "rare"] = 1.0   # a draw that misses both rows has a constant column
    res = edu40.fit(HS_MODEL + "\nspeed ~ rare", data)
    b = res.bootstrap(60, seed=1, n_jobs=1, progress=False, fit_measures=False)
    fails = b.failure_counts()
    ordinary = fails[fails["kind"] == "ordinary"]
    assert b.n_failed == ordinary["count"].sum() > 0
    assert b.n_ok + b.n_failed == 60 == len(b.draws) + b.n_failed
    assert "not positive definite" in ordinary["reason"].iloc[0]
    assert set(b.failures.loc[b.failures["kind"] == "ordinary", "replicate"]).isdisjoint(b.draws.index)
    assert "failed" in b.summary("en")


def test_exogenous_covariate_and_fiml_models_bootstrap():
    # fixed.x: the covariate's variance is taken from each draw
    res = edu40.fit("f =~ x1 + x2 + x3\nf ~ x7", HS)
    b = res.bootstrap(150, seed=2, n_jobs=2, progress=False, fit_measures=False)
    est = b.estimates.set_index(["lhs", "op", "rhs"])
    ml = res.estimates.set_index(["lhs", "op", "rhs"])
    ratio = est.loc[("f", "~", "x7"), "se"] / ml.loc[("f", "~", "x7"), "se"]
    assert 0.75 < ratio < 1.33
    # FIML: rows with missing answers are resampled too; Bollen-Stine is not available
    data = HS.copy()
    rng = np.random.default_rng(0)
    cols = [f"x{i}" for i in range(1, 10)]
    data[cols] = data[cols].mask(rng.random((len(data), 9)) < 0.05)
    fres = edu40.fit(HS_MODEL, data, missing="fiml")
    fb = fres.bootstrap(30, seed=1, n_jobs=2, progress=False, fit_measures=["cfi"])
    assert fb.n_ok == 30 and np.isnan(fb.bollen_stine_pvalue)
    intercepts = fb.estimates[(fb.estimates["op"] == "~1") & fb.estimates["lhs"].str.startswith("x")]
    assert len(intercepts) == 9 and (intercepts["se"] > 0).all()
    with pytest.raises(ValueError, match="Bollen-Stine bootstrap needs complete data"):
        fres.bootstrap(5, bollen_stine=True, progress=False)


def test_multiple_groups_are_resampled_within_each_group(capsys):
    data = HS.assign(school=HS.index.map(lambda i: "Pasteur" if i < 156 else "Grant-White"))
    res = edu40.fit(HS_MODEL, data, group="school")
    b = res.bootstrap(30, seed=1, n_jobs=1, fit_measures=["cfi"], progress=True)
    assert "bootstrap" in capsys.readouterr().err          # the tqdm progress bar
    assert b.n_ok + b.n_failed == 30 and b.n_ok >= 27
    assert set(b.estimates["group"]) == {"Pasteur", "Grant-White"}
    assert {"group", "variable"} <= set(b.r2.columns) and len(b.r2) == 18
    assert np.isfinite(b.bollen_stine_pvalue)
    # each draw keeps the group sizes: the statistics vary, the design does not
    assert b.estimates.query("op == '=~' and rhs == 'x2'")["se"].gt(0).all()


def test_bootstrap_bad_input_is_explained():
    res = hs_fit()
    with pytest.raises(ValueError, match="positive whole number"):
        res.bootstrap(0)
    with pytest.raises(ValueError, match="ci must be one of"):
        res.bootstrap(10, ci="student")
    with pytest.raises(ValueError, match="unknown or constant fit measures"):
        res.bootstrap(10, fit_measures=["df"])
    with pytest.raises(ValueError, match="backend must be"):
        res.bootstrap(10, backend="spark", progress=False)
    cov_fit = edu40.fit(HS_MODEL, cov=HS[[f"x{i}" for i in range(1, 10)]].cov(), nobs=301)
    with pytest.raises(ValueError, match="fitted to a covariance matrix"):
        cov_fit.bootstrap(10)


def test_bootstrap_result_shows_itself():
    b = hs_boot()
    assert b.n == b.n_ok == 500 and b.ci == "percentile" and b.level == 0.95
    frame = b.to_frame()
    assert set(frame["section"]) == {"estimate", "std.all", "r2", "fit"}
    assert list(frame.columns[-4:]) == ["est", "se", "ci.lower", "ci.upper"]
    assert "Bootstrap: 500 draws requested, 500 usable" in b.summary("en")
    assert "บูตสแตรป" in b.summary("th")
    html = b._repr_html_()
    assert "<table" in html and "std.all" in html
    with pytest.raises(Exception):
        b.n = 3          # frozen
    assert list(b.estimates.columns) == ["lhs", "op", "rhs", "label", "est", "se", "z", "pvalue",
                                         "ci.lower", "ci.upper"]


# -- RMSEA power and sample size: semTools exactly ------------------------------------------
def test_rmsea_power_equals_semtools():
    grid = pd.DataFrame(REF["rmsea_power"]["grid"])
    for r in grid.itertuples():
        p1 = edu40.rmsea_power(r.df, r.n, r.rmsea0, r.rmseaA, r.alpha)
        p2 = edu40.rmsea_power(r.df, r.n, r.rmsea0, r.rmseaA, r.alpha, groups=2)
        assert p1 == pytest.approx(r.power, abs=1e-8), r
        assert p2 == pytest.approx(r.power_g2, abs=1e-8), r
    # a power curve over n
    curve = edu40.rmsea_power(24, np.array([100, 200, 772]))
    assert np.all(np.diff(curve) > 0)


def test_rmsea_sample_size_equals_semtools():
    grid = pd.DataFrame(REF["rmsea_sample_size"]["grid"])
    for r in grid.itertuples():
        assert edu40.rmsea_sample_size(r.df, r.power, r.rmsea0, r.rmseaA) == r.n, r
        assert edu40.rmsea_sample_size(r.df, r.power, r.rmsea0, r.rmseaA, groups=2) == r.n_g2, r


def test_rmsea_bad_input():
    with pytest.raises(ValueError, match="must differ"):
        edu40.rmsea_power(24, 200, 0.05, 0.05)
    with pytest.raises(ValueError, match="n must be larger than 1"):
        edu40.rmsea_power(24, 0)
    with pytest.raises(ValueError, match="df must be positive"):
        edu40.rmsea_sample_size(0)
    with pytest.raises(ValueError, match="power must be between"):
        edu40.rmsea_sample_size(24, power=1.2)


# -- survey sample sizes ------------------------------------------------------------------
def test_krejcie_morgan_table_and_formula():
    # Krejcie & Morgan (1970), Table 1
    for N, S in [(10, 10), (100, 80), (220, 140), (500, 217), (1000, 278), (2800, 338),
                 (9000, 368), (10000, 370), (75000, 382), (1000000, 384)]:
        assert edu40.krejcie_morgan(N) == S
    # every table entry is the formula rounded to the nearest whole number
    for N, S in edu40.power.KREJCIE_MORGAN_TABLE.items():
        s = 3.841 * N * 0.25 / (0.0025 * (N - 1) + 3.841 * 0.25)
        assert round(s) == S
    # between entries: the formula. N = 100,000 is not in the 1970 table (its last row is
    # 1,000,000 -> 384); the formula gives 382.6 -> 383
    assert edu40.krejcie_morgan(100000) == 383
    assert edu40.krejcie_morgan(772) == 257
    assert edu40.krejcie_morgan(100000, round_up=True) == 383
    assert edu40.krejcie_morgan(5) == 5
    with pytest.raises(ValueError, match="positive whole number"):
        edu40.krejcie_morgan(0)


def test_yamane_formula_and_published_values():
    # Yamane (1967) table for +-5 %: 500 -> 222, 1000 -> 286, 2000 -> 333, 5000 -> 370, 10000 -> 385
    assert [edu40.yamane(N) for N in (500, 1000, 2000, 5000, 10000, 100000)] == [222, 286, 333, 370, 385, 398]
    assert edu40.yamane(500, round_up=True) == 223
    assert edu40.yamane(1000, e=0.1) == 91
    with pytest.raises(ValueError, match="margin of error"):
        edu40.yamane(1000, e=5)
    with pytest.raises(ValueError, match="positive whole number"):
        edu40.yamane(-3)


# -- Monte Carlo power -----------------------------------------------------------------------
SMALL_MODEL = "f =~ x1 + x2 + x3\ng =~ y1 + y2 + y3\ng ~ b*f"
SMALL_POP = pd.DataFrame({"lhs": ["f"] * 3 + ["g"] * 4, "op": ["=~"] * 6 + ["~"],
                          "rhs": ["x1", "x2", "x3", "y1", "y2", "y3", "f"],
                          "value": [0.7, 0.7, 0.6, 0.8, 0.7, 0.6, 0.3]})


def test_monte_carlo_power_agrees_with_the_wald_test_theory():
    n = 100
    res = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=n, reps=300, seed=7, n_jobs=2,
                                  progress=False)
    assert res.n_ok == 300 and len(res.failures) == 0
    # theory: power = P(|Z| > z_.975) with Z ~ N(beta / se_n, 1), se_n from the population information
    cov, _ = edu40.power.population_moments(SMALL_POP)
    pop = edu40.fit(SMALL_MODEL, cov=cov, nobs=n, likelihood="wishart")
    row = pop.estimates.query("op == '~'").iloc[0]
    delta = row["est"] / row["se"]
    theory = stats.norm.sf(1.96 - delta) + stats.norm.cdf(-1.96 - delta)
    t = res.table.set_index(["lhs", "op", "rhs"])
    mc = t.loc[("g", "~", "f")]
    # SE of a power estimate from 300 samples: sqrt(.6 * .4 / 300) = .028
    assert abs(mc["power"] - theory) < 0.085, (mc["power"], theory)
    assert mc["population"] == pytest.approx(row["est"], abs=1e-4)
    assert mc["population.std"] == pytest.approx(0.3, abs=1e-4)
    assert abs(mc["bias"]) < 0.03 and abs(mc["coverage"] - 0.95) < 0.04
    loads = res.table[res.table["op"] == "=~"]
    assert (loads["power"] > 0.99).all()
    assert res.power["g ~ f"] == mc["power"]


def test_monte_carlo_power_of_an_indirect_effect_and_from_a_population_model():
    model = "f =~ x1 + x2 + x3\nm =~ y1 + y2 + y3\ng =~ z1 + z2 + z3\nm ~ a*f\ng ~ b*m\nab := a*b"
    pop = SMALL_POP.iloc[:6].copy()
    pop = pd.concat([pop.assign(lhs=pop["lhs"].replace({"g": "m"})),
                     pd.DataFrame({"lhs": ["g"] * 3 + ["m", "g"], "op": ["=~"] * 3 + ["~", "~"],
                                   "rhs": ["z1", "z2", "z3", "f", "m"], "value": [0.8, 0.7, 0.7, 0.5, 0.5]})])
    res = edu40.monte_carlo_power(model, pop, n=150, reps=60, seed=3, n_jobs=1, progress=False,
                                  params=["ab", "m ~ f"])
    assert list(res.table["lhs"]) == ["ab", "m"]      # in the order asked
    ab = res.table.set_index("lhs").loc["ab"]
    assert ab["op"] == ":=" and ab["population.std"] == pytest.approx(0.25, abs=1e-4)
    assert ab["power"] > 0.8
    # Likert answers from an edu40 PopulationModel (the EM40 instrument); listwise with 5 % missing
    em = edu40.PopulationModel.default(edu40.EM40, loading=0.7, factor_correlation=0.5, r_squared=0.3)
    r = edu40.monte_carlo_power(edu40.EM40.model(), em, n=250, reps=6, seed=1, n_jobs=2,
                                progress=False, missing=0.002, params=["EFF ~ ACL", "ACL =~ ACL2"])
    assert r.n_ok == 6 and len(r.table) == 2
    assert "200,000" in r.summary()


def test_monte_carlo_power_same_seed_same_result_and_fiml():
    a = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=20, seed=9, n_jobs=1, progress=False)
    b = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=20, seed=9, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(a.table, b.table)
    f = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=20, seed=9, n_jobs=1,
                                progress=False, missing=0.1, estimation="fiml", params=["b"])
    assert f.n_ok == 20 and list(f.table["rhs"]) == ["f"]
    assert 0 < f.table["power"].iloc[0] <= a.power["g ~ f"] + 0.2


def test_monte_carlo_power_bad_input():
    not_pd = SMALL_POP.copy()
    not_pd = pd.concat([not_pd, pd.DataFrame({"lhs": ["x1"], "op": ["~~"], "rhs": ["x2"], "value": [0.9]})])
    with pytest.raises(PopulationModelError, match="not positive definite"):
        edu40.monte_carlo_power(SMALL_MODEL, not_pd, n=100, reps=10, progress=False)
    too_strong = SMALL_POP.assign(value=[0.7, 0.7, 1.1, 0.8, 0.7, 0.6, 0.3])
    with pytest.raises(PopulationModelError, match=r"\['x3'\] explain all of their variance"):
        edu40.monte_carlo_power(SMALL_MODEL, too_strong, n=100, reps=10, progress=False)
    with pytest.raises(PopulationModelError, match="positive definite"):
        edu40.PopulationModel.default(edu40.EM40, factor_correlation=-0.5)
    for bad in (0, -5, 2.5):
        with pytest.raises(ValueError, match="positive whole number"):
            edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=bad, reps=10, progress=False)
        with pytest.raises(ValueError, match="positive whole number"):
            edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=100, reps=bad, progress=False)
    with pytest.raises(ValueError, match="cannot estimate a model of 6 observed"):
        edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=5, reps=10, progress=False)
    with pytest.raises(ValueError, match="'g ~ h' is not in the model"):
        edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=100, reps=2, params=["g ~ h"], progress=False)
    with pytest.raises(ValueError, match=r"variables \['y1'"):
        edu40.monte_carlo_power("f =~ x1 + x2 + y1", SMALL_POP.iloc[:3], n=100, reps=2, progress=False)
    with pytest.raises(TypeError, match="PopulationModel or a DataFrame"):
        edu40.monte_carlo_power(SMALL_MODEL, {"f": 1}, n=100, reps=2, progress=False)


def test_power_result_shows_itself():
    res = edu40.monte_carlo_power(SMALL_MODEL, SMALL_POP, n=80, reps=8, seed=1, n_jobs=1, progress=False)
    assert "Monte Carlo power: n = 80, 8 samples, 8 converged" in res.summary("en")
    assert "มอนติคาร์โล" in res.summary("th")
    assert "<table" in res._repr_html_()
    assert list(res.to_frame().columns) == ["lhs", "op", "rhs", "label", "population", "population.std",
                                            "est.mean", "est.sd", "se.mean", "std.mean", "bias",
                                            "power", "coverage"]


# -- docs and layering --------------------------------------------------------------------
@pytest.mark.parametrize("module", ["edu40.studies.power", "edu40.studies.power_mc", "edu40.sem.bootstrap",
                                    "edu40.sem.bootci", "edu40.core.parallel"])
def test_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(module)
    failures, _ = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_core_import_does_not_load_dask():
    import subprocess
    import sys

    code = "import sys, edu40; print('distributed' in sys.modules or 'dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
