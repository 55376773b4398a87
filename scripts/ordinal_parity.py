"""Print the largest difference from lavaan of every quantity of the ordinal and robust-ML cases.

Reads tests/reference/ordinal_reference.json (``Rscript tests/reference/make_ordinal_reference.R``),
refits every case with edu40 and prints, per quantity, max |edu40 - lavaan| over the cases:
the table in docs/ordinal.md.

    python scripts/ordinal_parity.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_ordinal import CASES as ORDINAL, REF, _matrix  # noqa: E402
from test_robust_ml import CASES as ROBUST  # noqa: E402

import edu40  # noqa: E402

GROUPS = {"chi-square (chisq, chisq.scaled, baseline), relative": ["chisq", "chisq.scaled", "baseline.chisq",
                                                          "baseline.chisq.scaled"],
          "scaling factor, shift": ["chisq.scaling.factor", "chisq.shift.parameter"],
          "CFI, TLI (standard, scaled)": ["cfi", "tli", "cfi.scaled", "tli.scaled"],
          "CFI, TLI (robust)": ["cfi.robust", "tli.robust"],
          "RMSEA (standard, scaled, robust) and CIs": [k for k in REF["hs_wlsmv"]["fit"] if k.startswith("rmsea")
                                                       and "notclose" not in k and "close.h0" not in k
                                                       and "level" not in k],
          "SRMR, RMR, GFI": ["srmr", "rmr", "gfi", "agfi"]}


def table_max(ref_rows, ours, col, groups):
    ref = pd.DataFrame(ref_rows)
    ref["rhs"] = ref["rhs"].fillna("")
    keys = ["lhs", "op", "rhs"]
    if "group" in ref.columns and groups is not None:
        ref["group"] = [groups[int(g) - 1] for g in ref["group"]]
        keys.append("group")
    m = ref.merge(ours, on=keys, suffixes=("_r", ""))
    return float(np.nanmax(np.abs(m[col + "_r"] - m[col]))), float(np.nanmax(np.abs(m["se_r"] - m["se"])))


def main():
    rows = {}
    for family, cases in (("ordinal", ORDINAL), ("robust ML", ROBUST)):
        for name, make in cases.items():
            res = make()
            ref = REF[name]
            groups = res._spec.group_labels if len(res._model.groups) > 1 else None
            fi = res.fit_indices
            for label, keys in GROUPS.items():
                rel = label.endswith("relative")
                d = [abs(fi[k] - ref["fit"][k]) / (max(1.0, abs(ref["fit"][k])) if rel else 1.0)
                     for k in keys if k in fi.index and ref["fit"].get(k) is not None and np.isfinite(fi[k])]
                if d:
                    rows.setdefault((family, label), []).append(max(d))
            est, se = table_max(ref["estimates"], res.estimates, "est", groups)
            std, std_se = table_max(ref["standardized"], res.standardized, "est.std", groups)
            for label, value in (("estimates", est), ("standard errors", se), ("std.all", std),
                                 ("std.all SEs", std_se)):
                rows.setdefault((family, label), []).append(value)
    poly = [np.abs(edu40.polychoric(*args, **kw).correlation.to_numpy() - _matrix(key)).max()
            for key, args, kw in [
                ("poly_hs", (ORDINAL_DATA["hs"], [f"x{i}" for i in range(1, 10)]), {}),
                ("poly_em40", (ORDINAL_DATA["em"], edu40.EM40.item_codes), {}),
                ("poly_bfi", (ORDINAL_DATA["bfi"], list(ORDINAL_DATA["bfi"].columns[:25])), {}),
                ("poly_bfi_pairwise", (ORDINAL_DATA["bfi"], list(ORDINAL_DATA["bfi"].columns[:25])),
                 {"missing": "pairwise"})]]
    rows[("polychoric", "correlations vs lavCor")] = poly
    print("| estimator family | quantity | cases | max \\|edu40 − lavaan\\| |")
    print("| --- | --- | --- | --- |")
    for (family, label), values in rows.items():
        print(f"| {family} | {label} | {len(values)} | {max(values):.1e} |")


if __name__ == "__main__":
    from test_ordinal import BFI, EM, HSO
    ORDINAL_DATA = {"hs": HSO, "em": EM, "bfi": BFI}
    main()
