"""Measure where factor_analyzer's FactorAnalyzer differs from psych::fa, the reference edu40 follows.

Reads the psych 2.2.9 values of tests/reference/efa_reference.json and prints, for each difference,
the largest gap on Holzinger & Swineford (1939) and psych::bfi, and what edu40 does about it.
docs/efa.md quotes the output.

With scikit-learn 1.8 or later ``FactorAnalyzer.fit`` raises a TypeError (it passes
``force_all_finite``, which scikit-learn removed); to measure the rest of its behaviour this
script (and only this script) passes the renamed argument through.

    python scripts/compare_factor_analyzer.py
"""

from __future__ import annotations

import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from semopy.examples import holzinger39

import factor_analyzer
import factor_analyzer.factor_analyzer as fa_module
from factor_analyzer import FactorAnalyzer, Rotator

ROOT = Path(__file__).resolve().parents[1]
REF = json.loads((ROOT / "tests" / "reference" / "efa_reference.json").read_text())["fa"]
HS = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
BFI = pd.read_csv(ROOT / "tests" / "data" / "bfi.csv").iloc[:, :25]


def fit_error() -> str:
    try:
        FactorAnalyzer(3, rotation=None).fit(HS)
    except TypeError as exc:
        return f"TypeError: {exc}"
    return "fits"


def _patch():
    original = fa_module.check_array

    def check_array(X, force_all_finite=True, **kw):
        return original(X, ensure_all_finite=force_all_finite, **kw)
    fa_module.check_array = check_array


def best_match(L, R):
    m = L.shape[1]
    out = np.inf
    for perm in itertools.permutations(range(m)):
        P = L[:, perm]
        s = np.sign((P * R).sum(0))
        s[s == 0] = 1
        out = min(out, np.abs(P * s - R).max())
    return out


def main():
    import sklearn
    print(f"factor_analyzer {factor_analyzer.__version__ if hasattr(factor_analyzer, '__version__') else ''}"
          f" with scikit-learn {sklearn.__version__}: FactorAnalyzer.fit -> {fit_error()}")
    _patch()
    rows = []
    for key, data, m in (("hs", HS, 3), ("bfi", BFI, 5)):
        for fm in ("minres", "ml"):
            for rot in ("varimax", "promax", "oblimin"):
                ref = REF[f"{key}_{fm}_{rot}"]
                R = np.array(ref["loadings"])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fa = FactorAnalyzer(m, rotation=rot, method=fm).fit(data)   # impute="median" by default
                L = fa.loadings_
                order_same = bool(np.abs(L - R).max() < 0.05)
                h2 = fa.get_communalities()
                ss = fa.get_factor_variance()[0]
                rows.append({"data": key, "fm": fm, "rotation": rot,
                             "loadings (best column match)": best_match(L, R),
                             "columns in psych's order": order_same,
                             "communalities": np.abs(h2 - np.array(ref["communality"])).max(),
                             "SS loadings": np.abs(np.sort(ss) - np.sort(np.array(ref["Vaccounted"])[0])).max()})
    t = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(t.round(4).to_string(index=False))
    one = FactorAnalyzer(1, rotation=None).fit(-HS).loadings_.sum()
    print(f"one factor of -HS: sum of loadings {one:+.3f} (psych makes it positive)")
    eq = Rotator(method="equamax").fit_transform(np.array(REF["hs_minres_none"]["loadings"]))
    qm = Rotator(method="quartimax").fit_transform(np.array(REF["hs_minres_none"]["loadings"]))
    print(f"equamax with the default kappa = 0 equals quartimax: max |diff| {np.abs(eq - qm).max():.2e}; "
          f"psych's equamax (kappa = m/2p) differs from it by "
          f"{best_match(eq, np.array(REF['hs_minres_equamax']['loadings'])):.3f}")
    try:
        Rotator(method="oblimin", gamma=0.5).fit_transform(np.array(REF["hs_minres_none"]["loadings"]))
        print("oblimin gamma = 0.5: runs")
    except Exception as exc:    # noqa: BLE001 - reporting what happens
        print(f"oblimin gamma = 0.5: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
