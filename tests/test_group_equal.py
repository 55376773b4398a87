"""What ``group_equal`` frees by itself in groups 2, 3 ..., as lavaan 0.6-14 (lav_partable_flat) does.

Reference values: tests/reference/group_equal_reference.json, written by
``Rscript tests/reference/make_group_equal_reference.R`` (each case stores its R call): factor means
when intercepts or thresholds are equal (unless means are too), factor variances with std.lv and
equal loadings (unless lv.variances are equal too), and the scales of ordered variables when
thresholds are equal.
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference" / "group_equal_reference.json").read_text())
HSO = pd.read_csv(HERE / "data" / "hs_ordered.csv")
HS = holzinger39.get_data()
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
CASES = [k for k in REF if k != "versions"]


@pytest.mark.parametrize("case", CASES)
def test_group_equal_frees_what_lavaan_frees(case):
    cs = REF[case]
    kwargs = dict(group="school", group_equal=tuple(cs["group_equal"]), std_lv=cs["std_lv"][0])
    res = (edu40.fit(MODEL, HSO, ordered=[f"x{i}" for i in range(1, 10)], **kwargs) if cs["ordered"][0]
           else edu40.fit(MODEL, HS, **kwargs))
    fi = res.fit_indices
    assert int(fi["npar"]) == cs["fit"]["npar"][0] and int(fi["df"]) == cs["fit"]["df"][0]
    for key in ("chisq", "cfi", "rmsea", "srmr"):
        assert fi[key] == pytest.approx(cs["fit"][key][0], rel=1e-6, abs=1e-7), key
    ref = pd.DataFrame(cs["estimates"])
    labels = {lab: i + 1 for i, lab in enumerate(res._spec.group_labels)}
    ours = res.estimates.copy()
    if not pd.api.types.is_numeric_dtype(ours["group"]):
        ours["group"] = ours["group"].map(labels)
    both = ours.merge(ref, on=["lhs", "op", "rhs", "group"], suffixes=("", "_r"))
    assert len(both) == len(ref)
    assert np.allclose(both["est"], both["est_r"], atol=1e-4)
    free = both["se_r"] > 0
    assert np.allclose(both.loc[free, "se"], both.loc[free, "se_r"], atol=1e-4)
    assert ((both["se_r"] > 0) == (both["se"].fillna(0) > 0)).all()    # the same parameters are free
