"""The numerical core: analytic derivatives, FIML pattern sums, stacked replications, lean imports.

FIML reference values: tests/reference/fiml_reference.json, made by
``Rscript tests/reference/make_fiml_reference.R`` (lavaan 0.6-14,
``sem(..., missing = "ml")`` with its default observed information); the
answers are removed by the arithmetic rule stored with each case.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special
from semopy.examples import holzinger39, political_democracy

import edu40
from edu40.core.parallel import one_blas_thread
from edu40.sem.batch import BatchModel, inverse_lower
from edu40.sem.bootdraws import (_batched_chunk, _bollen_stine_data, _bollen_stine_maps,
                                 _draw_indices, _one_draw, _Payload)
from edu40.sem.hessian import observed_hessian
from edu40.sem.indices import rmsea_ci, saturated_fiml
from edu40.sem.patterns import pattern_index, pattern_inverses
from edu40.sem.refit import VARYING_INDICES, make_refitter
from _models import HS_MODEL, PD_MODEL

REF = json.loads((Path(__file__).parent / "reference" / "fiml_reference.json").read_text())
HS = holzinger39.get_data()
PD = political_democracy.get_data()
EM = pd.read_csv(Path(__file__).parents[1] / "data" / "sample" / "em40_survey.csv")


def knock_out(data, cols, rule):
    """The reference script's missing-answer rule (1-based rows and columns)."""
    out = data.copy()
    i = np.arange(1, len(data) + 1)
    for j, col in enumerate(cols, start=1):
        gone = (((rule["a"] * i + rule["b"] * j) % rule["m"] == 0)
                | ((rule["c"] * i + rule["d"] * j) % rule["n"] == 0)
                | ((i % rule["r"] == 0) & (j <= rule["k"])))
        out.loc[gone, col] = np.nan
    return out


FIML_CASES = {
    "hs": (HS_MODEL, HS, [f"x{k}" for k in range(1, 10)]),
    "pd": (PD_MODEL, PD, [f"y{k}" for k in range(1, 9)] + [f"x{k}" for k in range(1, 4)]),
    "em40": (edu40.EM40.model(), EM, list(edu40.EM40.item_codes)),
}
_fits = {}


def fiml_fit(name):
    if name not in _fits:
        model, data, cols = FIML_CASES[name]
        _fits[name] = edu40.fit(model, knock_out(data, cols, REF[name]["rule"]), missing="fiml")
    return _fits[name]


@pytest.mark.parametrize("name", list(FIML_CASES))
def test_fiml_with_many_patterns_equals_lavaan_observed_information(name):
    res, ref = fiml_fit(name), REF[name]
    assert res.converged
    assert len(res._model.groups[0].patterns) == ref["patterns"]
    lav = pd.DataFrame(ref["estimates"])
    m = res.estimates.merge(lav, on=["lhs", "op", "rhs"], suffixes=("", "_lavaan"))
    assert len(m) == len(lav)
    np.testing.assert_allclose(m["est"], m["est_lavaan"], atol=1e-4)
    np.testing.assert_allclose(m["se"], m["se_lavaan"], atol=1e-4)   # observed information
    std = res.standardized.merge(pd.DataFrame(ref["standardized"]), on=["lhs", "op", "rhs"],
                                 suffixes=("", "_lavaan"))
    np.testing.assert_allclose(std["est.std"], std["est.std_lavaan"], atol=1e-4)
    np.testing.assert_allclose(std["se"], std["se_lavaan"], atol=1e-4)
    for key in ("chisq", "cfi", "tli", "rmsea", "srmr", "logl", "unrestricted.logl", "bic"):
        tol = 1e-3 if key in ("chisq", "logl", "unrestricted.logl", "bic") else 1e-5
        assert res.fit_indices[key] == pytest.approx(ref["fit"][key], abs=tol), key


# -- analytic derivatives against numerical ones ------------------------------------------------
DERIVATIVE_CASES = {
    "hs": lambda: edu40.fit(HS_MODEL, HS),
    "pd_structural": lambda: edu40.fit(PD_MODEL, PD),
    "hs_groups_means": lambda: edu40.fit(HS_MODEL, HS, group="school"),
    "fixed_x": lambda: edu40.fit("visual =~ x1 + x2 + x3\nvisual ~ ageyr + grade", HS),
    "nonrecursive": lambda: edu40.fit("y1 ~ y2 + x1\ny2 ~ y1 + x2", PD),
    "fiml": lambda: fiml_fit("hs"),
}


@pytest.mark.parametrize("name", list(DERIVATIVE_CASES))
def test_gradient_and_observed_information_are_the_derivatives_of_F(name):
    res = DERIVATIVE_CASES[name]()
    model = res._model
    theta = res._theta + 0.01 * np.random.default_rng(1).standard_normal(len(res._theta))
    f, g = model.value_and_gradient(theta)
    assert f == pytest.approx(model.objective(theta), rel=1e-12)
    num = optimize.approx_fprime(theta, model.objective, 1e-7)
    np.testing.assert_allclose(g, num, atol=1e-5 * max(1.0, np.abs(g).max()))
    H = observed_hessian(model, theta)
    H_num = 2 * model.numerical_observed_information(theta)
    assert np.max(np.abs(H - H_num)) < 1e-6 * np.max(np.abs(H_num))
    # at the expected moments the observed information is the expected one
    _, _, fisher = model.derivatives(theta)
    assert np.allclose(model.expected_information(theta), fisher / 2)


