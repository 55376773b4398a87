"""describe() and frequencies(): psych::describe(type = 2) parity, Likert levels, ranks, frequency tables."""
import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import LikertScale, StatsInputError, describe, frequencies

TOL = 1e-4
FACTORS = ["EFF", "ACL", "ATM", "QMG", "HRM", "IQA"]

R = {
    # sv <- read.csv("data/sample/em40_survey.csv"); sv$F_<f> <- rowMeans(items of f, na.rm = TRUE)
    # d <- psych::describe(sv[, c(paste0("ACL", 1:10), paste0("F_", c("EFF","ACL","ATM","QMG","HRM","IQA")))],
    #                      type = 2)
    #        vars   n mean   sd median trimmed  mad min max range  skew kurtosis   se
    #   ACL1    1 772 3.77 1.00      4    3.87 1.48   1   5     4 -0.63     0.09 0.04
    #   ACL2    2 771 4.05 0.92      4    4.15 1.48   1   5     4 -0.86     0.47 0.03
    # d$mean, d$sd, d$skew, d$kurtosis, d$n
    "sv_describe_mean": [3.76943005181347, 4.04798962386511, 3.81088082901554, 3.96891191709845,
        4.00129701686122, 4.12564766839378, 3.76943005181347, 3.75388601036269, 4.14507772020725,
        4.00647668393782, 3.97810880829016, 3.9400546919977, 3.99568221070812, 3.89711324944486,
        4.02256044905009, 3.87940414507772],
    "sv_describe_sd": [0.998675224445175, 0.918231207562424, 0.961238798262116, 0.969879641409276,
        0.93766683570621, 0.905962506107101, 1.0051479356457, 0.993649316882079, 0.91091614160615,
        0.95214115768139, 0.865435317826548, 0.884333378256181, 0.877013502093107, 0.848601204643307,
        0.849287499213898, 0.902254364865719],
    "sv_describe_skew": [-0.630120298924529, -0.862025695453246, -0.563101415894454, -0.810073174874438,
        -0.78912142893666, -0.932227898028, -0.601484980355915, -0.541374693395492, -0.98201851678518,
        -0.781240840603714, -0.787153581681125, -0.82014732410909, -0.751236051221959, -0.650585853826626,
        -0.72365645692315, -0.623012525269515],
    "sv_describe_kurt": [0.0914186451504939, 0.472462091880821, 0.0124907940157581, 0.290121833639125,
        0.312949222079756, 0.529036702328857, -0.040601480268049, -0.171142142572386, 0.690580015458711,
        0.201411896748698, 0.178191166749763, 0.408266130647458, 0.0773951405593793, 0.208203886562369,
        0.0422391043089605, -0.277847301592337],
    "sv_describe_n": [772, 771, 772, 772, 771, 772, 772, 772, 772, 772, 772, 772, 772, 772, 772, 772],
    # d <- psych::describe(HolzingerSwineford1939[, paste0("x", 1:9)], type = 2); d$skew; d$kurtosis
    "hs_describe_skew": [-0.256900315979508, 0.474798314445882, 0.387280818573798, 0.270173490765682,
        -0.353309651449624, 0.866566327883939, 0.251590069858447, 0.530534004408918, 0.205918674188126],
    "hs_describe_kurt": [0.35536401527782, 0.380810920293652, -0.888374400023841, 0.122589632514555,
        -0.52500629362, 0.876401455055404, -0.274087575312266, 1.23977868474415, 0.33732208877925],
}


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


def test_survey_items_and_factors_match_psych_describe_type2(survey):
    t = describe(survey, lang="en").set_index("variable")
    rows = t.loc[[f"ACL{i}" for i in range(1, 11)] + FACTORS]
    assert maxdiff(rows["mean"], R["sv_describe_mean"]) < TOL
    assert maxdiff(rows["sd"], R["sv_describe_sd"]) < TOL
    assert maxdiff(rows["skewness"], R["sv_describe_skew"]) < TOL
    assert maxdiff(rows["kurtosis"], R["sv_describe_kurt"]) < TOL
    assert list(rows["n"]) == R["sv_describe_n"]


def test_dataframe_matches_psych_describe_type2():
    t = describe(holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]])
    assert maxdiff(t["skewness"], R["hs_describe_skew"]) < TOL
    assert maxdiff(t["kurtosis"], R["hs_describe_kurt"]) < TOL
    assert "level" not in t.columns and set(t["kind"]) == {"item"} and t["factor"].isna().all()


