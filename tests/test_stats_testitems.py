"""KR-20/KR-21, item difficulty and discrimination, IOC: hand computations and psych::alpha."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import edu40
from edu40 import StatsInputError, cronbach_alpha, ioc, item_difficulty_discrimination, kr20, kr21

TOL = 1e-4

R = {
    # tr <- read.csv("data/sample/em40_training.csv")
    # psych::alpha(tr[, paste0("pre_K", sprintf("%02d", 1:25))])$total$raw_alpha           (KR-20 = alpha)
    # psych::alpha(na.omit(tr[, paste0("post_K", sprintf("%02d", 1:25))]))$total$raw_alpha
    "tr_kr20_pre": [0.77906690346965],
    "tr_kr20_post": [0.776633597288461],
}

# Six examinees, four items; worked by hand:
#   totals 4, 3, 2, 1, 3, 0: M = 13/6, variance (divisor n) = 39/6 - (13/6)^2 = 65/36
#   p = 5/6, 4/6, 2/6, 2/6: sum pq = (5 + 8 + 8 + 8)/36 = 29/36
#   KR-20 = 4/3 (1 - 29/65) = 48/65;  KR-21 = 4/3 (1 - (13/6)(11/6) / (4 * 65/36)) = 4/3 (1 - 143/260) = 0.6
SMALL = pd.DataFrame({"q1": [1, 1, 1, 1, 1, 0], "q2": [1, 1, 1, 0, 1, 0],
                      "q3": [1, 1, 0, 0, 0, 0], "q4": [1, 0, 0, 0, 1, 0]})


def test_kr20_kr21_by_hand():
    r20, r21 = kr20(SMALL), kr21(SMALL)
    assert r20.value == pytest.approx(48 / 65, abs=1e-12)
    assert r21.value == pytest.approx(0.6, abs=1e-12)
    assert (r20.n, r20.k, r20.mean, r20.variance) == (6, 4, pytest.approx(13 / 6), pytest.approx(65 / 36))
    assert r21.value <= r20.value
    assert r20.summary("en").startswith("KR-20 reliability = 0.738") and "ความเชื่อมั่น KR-21" in r21.summary("th")


def test_kr20_equals_alpha_and_psych_on_the_training_test():
    t = edu40.datasets.load_em40_training()
    pre, post = t.filter(like="pre_K"), t.filter(like="post_K")
    assert abs(kr20(pre).value - R["tr_kr20_pre"][0]) < TOL
    res = kr20(post)
    assert res.n == 82 and abs(res.value - R["tr_kr20_post"][0]) < TOL
    assert res.value == pytest.approx(cronbach_alpha(post).alpha, abs=1e-12)


def test_upper_lower_27_percent_by_hand():
    # n_g = round(.27 * 6) = 2; sorted by total (ties by row order): upper = rows 0, 1; lower = rows 5, 3
    d = item_difficulty_discrimination(SMALL, method="upper-lower", lang="en")
    assert list(d["difficulty"]) == pytest.approx([3 / 4, 2 / 4, 2 / 4, 1 / 4])
    assert list(d["discrimination"]) == pytest.approx([1 / 2, 1, 1, 1 / 2])
    assert list(d["decision"]) == ["keep"] * 4


def test_point_biserial_with_rest_or_total_score():
    d = item_difficulty_discrimination(SMALL, lang="en")
    total = SMALL.sum(axis=1)
    assert list(d["difficulty"]) == pytest.approx([5 / 6, 4 / 6, 2 / 6, 2 / 6])
    for j, col in enumerate(SMALL.columns):
        rest = stats.pointbiserialr(SMALL[col], total - SMALL[col]).statistic
        assert d.loc[j, "discrimination"] == pytest.approx(rest, abs=1e-12)
    whole = item_difficulty_discrimination(SMALL, corrected=False)
    assert whole.loc[0, "discrimination"] == pytest.approx(stats.pointbiserialr(SMALL["q1"], total).statistic)
    # q1 is answered by 5 of 6: p = .83 > .80, too easy -> revise
    assert d.loc[0, "difficulty_level"] == "too easy" and d.loc[0, "decision"] == "revise"
    th = item_difficulty_discrimination(SMALL, lang="th")
    assert th.loc[0, "difficulty_level"] == "ง่ายมาก" and th.loc[0, "decision"] == "ควรปรับปรุง"


def test_bands_on_the_training_test():
    t = edu40.datasets.load_em40_training()
    d = item_difficulty_discrimination(t.filter(like="pre_K"), lang="en")
    assert len(d) == 25 and (d["n"] == 84).all()
    ok = d["difficulty"].between(0.20, 0.80) & (d["discrimination"] >= 0.20)
    assert list(d["decision"] == "keep") == list(ok)
    assert set(d.loc[d["difficulty"] > 0.80, "difficulty_level"]) <= {"too easy"}
    ul = item_difficulty_discrimination(t.filter(like="pre_K"), method="upper-lower", fraction=0.25)
    ng = 21                                                  # round(.25 * 84)
    assert ((ul["discrimination"] * ng).round(9) % 1 == 0).all()


def test_ioc_by_hand():
    ratings = pd.DataFrame({"item": ["Q1", "Q2", "Q3", "Q4"], "e1": [1, 1, 0, 1], "e2": [1, 1, -1, 0],
                            "e3": [1, 0, 0, 0], "e4": [1, 0, 0, -1]})
    t = ioc(ratings, item="item", lang="en")
    assert list(t["item"]) == ["Q1", "Q2", "Q3", "Q4"] and (t["n_experts"] == 4).all()
    assert list(t["ioc"]) == [1.0, 0.5, -0.25, 0.0]
    assert list(t["decision"]) == ["keep", "keep", "revise", "revise"]   # .50 is kept
    assert list(ioc(ratings.set_index("item"), lang="th")["decision"]) == ["ใช้ได้", "ใช้ได้", "ควรปรับปรุง", "ควรปรับปรุง"]


def test_bad_input():
    with pytest.raises(StatsInputError, match="column 'q2' has value 2"):
        kr20(SMALL.assign(q2=[1, 2, 0, 0, 1, 0]))
    with pytest.raises(StatsInputError, match="at least 2 items"):
        kr21(SMALL[["q1"]])
    with pytest.raises(StatsInputError, match="same total score"):
        kr20(pd.DataFrame({"a": [1, 1, 1], "b": [0, 0, 0]}))
    with pytest.raises(StatsInputError, match=r"\['q1'\] were answered the same"):
        item_difficulty_discrimination(SMALL.assign(q1=1))
    assert item_difficulty_discrimination(SMALL.assign(q1=1), method="upper-lower").loc[0, "discrimination"] == 0
    with pytest.raises(StatsInputError, match="2 examinee"):
        kr20(pd.DataFrame({"a": [1, 0, np.nan, 1], "b": [0, 1, 1, np.nan]}))
    with pytest.raises(ValueError, match="method"):
        item_difficulty_discrimination(SMALL, method="biserial")
    with pytest.raises(StatsInputError, match="expert 'e2' rated item 'Q2' as 2"):
        ioc(pd.DataFrame({"e1": [1, 1], "e2": [0, 2]}, index=["Q1", "Q2"]))
    with pytest.raises(StatsInputError, match="expert 'e1' did not rate item 'Q2'"):
        ioc(pd.DataFrame({"e1": [1, None], "e2": [0, 1]}, index=["Q1", "Q2"]))
    with pytest.raises(StatsInputError, match="at least 2 experts"):
        ioc(pd.DataFrame({"e1": [1, 0]}))