def test_recursive_models_use_a_power_series_and_others_an_inverse():
    assert edu40.fit(PD_MODEL, PD)._model._layout[0].depth == 3     # ind60 -> dem60 -> dem65 -> y
    assert edu40.fit("y1 ~ y2 + x1\ny2 ~ y1 + x2", PD)._model._layout[0].depth is None


def test_fiml_pattern_stacks_equal_the_sum_over_patterns():
    res = fiml_fit("em40")
    model, g = res._model, res._model.groups[0]
    theta = res._theta
    sigma, mu = model._sigma_mu(theta, 0)
    f, G, wd = model._psets[0].terms(sigma, mu)
    f_ref, G_ref, w_ref = 0.0, np.zeros_like(G), np.zeros_like(wd)
    index = pattern_index(g.patterns, model.p)
    for (obs, n, mean, cov), (W, logdet), ix in zip(g.patterns, pattern_inverses(sigma, index), index):
        d = mean - mu[obs]
        f_ref += n * (logdet + np.trace(W @ cov) + d @ W @ d)
        G_ref[ix[2]] += n * (W - W @ (cov + np.outer(d, d)) @ W)
        w_ref[obs] += n * (W @ d)
    assert {len(m) for _, m, *_ in index} >= {0, 1, 2, 30}     # complete, stacked and direct
    assert f == pytest.approx(f_ref / g.n, rel=1e-12)
    np.testing.assert_allclose(G, G_ref / g.n, atol=1e-12)
    np.testing.assert_allclose(wd, w_ref / g.n, atol=1e-12)


def test_saturated_fiml_on_patterns_equals_em_on_rows():
    data = knock_out(HS, [f"x{k}" for k in range(1, 10)], REF["hs"]["rule"])
    X = data[[f"x{k}" for k in range(1, 10)]].to_numpy(float)
    assert saturated_fiml(X)[2] == pytest.approx(REF["hs"]["fit"]["unrestricted.logl"], abs=1e-4)
    # the EM fixed point: the E-step on the rows at (mu, sigma) gives (mu, sigma) back
    mu, sigma, ll = saturated_fiml(X, tol=1e-14)
    Y = X.copy()
    extra = np.zeros_like(sigma)
    for row in range(len(X)):
        m = np.isnan(X[row])
        if m.any():
            o = ~m
            B = sigma[np.ix_(m, o)] @ np.linalg.inv(sigma[np.ix_(o, o)])
            Y[row, m] = mu[m] + B @ (X[row, o] - mu[o])
            extra[np.ix_(m, m)] += sigma[np.ix_(m, m)] - B @ sigma[np.ix_(o, m)]
    np.testing.assert_allclose(Y.mean(axis=0), mu, atol=1e-6)
    np.testing.assert_allclose((Y.T @ Y + extra) / len(X) - np.outer(mu, mu), sigma, atol=1e-6)


def test_rmsea_interval_equals_the_brentq_inversion():
    def brentq_ci(X2, df, N, level=0.90):
        hi_p, lo_p = 1 - (1 - level) / 2, (1 - level) / 2

        def f(lam, p):
            return (special.chndtr(X2, df, lam) if lam > 0 else special.chdtr(df, X2)) - p
        lower = 0.0 if f(0, hi_p) < 0 else np.sqrt(optimize.brentq(f, 0, X2, (hi_p,), xtol=1e-12) / (N * df))
        top = max(N, 4 * X2)
        upper = (0.0 if f(top, lo_p) > 0 or f(0, lo_p) < 0
                 else np.sqrt(optimize.brentq(f, 0, top, (lo_p,), xtol=1e-12) / (N * df)))
        return lower, upper

    rng = np.random.default_rng(3)
    for _ in range(200):
        df = int(rng.integers(1, 2000))
        N = int(rng.integers(30, 50000))
        X2 = float(rng.uniform(0, 3 * df))
        assert np.allclose(rmsea_ci(X2, df, N), brentq_ci(X2, df, N), atol=1e-10, rtol=0)


# -- stacked replications --------------------------------------------------------------------
def test_inverse_of_stacked_triangular_matrices():
    A = np.random.default_rng(0).standard_normal((5, 40, 60))
    L = np.linalg.cholesky(A @ A.transpose(0, 2, 1) / 60)
    np.testing.assert_allclose(inverse_lower(L), np.linalg.inv(L), atol=1e-12)