def test_layout_factor_scores_levels_and_ranks(survey):
    t = describe(survey, lang="en")
    assert list(t.columns) == ["variable", "label", "kind", "factor", "n", "missing", "mean", "sd", "min", "max",
                               "skewness", "kurtosis", "level", "rank"]
    assert list(t["variable"][:7]) == FACTORS + ["overall"] and len(t) == 6 + 1 + 42
    scores = survey.factor_scores()
    fac = t[t.kind == "factor"].set_index("variable")
    assert np.allclose(fac["mean"], scores.mean()[FACTORS]) and np.allclose(fac["sd"], scores.std()[FACTORS])
    overall = t[t.kind == "total"].iloc[0]
    assert overall["mean"] == pytest.approx(survey.items.mean(axis=1).mean()) and pd.isna(overall["rank"])
    assert (t["level"] == [survey.scale.level(m, "en") for m in t["mean"]]).all()
    # rank 1 = highest mean, items within their factor, factors among factors
    assert sorted(fac["rank"]) == [1, 2, 3, 4, 5, 6]
    assert fac["rank"].idxmin() == fac["mean"].idxmax()
    items = t[t.kind == "item"]
    for f, grp in items.groupby("factor"):
        expected = grp["mean"].rank(ascending=False, method="min").astype(int)
        assert list(grp["rank"]) == list(expected), f
    assert items.set_index("variable").loc["EFF2", "missing"] == 1
    th = describe(survey, lang="th")
    assert th.loc[0, "label"] == survey.instrument.label("EFF", "th") and th.loc[0, "level"] == "มาก"
    assert th.loc[6, "label"] == "ภาพรวม"


def test_levels_follow_the_printed_two_decimal_mean():
    # means 4.505 (prints 4.51: highest), 4.50 (high), 1.50 (lowest), 2.51 (moderate)
    frame = pd.DataFrame({"a": [4.505] * 4, "b": [4.5] * 4, "c": [1.5] * 4, "d": [2.51] * 4})
    t = describe(frame, scale=5, shape=False, lang="en")
    assert list(t["level"]) == ["highest", "high", "lowest", "moderate"]
    assert list(t["rank"]) == [1, 2, 4, 3] and (t["sd"] == 0).all()
    assert list(describe(frame, scale=LikertScale(5), shape=False, lang="th")["level"]) == [
        "มากที่สุด", "มาก", "น้อยที่สุด", "ปานกลาง"]


def test_by_group(survey):
    t = describe(survey, by="role", lang="en")
    assert t.columns[0] == "group" and list(dict.fromkeys(t["group"])) == ["deputy_director", "director", "teacher"]
    acl = t[t.variable == "ACL"].set_index("group")
    scores = survey.factor_scores()["ACL"]
    for role, row in acl.iterrows():
        assert row["n"] == (survey.data["role"] == role).sum()
        assert row["mean"] == pytest.approx(scores[survey.data["role"] == role].mean())
    frame = survey.items[["EFF1", "EFF2"]].assign(role=survey.data["role"])
    plain = describe(frame, by="role")
    assert set(plain["variable"]) == {"EFF1", "EFF2"} and len(plain) == 6


def test_frequencies_of_items_show_every_scale_point_and_missing(survey):
    f = frequencies(survey, lang="en")
    eff2 = f[f.variable == "EFF2"]
    assert list(eff2["value"][:5]) == [1, 2, 3, 4, 5] and list(eff2["label"][:5]) == list(LikertScale(5).labels_en)
    counts = survey.items["EFF2"].value_counts()
    assert list(eff2["count"][:5]) == [counts.get(v, 0) for v in range(1, 6)]
    missing = eff2.iloc[5]
    assert pd.isna(missing["value"]) and missing["label"] == "missing" and missing["count"] == 1
    assert eff2["missing"].tolist() == [False] * 5 + [True]
    assert eff2["count"].sum() == 772 and eff2["percent"].sum() == pytest.approx(100)
    assert eff2["valid_percent"][:5].sum() == pytest.approx(100) and eff2["cumulative_percent"].iloc[4] == pytest.approx(100)
    assert eff2["valid_percent"].iloc[0] == pytest.approx(eff2["count"].iloc[0] / 771 * 100)
    assert len(f) == 42 * 6
    assert frequencies(survey, lang="th").loc[5, "label"] == "ไม่ตอบ (สูญหาย)"


