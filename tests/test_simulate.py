import numpy as np
import pandas as pd
import pytest

import edu40
from edu40 import EM40, PopulationModel, PopulationModelError, simulate, simulate_test


def test_same_seed_same_data_different_seed_different_data():
    a = simulate(EM40, 50, seed=7, r_squared=0.78, missing=0.05)
    b = simulate(EM40, 50, seed=7, r_squared=0.78, missing=0.05)
    c = simulate(EM40, 50, seed=8, r_squared=0.78, missing=0.05)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_values_are_scale_points_and_missing_share_is_respected():
    df = simulate(EM40, 2000, seed=1, missing=0.1)
    vals = df.to_numpy()
    assert set(np.unique(vals[~np.isnan(vals)])) <= {1, 2, 3, 4, 5}
    assert 0.09 < np.isnan(vals).mean() < 0.11
    exact = simulate(EM40, 100, seed=1, missing=7)
    assert exact.isna().sum().sum() == 7


def test_population_moments_are_the_model_s():
    pop = PopulationModel.default(EM40, loading=0.7, factor_correlation=0.5, r_squared=0.6)
    assert pop.r_squared()["EFF"] == pytest.approx(0.6)
    sigma = pop.covariance()
    assert np.allclose(np.diag(sigma), 1.0)
    assert sigma.loc["ACL1", "ACL2"] == pytest.approx(0.49)
    assert sigma.loc["ACL1", "ATM1"] == pytest.approx(0.7 * 0.5 * 0.7)
    # the sample correlation of continuous responses converges to it
    y = simulate(pop, 20000, seed=3, discretize=False)
    assert np.abs(np.corrcoef(y.to_numpy(), rowvar=False) - sigma.to_numpy()).max() < 0.04


def test_misfit_terms_enter_the_population_covariance():
    base = PopulationModel.default(EM40, loading=0.7)
    mis = PopulationModel.default(EM40, loading=0.7, residual_correlations={("ACL1", "ACL2"): 0.3},
                                  cross_loadings={("QMG1", "HRM"): 0.2})
    d = mis.covariance() - base.covariance()
    assert d.loc["ACL1", "ACL2"] == pytest.approx(0.3 * 0.51)
    assert d.loc["QMG1", "HRM1"] == pytest.approx(0.2 * 0.7)


@pytest.mark.parametrize("kwargs, message", [
    (dict(loading=1.2), "must be in"),
    (dict(loading=0.9, cross_loadings={("ACL1", "ATM"): 0.6}), "common variance >= 1"),
    (dict(factor_correlation=0.99, r_squared=0.999), None),
    (dict(factor_correlation=-0.5), "not positive definite"),
    (dict(residual_correlations={("ACL1", "ACL1"): 0.3}), "two different items"),
])
def test_bad_population_models_are_refused(kwargs, message):
    if message is None:
        pop = PopulationModel.default(EM40, **kwargs)   # extreme but valid
        assert pop.r_squared()["EFF"] == pytest.approx(0.999)
        return
    with pytest.raises(PopulationModelError, match=message):
        PopulationModel.default(EM40, **kwargs)


def test_bad_arguments():
    with pytest.raises(ValueError, match="positive integer"):
        simulate(EM40, 0)
    with pytest.raises(ValueError, match="missing"):
        simulate(EM40, 10, missing=1.5)


def test_knowledge_test_simulation():
    theta = np.linspace(-2, 2, 400)
    x = simulate_test(theta, np.zeros(30), np.full(30, 1.5), 0.25, seed=2)
    assert x.shape == (400, 30) and set(np.unique(x)) <= {0, 1}
    low, high = x[:100].mean(), x[-100:].mean()
    assert 0.25 < low < high < 1.0
    np.testing.assert_array_equal(x, simulate_test(theta, np.zeros(30), np.full(30, 1.5), 0.25, seed=2))