@pytest.mark.parametrize("name", ["em40", "pd", "hs_groups"])
def test_stacked_draws_equal_the_one_draw_engine(name):
    res = {"em40": lambda: edu40.fit(edu40.EM40.model(), EM),
           "pd": lambda: edu40.fit(PD_MODEL, PD),
           "hs_groups": lambda: edu40.fit(HS_MODEL, HS, group="school")}[name]()
    with one_blas_thread():
        rf = make_refitter(res, defined=True, std=True, r2=True, fit_measures=VARYING_INDICES)
        assert rf.batch
        maps = _bollen_stine_maps(res)
        payload = _Payload(rf, [g.raw for g in res._model.groups], _bollen_stine_data(res, maps), maps)
        seeds = np.random.SeedSequence(5).spawn(12)
        stacked = _batched_chunk(payload, seeds)
        sizes = [len(X) for X in payload.data]
        single = [_one_draw(payload, _draw_indices(np.random.default_rng(s), sizes)) for s in seeds]
    assert sum(not a[0] for a in stacked) >= 10
    for a, b in zip(stacked, single):
        # the same failures (a draw near a Heywood case can defeat both), the same results otherwise
        assert a[0] == b[0] and a[3] == b[3]
        if not a[0]:
            assert a[2] == b[2]
            np.testing.assert_allclose(a[1], b[1], rtol=1e-6, atol=1e-6)    # both within 1e-7 of the optimum
        if not a[3]:
            assert a[4] == pytest.approx(b[4], rel=1e-8)


def test_factor_form_inverse_equals_the_cholesky_one_and_falls_back():
    res = edu40.fit(edu40.EM40.model(), EM)
    bm = BatchModel(res._model)
    plan = bm.plans[0]
    assert plan.factor_form
    thetas = res._theta + 0.01 * np.random.default_rng(4).standard_normal((6, len(res._theta)))
    table = res._spec.table
    resid = table[(table["op"] == "~~") & (table["lhs"] == "EFF1") & (table["rhs"] == "EFF1")]
    thetas[1, int(resid["free"].iloc[0]) - 1] = -0.01          # a Heywood case: the Cholesky path
    sigma, _, Ns, _, _, S = bm.moments(thetas, 0)
    W, logdet, ok = bm.sigma_inverse(sigma, Ns, S, plan)
    plan.factor_form = False
    W2, logdet2, ok2 = bm.sigma_inverse(sigma, Ns, S, plan)
    plan.factor_form = True
    assert (ok == ok2).all()
    np.testing.assert_allclose(W[ok], W2[ok], rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(logdet[ok], logdet2[ok], rtol=1e-12)
    np.testing.assert_allclose(W[ok], np.linalg.inv(sigma[ok]), rtol=1e-8, atol=1e-10)


def test_batch_model_gradient_equals_the_engine():
    res = edu40.fit(HS_MODEL, HS, group="school")
    bm = BatchModel(res._model)
    thetas = res._theta + 0.02 * np.random.default_rng(2).standard_normal((4, len(res._theta)))
    samples = [{"cov": np.broadcast_to(g.cov, (4,) + g.cov.shape).copy(),
                "mean": np.broadcast_to(g.mean, (4, len(g.mean))).copy(),
                "logdet": np.full(4, np.linalg.slogdet(g.cov)[1])} for g in res._model.groups]
    f, grad, ok = bm.value_and_gradient(thetas, samples)
    assert ok.all()
    for b in range(4):
        f1, g1 = res._model.value_and_gradient(thetas[b])
        assert f[b] == pytest.approx(f1, rel=1e-12)
        np.testing.assert_allclose(grad[b], g1, atol=1e-12)


def test_threads_processes_and_one_process_give_the_same_draws(monkeypatch):
    import edu40.core.parallel as parallel

    res = edu40.fit(HS_MODEL, HS)
    kw = dict(seed=21, progress=False, fit_measures=["cfi", "rmsea"])
    one = res.bootstrap(80, n_jobs=1, **kw)
    monkeypatch.setattr(parallel, "POOL_MIN_SECONDS", 0.0)   # use the workers even for 80 draws
    threads = res.bootstrap(80, n_jobs=2, backend="threading", **kw)
    procs = res.bootstrap(80, n_jobs=2, backend="loky", **kw)
    # stacked chunks have a fixed size, so each draw's arithmetic is the same to the last bit
    pd.testing.assert_frame_equal(one.draws, threads.draws, check_exact=True)
    pd.testing.assert_frame_equal(one.draws, procs.draws, check_exact=True)
    assert one.bollen_stine_pvalue == threads.bollen_stine_pvalue == procs.bollen_stine_pvalue


def test_import_loads_what_is_used_only():
    code = ("import sys, edu40; a = set(sys.modules); edu40.fit; b = set(sys.modules); "
            "print(sorted(m for m in ('pandas', 'scipy', 'scipy.stats', 'matplotlib', 'statsmodels', "
            "'scipy.optimize') if m in a)); "
            "print(sorted(m for m in ('scipy.stats', 'matplotlib', 'statsmodels', 'scipy.optimize') if m in b))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, second = out.stdout.split("\n")[:2]
    assert first == "[]"          # `import edu40` alone loads none of them
    assert second == "[]"         # the SEM stage needs neither scipy.stats nor matplotlib
    assert callable(edu40.describe) and "describe" in dir(edu40)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        edu40.nothing_here
