"""Planning a study: power and sample size for SEM, and survey sample sizes.

==========================  ===================================================================
``rmsea_power``             power of the RMSEA test of ``H0: RMSEA = rmsea0`` against ``rmsea_a``
                            (MacCallum, Browne & Sugawara, 1996); semTools ``findRMSEApower``
``rmsea_sample_size``       the smallest N with that power; semTools ``findRMSEAsamplesize``
``monte_carlo_power``       power of each parameter's Wald test by simulation (as simsem):
                            draw ``reps`` samples of ``n`` from a population, fit, count p < alpha
``yamane``                  n = N / (1 + N e²) (Yamane, 1967)
``krejcie_morgan``          the Krejcie & Morgan (1970) table, and its formula between entries
==========================  ===================================================================

This module holds the closed-form tools.  The Monte Carlo simulation
(``monte_carlo_power``, ``PowerResult``, ``population_moments``) is in
:mod:`edu40.studies.power_mc` and re-exported here, so ``edu40.power`` keeps
every planning tool in one place.

RMSEA power.  With ``lambda = (N - 1) df eps² / G`` (semTools' convention:
``N - 1`` and the number of groups ``G``), the test of not-close fit
(``rmsea0 < rmsea_a``) rejects when ``T > c``, ``c`` the upper ``alpha``
quantile of the noncentral chi-square with ``lambda_0``; power is
``P(chi2(df, lambda_a) > c)``.  For the test of close fit
(``rmsea0 > rmsea_a``) the rejection region is the lower tail.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ..core.parallel import check_count
# re-exported: edu40.power (this module) names every planning tool, simulated or closed-form
from .power_mc import PowerResult, monte_carlo_power, population_moments

__all__ = ["rmsea_power", "rmsea_sample_size", "monte_carlo_power", "PowerResult", "yamane",
           "krejcie_morgan", "KREJCIE_MORGAN_TABLE", "population_moments"]


# -- RMSEA power (MacCallum, Browne & Sugawara, 1996) ------------------------------------------
def _ncx2_sf(x, df, nc):
    nc = np.asarray(nc, float)
    return np.where(nc > 0, stats.ncx2.sf(x, df, np.maximum(nc, 1e-300)), stats.chi2.sf(x, df))


def _ncx2_isf(q, df, nc):
    nc = np.asarray(nc, float)
    return np.where(nc > 0, stats.ncx2.isf(q, df, np.maximum(nc, 1e-300)), stats.chi2.isf(q, df))


def _check_rmsea_args(df, rmsea0, rmsea_a, alpha, groups):
    if not (isinstance(df, (int, np.integer, float)) and df > 0):
        raise ValueError(f"df must be positive, not {df!r}")
    for name, v in (("rmsea0", rmsea0), ("rmsea_a", rmsea_a)):
        if not v >= 0:
            raise ValueError(f"{name} must be 0 or more, not {v!r}")
    if rmsea0 == rmsea_a:
        raise ValueError("rmsea0 and rmsea_a must differ: power is defined against another RMSEA")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    check_count(groups, "groups")


def rmsea_power(df, n, rmsea0: float = 0.05, rmsea_a: float = 0.08, alpha: float = 0.05,
                groups: int = 1):
    """Power of the RMSEA test of fit (MacCallum, Browne & Sugawara, 1996).

    Parameters
    ----------
    df : int
        Degrees of freedom of the model.
    n : int or array of int
        Total sample size (an array gives a power curve).
    rmsea0, rmsea_a : float
        RMSEA under the null and the alternative.  ``rmsea0 < rmsea_a`` tests
        not-close fit (default .05 vs .08); ``rmsea0 > rmsea_a`` tests close
        fit (e.g. .05 vs .01); ``rmsea0 = 0`` tests exact fit.
    alpha : float
    groups : int
        Number of groups (semTools ``group``).

    Returns
    -------
    float (or array, as ``n``)

    Notes
    -----
    Equal to semTools 0.5 ``findRMSEApower(rmsea0, rmseaA, df, n, alpha,
    group)``.

    Examples
    --------
    >>> import edu40
    >>> round(edu40.rmsea_power(df=24, n=200), 4)
    0.51
    """
    _check_rmsea_args(df, rmsea0, rmsea_a, alpha, groups)
    n_arr = np.asarray(n, float)
    if np.any(n_arr <= 1):
        raise ValueError(f"n must be larger than 1, not {n!r}")
    nc0 = (n_arr - 1) * df * rmsea0 ** 2 / groups
    nca = (n_arr - 1) * df * rmsea_a ** 2 / groups
    if rmsea0 < rmsea_a:
        power = _ncx2_sf(_ncx2_isf(alpha, df, nc0), df, nca)
    else:
        power = 1 - _ncx2_sf(_ncx2_isf(1 - alpha, df, nc0), df, nca)
    return float(power) if np.ndim(power) == 0 else power


def rmsea_sample_size(df, power: float = 0.8, rmsea0: float = 0.05, rmsea_a: float = 0.08,
                      alpha: float = 0.05, groups: int = 1):
    """The smallest sample size whose RMSEA test reaches ``power``.

    Searches N = 5, 6, ... for the first N with power above ``power``, as
    semTools does, and returns ``N / groups`` (the size of each group; with
    one group, N).  A result of 5 means "5 or fewer".

    Notes
    -----
    Equal to semTools 0.5 ``findRMSEAsamplesize(rmsea0, rmseaA, df, power,
    alpha, group)``.

    Examples
    --------
    >>> import edu40
    >>> edu40.rmsea_sample_size(df=24)
    375
    """
    _check_rmsea_args(df, rmsea0, rmsea_a, alpha, groups)
    if not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, not {power!r}")
    start = 5
    while True:
        ns = np.arange(start, start + 500)
        pw = rmsea_power(df, ns, rmsea0, rmsea_a, alpha, groups)
        hit = np.flatnonzero(pw > power)
        if len(hit):
            total = int(ns[hit[0]])
            per_group = total / groups
            return int(per_group) if per_group == int(per_group) else per_group
        if start > 10 ** 8:   # pragma: no cover - power rises to 1 with N
            raise ValueError("no sample size up to 10^8 reaches this power")
        start += 500


# -- survey sample sizes ------------------------------------------------------------------
def _check_population(N):
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N <= 0:
        raise ValueError(f"N (the population size) must be a positive whole number, not {N!r}")
    return int(N)


def _round(x: float, round_up: bool) -> int:
    return math.ceil(x - 1e-12) if round_up else int(math.floor(x + 0.5))


def yamane(N, e: float = 0.05, *, round_up: bool = False) -> int:
    """Yamane's (1967) sample size for a population of ``N``: n = N / (1 + N e²).

    Parameters
    ----------
    N : int
        Population size (e.g. the teachers of an Educational Service Area).
    e : float
        Margin of error (.05 for ±5 % at 95 % confidence).
    round_up : bool
        False (default) rounds to the nearest whole number, as Yamane's
        published table does (N = 500 -> 222); True rounds up (223).

    Examples
    --------
    >>> import edu40
    >>> edu40.yamane(1000), edu40.yamane(10000)
    (286, 385)
    """
    N = _check_population(N)
    if not 0 < e < 1:
        raise ValueError(f"e (the margin of error) must be between 0 and 1, e.g. 0.05, not {e!r}")
    return min(N, _round(N / (1 + N * e ** 2), round_up))


# Krejcie, R. V., & Morgan, D. W. (1970), Table 1: population N -> sample S.
KREJCIE_MORGAN_TABLE = {
    10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48, 60: 52,
    65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86, 120: 92, 130: 97,
    140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127, 200: 132, 210: 136, 220: 140,
    230: 144, 240: 148, 250: 152, 260: 155, 270: 159, 280: 162, 290: 165, 300: 169, 320: 175,
    340: 181, 360: 186, 380: 191, 400: 196, 420: 201, 440: 205, 460: 210, 480: 214, 500: 217,
    550: 226, 600: 234, 650: 242, 700: 248, 750: 254, 800: 260, 850: 265, 900: 269, 950: 274,
    1000: 278, 1100: 285, 1200: 291, 1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313,
    1800: 317, 1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341,
    3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367, 9000: 368,
    10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381, 75000: 382,
    1000000: 384,
}


def krejcie_morgan(N, *, chi2: float = 3.841, p: float = 0.5, d: float = 0.05,
                   round_up: bool = False) -> int:
    """Krejcie & Morgan's (1970) sample size for a population of ``N``.

    ``S = chi2 N P(1 - P) / (d² (N - 1) + chi2 P(1 - P))`` with chi2 = 3.841
    (one df, 95 %), P = .5 and d = .05.  For an N listed in the 1970 table
    the table's value is returned; otherwise the formula, rounded to the
    nearest whole number as the table is (every table entry is the rounded
    formula; ``round_up=True`` rounds up instead).

    Examples
    --------
    >>> import edu40
    >>> edu40.krejcie_morgan(100), edu40.krejcie_morgan(1000), edu40.krejcie_morgan(10000)
    (80, 278, 370)
    """
    N = _check_population(N)
    default = (chi2, p, d) == (3.841, 0.5, 0.05)
    if default and N in KREJCIE_MORGAN_TABLE and not round_up:
        return KREJCIE_MORGAN_TABLE[N]
    if not 0 < p < 1 or not 0 < d < 1 or not chi2 > 0:
        raise ValueError("p and d must be between 0 and 1 and chi2 positive")
    s = chi2 * N * p * (1 - p) / (d ** 2 * (N - 1) + chi2 * p * (1 - p))
    return min(N, _round(s, round_up))
