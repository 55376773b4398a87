"""The shipped synthetic samples: how they are made, and how to load them.

Both files in ``data/sample/`` are **synthetic**: drawn by :func:`edu40.simulate`
from a population model whose parameters are written below, with fixed seeds.
Regenerate them bit for bit with::

    python -m edu40.io.datasets data/sample

``em40_survey.csv``
    772 respondents (the N implied by the study's RMSEA), the 42 EM40 items on
    a 5-point scale and demographics.  The population is the published
    structural model (ACL, ATM, QMG, HRM, IQA -> EFF, R² = .78) plus a few
    substantively plausible misfits (cross-loadings, correlated residuals) whose
    size was calibrated (``scripts/calibrate_sample.py``) so that fitting the
    published model to the sample gives CMIN/DF, RMSEA, NFI, GFI and R² close
    to the published values.  df is 804, not 192: see ``data/sample/README.md``.
``em40_training.csv``
    A workshop: knowledge test answered item by item before and after training
    (0/1, 3PL IRT model), a process score and 8 satisfaction items.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .instrument import EM40, Instrument
from .loader import Survey, load_survey
from .simulate import PopulationModel, simulate, simulate_test

__all__ = ["load_em40_survey", "load_em40_training", "make_em40_survey", "make_em40_training",
           "em40_population", "TRAINING_SATISFACTION", "SURVEY_PATH", "TRAINING_PATH"]

_DATA = resources.files("edu40").joinpath("data")
#: Installed copy of data/sample/em40_survey.csv.
SURVEY_PATH = Path(str(_DATA.joinpath("em40_survey.csv")))
#: Installed copy of data/sample/em40_training.csv.
TRAINING_PATH = Path(str(_DATA.joinpath("em40_training.csv")))

#: The satisfaction questionnaire of the training sample (8 items, one factor).
TRAINING_SATISFACTION = Instrument._from_toml_text(
    _DATA.joinpath("training_satisfaction.toml").read_text(encoding="utf-8"),
    source="edu40/data/training_satisfaction.toml")

# ---------------------------------------------------------------------------
# The population of the survey sample.  The numbers marked "calibrated" were
# chosen by scripts/calibrate_sample.py; everything else is a design choice.
# ---------------------------------------------------------------------------
SURVEY_SEED = 20201108          # the study was presented on 8 Nov 2021; research year 2020
SURVEY_N = 772                  # N implied by RMSEA .05 with chi2 562.16 and df 192
LOADING = 0.96                  # calibrated: mean standardized loading of y* (drives NFI)
FACTOR_CORRELATION = 0.62       # mean correlation among the five predictors
R_SQUARED = 0.80                # calibrated: population R² of EFF
MISFIT = 2.21                   # calibrated: multiplier of the misfit terms below (drives chi2)
# Relative weights of the structural paths (rescaled to give R_SQUARED).  The
# Thai abstract names four predictors; quality management (QMG) gets a small one.
PATH_WEIGHTS = {"ACL": 0.30, "ATM": 0.24, "QMG": 0.06, "HRM": 0.20, "IQA": 0.24}
# Misfit with a story: items that also reflect a neighbouring factor, and pairs
# of items that share wording or a sub-domain beyond their factor.
CROSS_LOADINGS = {("QMG5", "HRM"): 0.20,   # workforce focus is also HR management
                  ("IQA2", "ATM"): 0.18,   # organising learning is also climate
                  ("ACL2", "ATM"): 0.15,   # building culture is also climate
                  ("EFF5", "HRM"): 0.15}   # commitment follows retention practice
RESIDUAL_CORRELATIONS = {("ACL7", "ACL9"): 0.30, ("ACL9", "ACL10"): 0.28,    # transformational
                         ("ACL7", "ACL10"): 0.25,                            # leadership triad
                         ("ATM8", "ATM9"): 0.30,                             # two assessment items
                         ("QMG1", "QMG2"): 0.25,                             # leadership & strategy
                         ("EFF1", "EFF6"): 0.25,                             # achievement & competency
                         ("IQA4", "IQA5"): 0.25,                             # assessment & its report
                         ("ATM3", "ATM4"): 0.20}                             # two "freedom" items
THRESHOLDS = (-2.2, -1.4, -0.5, 0.5)   # answers mostly 4-5 (item means ~3.95), as in Thai school surveys
ROLE_SHIFT = {"director": 0.30, "deputy_director": 0.15, "teacher": 0.0}
REGION_SHIFT = {"South": 0.0, "Northeast": -0.10, "Central-East": 0.10, "North": 0.0}
MISSING_CELLS = 8                # "a few missing answers": 8 cells in 8 rows at most


def em40_population(*, loading: float = LOADING, factor_correlation: float = FACTOR_CORRELATION,
                    r_squared: float = R_SQUARED, misfit: float = MISFIT,
                    seed: int = SURVEY_SEED) -> PopulationModel:
    """The population model of the shipped survey sample (see module docstring)."""
    rng = np.random.default_rng([seed, 1])
    items = EM40.item_codes
    loadings = {i: float(np.clip(loading + rng.uniform(-0.04, 0.04), 0.3, 0.97)) for i in items}
    preds = list(EM40.predictors)
    k = len(preds)
    corr = np.full((k, k), factor_correlation)
    jitter = rng.uniform(-0.06, 0.06, size=(k, k))
    corr = corr + (jitter + jitter.T) / 2
    np.fill_diagonal(corr, 1.0)
    fc = pd.DataFrame(corr, index=preds, columns=preds)
    w = np.array([PATH_WEIGHTS[p] for p in preds])
    b = w * np.sqrt(r_squared / float(w @ corr @ w))
    paths = {(EM40.outcome, p): float(v) for p, v in zip(preds, b)}
    cross = {k_: v * misfit for k_, v in CROSS_LOADINGS.items()}
    # A cross-loaded item keeps the common variance of its neighbours: its own
    # loading l' solves l'^2 + c^2 + 2 l' c phi = l^2.
    phi = PopulationModel(EM40, loadings, fc, paths=paths).latent_covariance()
    for (item, fac), c in cross.items():
        l, r = loadings[item], float(phi.loc[EM40.factor_of(item), fac])
        loadings[item] = float(-c * r + np.sqrt(c * c * r * r - c * c + l * l))
    resid = {k_: v * misfit for k_, v in RESIDUAL_CORRELATIONS.items()}
    shift = {i: float(rng.uniform(-0.25, 0.25)) for i in items}
    return PopulationModel(EM40, loadings, fc, paths=paths, cross_loadings=cross,
                           residual_correlations=resid, thresholds=THRESHOLDS, item_shift=shift)


def make_em40_survey(*, seed: int = SURVEY_SEED, n: int = SURVEY_N, population=None) -> pd.DataFrame:
    """Draw the synthetic EM40 survey (respondent_id, 42 items, demographics)."""
    population = population or em40_population(seed=seed)
    rng = np.random.default_rng([seed, 2])
    role = rng.choice(list(ROLE_SHIFT), size=n, p=[0.18, 0.14, 0.68])
    region = rng.choice(list(REGION_SHIFT), size=n, p=[0.24, 0.27, 0.25, 0.24])
    level = rng.choice(["primary", "secondary"], size=n, p=[0.62, 0.38])
    gender = rng.choice(["female", "male"], size=n, p=[0.58, 0.42])
    base_years = np.where(role == "teacher", 4, np.where(role == "deputy_director", 14, 18))
    years = np.clip(base_years + rng.gamma(2.0, 4.0, size=n).round().astype(int), 1, 38)
    shift = np.array([ROLE_SHIFT[r] + REGION_SHIFT[g] for r, g in zip(role, region)])
    factor_shift = np.repeat(shift[:, None], len(EM40.factor_codes), axis=1)
    items = simulate(population, n, seed=np.random.default_rng([seed, 3]), missing=MISSING_CELLS,
                     factor_shift=factor_shift)
    items = items.astype("Int64")
    ids = [f"R{k:04d}" for k in range(1, n + 1)]
    demo = pd.DataFrame({"role": role, "region": region, "school_level": level, "gender": gender,
                         "years_experience": years})
    return pd.concat([pd.DataFrame({"respondent_id": ids}), items, demo], axis=1)


TRAINING_SEED = 20211108
TRAINING_N = 84
TEST_ITEMS = 25
PROCESS_FULL = 50


def make_em40_training(*, seed: int = TRAINING_SEED, n: int = TRAINING_N) -> pd.DataFrame:
    """Draw the synthetic training sample: pre/post knowledge test, process score, satisfaction.

    Knowledge: a 25-item, four-option test under a 3PL model (guessing .20);
    ability rises by about 1.3 SD after the workshop.  Two participants left
    before the post-test (their post answers are blank).  Satisfaction:
    8 items on a 5-point scale, correlated (~.45) with post-test ability.
    """
    rng = np.random.default_rng([seed, 1])
    difficulty = rng.uniform(-1.6, 1.4, TEST_ITEMS)
    discrimination = rng.uniform(0.8, 2.0, TEST_ITEMS)
    theta_pre = rng.normal(-0.3, 0.9, n)
    theta_post = theta_pre + rng.normal(1.3, 0.45, n)
    pre = simulate_test(theta_pre, difficulty, discrimination, 0.2, seed=rng)
    post = simulate_test(theta_post, difficulty, discrimination, 0.2, seed=rng)
    process = np.clip(np.round(PROCESS_FULL * (0.78 + 0.08 * theta_post + rng.normal(0, 0.05, n))),
                      0, PROCESS_FULL).astype(int)
    sat_latent = 0.45 * (theta_post - theta_post.mean()) / theta_post.std() + np.sqrt(1 - 0.45 ** 2) * rng.normal(size=n)
    sat_items = TRAINING_SATISFACTION.item_codes
    noise = rng.normal(size=(n, len(sat_items)))
    ystar = 0.8 * sat_latent[:, None] + 0.6 * noise
    cuts = np.array([-2.7, -2.1, -1.35, -0.45])
    sat = np.searchsorted(cuts, ystar) + 1
    frame = pd.DataFrame({"participant_id": [f"T{k:03d}" for k in range(1, n + 1)],
                          "role": rng.choice(["director", "deputy_director", "teacher"], n, p=[.3, .2, .5]),
                          "region": rng.choice(["South", "Northeast", "Central-East", "North"], n)})
    pre_cols = [f"pre_K{j:02d}" for j in range(1, TEST_ITEMS + 1)]
    post_cols = [f"post_K{j:02d}" for j in range(1, TEST_ITEMS + 1)]
    post_frame = pd.DataFrame(post, columns=post_cols).astype("Int64")
    process_s = pd.Series(process, name="process_score").astype("Int64")
    dropped = rng.choice(n, size=2, replace=False)
    post_frame.loc[dropped, :] = pd.NA
    process_s.loc[dropped] = pd.NA
    return pd.concat([frame, pd.DataFrame(pre, columns=pre_cols), post_frame, process_s,
                      pd.DataFrame(sat, columns=sat_items)], axis=1)


def write_samples(directory) -> list[Path]:
    """Write both samples into ``directory`` (the command in data/sample/README.md)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, frame in (("em40_survey.csv", make_em40_survey()),
                        ("em40_training.csv", make_em40_training())):
        path = directory / name
        # "\n" line ends and UTF-8 without BOM: identical bytes on every OS.
        frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        out.append(path)
    return out


def load_em40_survey(**kwargs) -> Survey:
    """The shipped synthetic EM40 survey (772 respondents) as a validated :class:`Survey`.

    Synthetic data: regenerate with ``python -m edu40.io.datasets data/sample``.
    Keyword arguments go to :func:`edu40.load_survey`.
    """
    return load_survey(SURVEY_PATH, EM40, **kwargs)


def load_em40_training() -> pd.DataFrame:
    """The shipped synthetic training sample (pre/post test, process score, satisfaction).

    Synthetic data: regenerate with ``python -m edu40.io.datasets data/sample``.
    """
    return pd.read_csv(TRAINING_PATH, dtype={"participant_id": str})


if __name__ == "__main__":  # python -m edu40.io.datasets data/sample
    target = sys.argv[1] if len(sys.argv) > 1 else "data/sample"
    for p in write_samples(target):
        print(f"wrote {p}")