def test_frequencies_columns_have_one_type_each(survey):
    """Scale points are numbers in ``value``, words in ``label``: no column mixes numbers and text."""
    f = frequencies(survey, ["role", "EFF1", "years_experience"], lang="th")
    assert str(f["value"].dtype) == "Int64"
    assert pd.api.types.is_string_dtype(f["label"]) and f["label"].map(type).eq(str).all()
    assert f["missing"].dtype == bool and f["count"].dtype == "int64"
    role = f[f.variable == "role"]
    assert role["value"].isna().all()                         # text answers have no number
    assert role["label"].tolist() == ["deputy_director", "director", "teacher", "ไม่ตอบ (สูญหาย)"]
    eff1 = f[f.variable == "EFF1"]
    assert eff1["value"].tolist()[:5] == [1, 2, 3, 4, 5]
    assert eff1["label"].tolist()[:5] == ["น้อยที่สุด", "น้อย", "ปานกลาง", "มาก", "มากที่สุด"]
    years = f[(f.variable == "years_experience") & ~f["missing"]]
    assert years["label"].tolist() == [str(v) for v in years["value"]]
    halves = frequencies(pd.Series([1.5, 2, np.nan], name="q"))
    assert halves["value"].dtype == float and halves["value"].tolist()[:2] == [1.5, 2.0]
    assert halves["label"].tolist() == ["1.5", "2", "missing"]
    # every renderer prints the numbers as numbers and the words as words
    from edu40.core.blocks import table
    from edu40.report import to_markdown
    md = to_markdown([table(f[f.variable == "EFF1"], "EFF1")], lang="th")
    assert "| EFF1 | 1 | น้อยที่สุด | no |" in md.replace("ไม่ใช่", "no")


def test_frequencies_of_demographics_and_plain_columns(survey):
    f = frequencies(survey, ["role", "region"], lang="en")
    role = f[f.variable == "role"]
    assert list(role["label"][:3]) == ["deputy_director", "director", "teacher"]
    assert list(role["count"][:3]) == [int((survey.data.role == r).sum()) for r in role["label"][:3]]
    cat = pd.DataFrame({"size": pd.Categorical(["small", "large", None, "small"], categories=["small", "medium", "large"])})
    t = frequencies(cat)
    assert list(t["label"][:3]) == ["small", "medium", "large"] and list(t["count"]) == [2, 0, 1, 1]
    nums = frequencies(pd.Series([3, 1, 3, np.nan], name="q"))
    assert list(nums["value"][:2]) == [1, 3] and list(nums["count"]) == [1, 2, 1]
    with pytest.raises(StatsInputError, match="value 7, which is not a point"):
        frequencies(pd.DataFrame({"q": [1, 7, 3]}), scale=5)


def test_bad_input():
    with pytest.raises(StatsInputError, match="column 'b': only 2 answer"):
        describe(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, np.nan, np.nan]}))
    with pytest.raises(StatsInputError, match="column 'a': every answer is 3"):
        describe(pd.DataFrame({"a": [3, 3, 3, 3]}))
    assert describe(pd.DataFrame({"a": [3, 3, 3, 3]}), shape=False).loc[0, "sd"] == 0
    with pytest.raises(StatsInputError, match="needs at least 4"):
        describe(pd.DataFrame({"a": [1, 2, 3]}))
    with pytest.raises(StatsInputError, match="'b' has no answers|column 'b': no answers"):
        describe(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [np.nan] * 4}))
    with pytest.raises(StatsInputError, match="'who' is not numeric"):
        describe(pd.DataFrame({"a": [1.0, 2, 3, 4], "who": list("abcd")}))
    with pytest.raises(StatsInputError, match="group role='x'"):
        describe(pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "role": ["x", "x", "y", "y", "y", "y"]}), by="role")
    with pytest.raises(StatsInputError, match="by='nope'"):
        describe(edu40.datasets.load_em40_survey(), by="nope")


def test_survey_columns_select_rows(survey):
    t = describe(survey, columns=["ACL", "ACL1", "overall"], lang="en")
    assert list(t["variable"]) == ["ACL", "overall", "ACL1"]
    full = describe(survey, lang="en").set_index("variable")
    assert t.set_index("variable").loc["ACL1", "mean"] == full.loc["ACL1", "mean"]
    with pytest.raises(StatsInputError, match=r"\['ACL11'\] are neither items nor factors"):
        describe(survey, columns=["ACL11"])


def test_listwise_uses_only_complete_respondents(survey):
    t = describe(survey, nan_policy="listwise").set_index("variable")
    complete = survey.items.dropna()
    assert len(complete) == 764
    assert (t["n"] == 764).all() and (t["missing"] == 0).all()
    assert t.loc["EFF2", "mean"] == pytest.approx(complete["EFF2"].mean())
    assert t.loc["EFF", "mean"] == pytest.approx(survey.factor_scores().loc[complete.index, "EFF"].mean())
    by = describe(survey, by="role", nan_policy="listwise")
    assert by[by.variable == "overall"]["n"].sum() == 764
    with pytest.raises(ValueError, match="nan_policy"):
        describe(survey, nan_policy="complete")
