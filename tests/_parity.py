"""Shared comparison of an edu40 fit with a stored lavaan fit (tests/reference/*.json)."""
import numpy as np
import pandas as pd


def fit_measure_diffs(res, ref_fit, names=None):
    """|ours - lavaan| for every fit measure both give (lavaan NA must be ours NaN too)."""
    fi = res.fit_indices
    out = {}
    for key, value in ref_fit.items():
        if key not in fi.index or (names is not None and key not in names):
            continue
        if value is None:
            assert not np.isfinite(fi[key]), f"{key}: lavaan gives NA, edu40 {fi[key]}"
            continue
        assert np.isfinite(fi[key]), f"{key}: lavaan gives {value}, edu40 NaN"
        out[key] = abs(float(fi[key]) - value)
    return out


def table_diffs(ref_rows, ours, col, group_labels=None):
    """Max |d est| and |d se| over lavaan's rows; every lavaan row must be found in ours."""
    ref = pd.DataFrame(ref_rows)
    ref["rhs"] = ref["rhs"].fillna("")
    keys = ["lhs", "op", "rhs"]
    if "group" in ref.columns and group_labels is not None:
        ref["group"] = [group_labels[int(g) - 1] for g in ref["group"]]
        keys.append("group")
    merged = ref.merge(ours, on=keys, suffixes=("_r", ""), how="left", validate="one_to_one")
    d_est = np.abs(merged[col + "_r"].astype(float) - merged[col])
    d_se = np.abs(merged["se_r"].astype(float) - merged["se"])
    missing = merged[merged[col].isna() & merged[col + "_r"].notna()]
    assert missing.empty, f"rows lavaan gives and edu40 does not:\n{missing[keys]}"
    return float(d_est.max()), float(d_se.max())
