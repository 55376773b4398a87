"""Pre/post training comparison against R 4.2.2 and hand computations.

Every number in ``R`` was printed by ``tests/r/prepost_reference.R`` (transcript in
``tests/r/prepost_reference.Rout``); the R call is written above each entry.  The effect sizes are
computed in R by hand from Lakens (2013), eq. 4, 6 and 10, with noncentral-t limits found by
``uniroot`` on ``pt(t, df, ncp)`` (effectsize/MBESS are not installed on the reference machine).
"""
import ast
import doctest
import importlib
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import edu40
from edu40 import PrePostInputError, prepost
from edu40.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "em40_training.csv"
TOL = 1e-4
PRE_ITEMS = [f"pre_K{j:02d}" for j in range(1, 26)]
POST_ITEMS = [f"post_K{j:02d}" for j in range(1, 26)]
SAT = [f"SAT{j}" for j in range(1, 9)]

# R's `sleep` data (Cushny & Peebles 1905, Student 1908): extra sleep of 10 patients under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

R = {
    # a <- sleep$extra[sleep$group == 1]; b <- sleep$extra[sleep$group == 2]
    # p <- t.test(b, a, paired = TRUE); c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate, p$stderr)
    #   t = 4.062127683382, df = 9, p-value = 0.00283289019738
    #   95 percent confidence interval: 0.700114236723018 2.459885763276982; mean difference 1.58
    "sleep_paired": [4.06212768338204, 9, 0.00283289019738427, 0.700114236723018, 2.45988576327698, 1.58,
                     0.388958723888395],
    # effects(a, b): d_z, its 95% limits, d_av, g_av, its 95% limits (see the R script)
    "sleep_effects": [1.28455756259105, 0.414627756380144, 2.11801651397707, 0.833496341312704, 0.79827818604597,
                      0.257667155514481, 1.31622469092207],
    # effects(a, b, 0.90)
    "sleep_effects90": [1.28455756259105, 0.544639765922368, 1.97461534511487, 0.833496341312704,
                        0.79827818604597, 0.338462095472028, 1.22710916329614],
    # shapiro.test(b - a); wilcox.test(b, a, paired = TRUE): W, p, V, p
    "sleep_shapiro_wilcoxon": [0.829871331928794, 0.0333416086303078, 45, 0.00909069801592506],
    # m1 <- c(9, 7, 8, 9, 8, 9, 9, 10, 9, 9); m2 <- c(9, 6, 7, 8, 7, 9, 8, 8, 8, 7)
    # t.test(m1, m2, paired = TRUE): t = 4.74341649025257, df = 9; effects(m2, m1)
    "movie_paired": [4.74341649025257, 9, 0.00105387125701655],
    "movie_effects": [1.5, 0.560514150237974, 2.40343618699161, 1.12869626131754, 1.08100486999427,
                      0.403945684071965, 1.73208414857225],
    # tr <- read.csv("data/sample/em40_training.csv"); ps <- rowSums(pre items); qs <- rowSums(post items)
    # keep <- !is.na(ps) & !is.na(qs)   (excluded: T009 T065); x <- ps[keep]; y <- qs[keep]
    # t.test(y, x, paired = TRUE): t = 13.26950039015, df = 81, p-value < 2.2e-16
    "tr_paired": [13.2695003901462, 81, 5.15303468136818e-22, 4.28137795602504, 5.79179277568228,
                  5.03658536585366],
    "tr_effects": [1.46537117833462, 1.15069718490978, 1.7755005768264, 1.20542858347016, 1.19983927010013,
                   0.942185632460386, 1.45377181403474],
    # shapiro.test(y - x); wilcox.test(y, x, paired = TRUE)
    "tr_shapiro_wilcoxon": [0.97107484166322, 0.0606541180955694, 2904, 8.1902382289442e-14],
    # (sum(y) - sum(x)) / (n * 25 - sum(x)); (mean(y)/25 - mean(x)/25) / (1 - mean(x)/25);
    # mean(ifelse(x < 25, (y - x) / (25 - x), NA), na.rm = TRUE); number undefined
    "tr_ei_gclass_gmean_nundef": [0.524777636594663, 0.524777636594663, 0.520913122180537, 2],
    # 100 * mean(tr$process_score[keep]) / 50; 100 * mean(y) / 25
    "tr_e1_e2": [84.609756097561, 81.7560975609756],
    # psych::alpha(pre_items[keep, ])$total$raw_alpha; the same for the post items
    "tr_kr20_pre_post": [0.783788561982269, 0.776633597288461],
    # sat <- rowMeans(tr[keep, paste0("SAT", 1:8)], na.rm = TRUE); c(mean(sat), sd(sat)); colMeans(...)
    "tr_sat_mean_sd": [4.56707317073171, 0.512270394950664],
    "tr_sat_item_means": [4.45121951219512, 4.53658536585366, 4.58536585365854, 4.57317073170732,
                          4.5609756097561, 4.67073170731707, 4.59756097560976, 4.5609756097561],
    # cor.test(y, sat): r, p, conf.int;  cor.test(y - x, sat);  cor.test(y, sat, method = "spearman", exact = FALSE)
    "tr_cor_post_sat": [0.365331599499007, 0.000738454729388126, 0.161096101744805, 0.539562451423894],
    "tr_cor_gain_sat": [0.0257596745902574, 0.818308709793051, -0.192322540631151, 0.241417269980135],
    "tr_spearman_post_sat": [0.394092458835975, 0.000248982380141886],
}

ES_KEYS = ["cohen_dz", "dz_ci_low", "dz_ci_high", "cohen_dav", "hedges_gav", "gav_ci_low", "gav_ci_high"]


def close(a, b, tol=TOL):
    return abs(a - b) <= tol * max(1.0, abs(b))


@pytest.fixture(scope="module")
def sample():
    return edu40.datasets.load_em40_training()


@pytest.fixture(scope="module")
def report():
    return prepost(SAMPLE, pre="pre_K*", post="post_K*", id="participant_id",
                   satisfaction=edu40.datasets.TRAINING_SATISFACTION, process="process_score", process_full=50)


# ---------------------------------------------------------------------------
# R parity: the paired test and the effect sizes
# ---------------------------------------------------------------------------
def test_paired_test_equals_r_on_sleep():
    # prepost checks that scores lie in 0..full, so the sleep data are shifted by +2 (hours of extra
    # sleep can be negative).  A common shift changes no paired statistic: t, df, p, the interval
    # of the difference, d_z and g_av are those of R on the raw data.
    frame = pd.DataFrame({"pre": np.array(SLEEP_1) + 2, "post": np.array(SLEEP_2) + 2})
    rep = prepost(frame, "pre", "post", full_score=10)
    t, df, p, lo, hi, est, se = R["sleep_paired"]
    assert close(rep.test.t, t) and rep.test.df == df and close(rep.test.p, p)
    assert close(rep.test.ci_low, lo) and close(rep.test.ci_high, hi)
    assert close(rep.test.diff, est) and close(rep.test.se, se)
    for key, ref in zip(ES_KEYS, R["sleep_effects"]):
        assert close(getattr(rep.test, key), ref), key
    W, sp, V, wp = R["sleep_shapiro_wilcoxon"]
    assert close(rep.test.shapiro_W, W) and close(rep.test.shapiro_p, sp)
    assert rep.test.wilcoxon_V == V and close(rep.test.wilcoxon_p, wp)
    # and the plain functions on the raw (negative) data
    res = edu40.paired_ttest(SLEEP_1, SLEEP_2)
    assert close(res.t, t) and close(res.p, p)
    es = edu40.paired_effect_sizes(SLEEP_1, SLEEP_2)
    for key, ref in zip(ES_KEYS, R["sleep_effects"]):
        assert close(es[key], ref), key


def test_effect_size_intervals_at_90_percent_and_a_second_example():
    es = edu40.paired_effect_sizes(SLEEP_1, SLEEP_2, confidence=0.90)
    for key, ref in zip(ES_KEYS, R["sleep_effects90"]):
        assert close(es[key], ref), key
    m1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    m2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    es = edu40.paired_effect_sizes(m2, m1)
    for key, ref in zip(ES_KEYS, R["movie_effects"]):
        assert close(es[key], ref), key
    assert close(edu40.paired_ttest(m2, m1).t, R["movie_paired"][0])


def test_effect_sizes_follow_lakens_formulas():
    x, y = np.array(SLEEP_1), np.array(SLEEP_2)
    d = y - x
    n = len(d)
    es = edu40.paired_effect_sizes(x, y)
    t = edu40.paired_ttest(x, y).t
    # Lakens (2013) eq. 6-7: d_z = M_D / S_D = t / sqrt(n)
    assert math.isclose(es["cohen_dz"], d.mean() / d.std(ddof=1), rel_tol=1e-12)
    assert math.isclose(es["cohen_dz"], t / math.sqrt(n), rel_tol=1e-12)
    # eq. 10: d_av = M_D / ((S1 + S2) / 2); eq. 4 with n1 = n2 = n: J = 1 - 3 / (4 (2n) - 9)
    d_av = d.mean() / ((x.std(ddof=1) + y.std(ddof=1)) / 2)
    assert math.isclose(es["cohen_dav"], d_av, rel_tol=1e-12)
    assert math.isclose(es["hedges_gav"], d_av * (1 - 3 / (8 * n - 9)), rel_tol=1e-12)
    # the g_av interval is the d_z interval rescaled by J * S_D / S_av (Algina & Keselman's construction)
    ratio = (1 - 3 / (8 * n - 9)) * d.std(ddof=1) / ((x.std(ddof=1) + y.std(ddof=1)) / 2)
    assert math.isclose(es["gav_ci_low"], es["dz_ci_low"] * ratio, rel_tol=1e-10)
    assert math.isclose(es["gav_ci_high"], es["dz_ci_high"] * ratio, rel_tol=1e-10)
    # the d_z limits make the observed t the 97.5th and 2.5th percentile of the noncentral t
    from scipy import stats
    assert math.isclose(stats.nct.cdf(t, n - 1, es["dz_ci_low"] * math.sqrt(n)), 0.975, abs_tol=1e-9)
    assert math.isclose(stats.nct.cdf(t, n - 1, es["dz_ci_high"] * math.sqrt(n)), 0.025, abs_tol=1e-9)


# ---------------------------------------------------------------------------
# Hand computations: E.I., normalized gain, KR-20, E1/E2
# ---------------------------------------------------------------------------
# 5 participants, 4 items.  Pre totals 3, 2, 1, 4, 0; post totals 4, 3, 2, 4, 1.
HAND_PRE = np.array([[1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]])
HAND_POST = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]])


def hand_frame():
    f = pd.DataFrame(HAND_PRE, columns=["a1", "a2", "a3", "a4"])
    f[["b1", "b2", "b3", "b4"]] = HAND_POST
    f.insert(0, "pid", ["P1", "P2", "P3", "P4", "P5"])
    f["work"] = [9, 8, 7, 10, 6]   # process score out of 10
    return f


def test_indices_by_hand():
    rep = prepost(hand_frame(), ["a1", "a2", "a3", "a4"], "b1:b4", id="pid", process="work", process_full=10)
    assert rep.full_score == 4 and rep.n == 5
    # E.I. = (sum post - sum pre) / (N x full - sum pre) = (14 - 10) / (5 x 4 - 10) = 0.4
    assert math.isclose(float(rep.effectiveness_index), 0.4, rel_tol=1e-12)
    assert rep.effectiveness_index.sum_pre == 10 and rep.effectiveness_index.sum_post == 14
    assert not rep.effectiveness_index.meets_criterion            # 0.40 < 0.50
    # Hake: <g> = (%post - %pre) / (100 - %pre) = (70 - 50) / (100 - 50) = 0.4 -- the same number as E.I.
    assert math.isclose(rep.normalized_gain.class_average, 0.4, rel_tol=1e-12)
    # g_i = (post - pre) / (4 - pre): 1/1, 1/2, 1/3, undefined (pre already 4), 1/4
    g = rep.scores["g"].to_numpy()
    np.testing.assert_allclose(g[[0, 1, 2, 4]], [1, 0.5, 1 / 3, 0.25], rtol=1e-12)
    assert np.isnan(g[3]) and rep.normalized_gain.n_undefined == 1
    assert math.isclose(rep.normalized_gain.mean_individual, (1 + 0.5 + 1 / 3 + 0.25) / 4, rel_tol=1e-12)
    assert rep.normalized_gain.level("en") == "medium" and rep.normalized_gain.level("th") == "ปานกลาง"
    # KR-20 pre: p = .8 .6 .4 .2, sum pq = .80; totals 3 2 1 4 0, variance (divisor n) 2.0
    #   KR-20 = 4/3 (1 - .80 / 2.0) = 0.8
    assert math.isclose(rep.quality.kr20_pre.value, 0.8, rel_tol=1e-12)
    # KR-20 post: p = 1 .8 .6 .4, sum pq = .64; totals 4 3 2 4 1, variance 1.36
    #   KR-20 = 4/3 (1 - .64 / 1.36) = 0.70588...
    assert math.isclose(rep.quality.kr20_post.value, 4 / 3 * (1 - 0.64 / 1.36), rel_tol=1e-12)
    # b1 was answered correctly by everyone: difficulty 1, discrimination undefined, and said so
    b1 = rep.quality.items.query("item == 'b1'").iloc[0]
    assert b1["difficulty"] == 1 and np.isnan(b1["discrimination"]) and b1["decision"] == "revise"
    assert any("b1" in en for en, th in rep.notes)
    assert list(rep.quality.items["item"]) == ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"]
    # E1 = 100 x mean(9, 8, 7, 10, 6) / 10 = 80; E2 = 100 x mean(4, 3, 2, 4, 1) / 4 = 70
    assert math.isclose(rep.efficiency.e1, 80.0) and math.isclose(rep.efficiency.e2, 70.0)
    assert not rep.efficiency.meets_criterion
    assert rep.efficiency.criterion == "80/80"
    assert prepost(hand_frame(), "a1:a4", "b1:b4", process="work", process_full=10,
                   criterion=(75, 70)).efficiency.meets_criterion


def test_index_functions_by_hand():
    pre, post = [10, 12, 8, 20], [18, 20, 12, 20]
    # (70 - 50) / (4 x 20 - 50) = 2/3
    assert math.isclose(edu40.effectiveness_index(pre, post, 20), 2 / 3, rel_tol=1e-12)
    assert math.isclose(edu40.normalized_gain(pre, post, 20), (17.5 - 12.5) / (20 - 12.5), rel_tol=1e-12)
    g = edu40.normalized_gain(pre, post, 20, per_participant=True)
    np.testing.assert_allclose(g[:3], [8 / 10, 8 / 8, 4 / 12])
    assert np.isnan(g[3])
    assert edu40.efficiency_e1e2([40, 45, 38], [20, 22, 19], 50, 25) == pytest.approx((82.0, 61 / 75 * 100))
    with pytest.raises(edu40.StatsInputError, match="outside 0..20"):
        edu40.effectiveness_index([10, 21], [12, 20], 20)
    with pytest.raises(edu40.StatsInputError, match="already the full score"):
        edu40.effectiveness_index([20, 20], [20, 20], 20)


# ---------------------------------------------------------------------------
# The shipped (synthetic) training sample, end to end
# ---------------------------------------------------------------------------
def test_sample_end_to_end_equals_r(report):
    assert report.n == 82 and report.n_read_pre == 84
    assert list(report.exclusions["participant"]) == ["T009", "T065"]
    assert set(report.exclusions["reason"]) == {"no_post"}
    t = report.test
    ref = R["tr_paired"]
    assert close(t.t, ref[0]) and t.df == ref[1] and close(t.p, ref[2], 1e-3)
    assert close(t.ci_low, ref[3]) and close(t.ci_high, ref[4]) and close(t.diff, ref[5])
    for key, r in zip(ES_KEYS, R["tr_effects"]):
        assert close(getattr(t, key), r), key
    W, sp, V, wp = R["tr_shapiro_wilcoxon"]
    assert close(t.shapiro_W, W) and close(t.shapiro_p, sp) and t.wilcoxon_V == V and close(t.wilcoxon_p, wp, 1e-3)
    ei, gc, gm, nu = R["tr_ei_gclass_gmean_nundef"]
    assert close(float(report.effectiveness_index), ei) and close(report.normalized_gain.class_average, gc)
    assert close(report.normalized_gain.mean_individual, gm) and report.normalized_gain.n_undefined == nu
    assert close(report.efficiency.e1, R["tr_e1_e2"][0]) and close(report.efficiency.e2, R["tr_e1_e2"][1])
    assert close(report.quality.kr20_pre.value, R["tr_kr20_pre_post"][0])
    assert close(report.quality.kr20_post.value, R["tr_kr20_pre_post"][1])
    s = report.satisfaction
    assert close(s.mean, R["tr_sat_mean_sd"][0]) and close(s.sd, R["tr_sat_mean_sd"][1]) and s.n == 82
    np.testing.assert_allclose(s.items["mean"], R["tr_sat_item_means"], rtol=1e-10)
    c = report.correlation
    r, p, lo, hi = R["tr_cor_post_sat"]
    assert close(c.r, r) and close(c.p, p) and close(c.ci_low, lo) and close(c.ci_high, hi) and c.n == 82


def test_sample_shows_the_published_impact(report):
    # properties of the synthetic data, which mirror the study's reported results
    assert report.test.diff > 0 and report.test.p < 0.01 and report.test.level == ".01"
    assert report.verdict("th") == "คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .01"
    assert report.verdict("en") == ("Post-training scores were significantly higher than pre-training scores "
                                    "at the .01 level.")
    assert report.satisfaction.level_en == "highest" and report.satisfaction.level("th") == "มากที่สุด"
    assert 4.51 <= report.satisfaction.mean <= 5.0
    assert report.correlation.p < 0.01 and report.correlation.level == ".01" and report.correlation.r > 0
    th = report.conclusions("th")
    assert th[0].startswith("คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .01")
    assert "ระดับมากที่สุด" in th[3]
    assert "มีความสัมพันธ์ทางบวกอย่างมีนัยสำคัญทางสถิติที่ระดับ .01" in th[4]
    assert len(report.conclusions("en")) == 5


def test_knowledge_options_and_spearman(report):
    rep = prepost(SAMPLE, "pre_K*", "post_K*", id="participant_id", satisfaction="SAT1:SAT8", knowledge="gain")
    r, p, lo, hi = R["tr_cor_gain_sat"]
    assert close(rep.correlation.r, r) and close(rep.correlation.p, p) and rep.correlation.level is None
    assert "not significantly correlated" in rep.conclusions("en")[-1]
    assert "ไม่มีความสัมพันธ์กันอย่างมีนัยสำคัญทางสถิติ" in rep.conclusions("th")[-1]
    rep = prepost(SAMPLE, "pre_K*", "post_K*", satisfaction="SAT*", method="spearman")
    assert close(rep.correlation.r, R["tr_spearman_post_sat"][0]) and close(rep.correlation.p, R["tr_spearman_post_sat"][1])
    rep = prepost(SAMPLE, "pre_K*", "post_K*", satisfaction="SAT*", knowledge="normalized_gain")
    assert rep.correlation.n == 80          # the two with a full pre score have no g_i
    assert rep.efficiency is None and rep.satisfaction.items["label_en"].tolist() == SAT   # no instrument: codes


# ---------------------------------------------------------------------------
# Significance wording
# ---------------------------------------------------------------------------
BASE = np.arange(10, dtype=float) + 5


@pytest.mark.parametrize("diff, p_range, th, en", [
    ([1, 2, 0, 3, 1, -1, 2, 1, 0, 1], (0.01, 0.05),
     "คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .05", "significantly higher than pre-training scores at the .05 level"),
    ([1, 2, 0, 3, 1, -1, 2, -2, 0, -1], (0.05, 1),
     "คะแนนก่อนและหลังอบรมไม่แตกต่างกันอย่างมีนัยสำคัญทางสถิติ", "did not differ significantly (p = "),
    ([-3, -2, -4, -3, -2, -3, -4, -2, -3, -3], (0, 0.01),
     "คะแนนหลังอบรมต่ำกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .01", "significantly lower than pre-training scores at the .01 level"),
])
def test_the_level_named_follows_p(diff, p_range, th, en):
    frame = pd.DataFrame({"pre": BASE, "post": BASE + np.array(diff)})
    rep = prepost(frame, "pre", "post", full_score=20)
    assert p_range[0] <= rep.test.p < p_range[1]
    assert rep.verdict("th") == th and en in rep.verdict("en")
    assert rep.conclusions("th")[0].startswith(th) and len(rep.conclusions("en")) == 2
    if rep.test.diff < 0:
        assert "ติดลบ" in rep.conclusions("th")[1] and "negative" in rep.conclusions("en")[1]


def test_one_sided_alternative():
    frame = pd.DataFrame({"pre": BASE, "post": BASE + np.array([1, 2, 0, 3, 1, -1, 2, 1, 0, 1])})
    two = prepost(frame, "pre", "post", full_score=20)
    one = prepost(frame, "pre", "post", full_score=20, alternative="greater")
    assert math.isclose(one.test.p, two.test.p / 2, rel_tol=1e-10) and one.test.alternative == "greater"


# ---------------------------------------------------------------------------
# Two tables matched by id; exclusions listed and counted
# ---------------------------------------------------------------------------
def split(sample):
    pre_df = sample[["participant_id", "role"] + PRE_ITEMS].copy()
    post_df = sample[["participant_id"] + POST_ITEMS + ["process_score"] + SAT].copy()
    return pre_df, post_df


def test_two_tables_give_the_single_table_result(sample, report):
    pre_df, post_df = split(sample)
    post_df = post_df.sample(frac=1.0, random_state=3)         # order does not matter, ids do
    rep = prepost(pre_df, PRE_ITEMS, POST_ITEMS, post_data=post_df, id="participant_id", satisfaction=SAT,
                  process="process_score", process_full=50)
    assert rep.n == report.n and math.isclose(rep.test.t, report.test.t, rel_tol=1e-12)
    assert math.isclose(rep.correlation.r, report.correlation.r, rel_tol=1e-12)
    assert math.isclose(rep.efficiency.e1, report.efficiency.e1, rel_tol=1e-12)
    assert rep.n_read_pre == 84 and rep.n_read_post == 84


def test_ids_in_one_table_only_are_listed_and_excluded(sample):
    pre_df, post_df = split(sample)
    pre_df = pre_df[pre_df["participant_id"] != "T010"]                  # T010: post only
    post_df = post_df[~post_df["participant_id"].isin(["T011", "T012"])]   # T011, T012: pre only
    extra = post_df.iloc[[0]].copy()
    extra["participant_id"] = "X999"                                      # a stranger in the post file
    post_df = pd.concat([post_df, extra])
    rep = prepost(pre_df, "pre_K*", "post_K*", post_data=post_df, id="participant_id")
    ex = rep.exclusions.set_index("participant")["reason"].to_dict()
    assert ex == {"T009": "no_post", "T065": "no_post", "T011": "not_in_post", "T012": "not_in_post",
                  "T010": "not_in_pre", "X999": "not_in_pre"}
    assert rep.n == 84 - 1 - 2 - 2 and rep.n_excluded == 6
    text = rep.summary("en")
    assert "6 excluded" in text and "T011: id not in the post-test data" in text and "X999" in text
    assert "T010: ไม่พบรหัสนี้ในข้อมูลก่อนอบรม" in rep.summary("th")


def test_two_files_on_disk_with_numeric_ids(tmp_path):
    pre = pd.DataFrame({"sid": [101, 102, 103, 104, 105], "score": [5, 6, 7, 4, 8]})
    post = pd.DataFrame({"sid": [105.0, 104.0, 103.0, 102.0, 106.0], "score": [9, 8, 9, 8, 7]})
    pre.to_csv(tmp_path / "pre.csv", index=False)
    post.to_excel(tmp_path / "post.xlsx", index=False)
    rep = prepost(tmp_path / "pre.csv", "score", "score", post_data=tmp_path / "post.xlsx", id="sid", full_score=10)
    assert rep.n == 4 and list(rep.scores["participant"]) == ["102", "103", "104", "105"]
    assert dict(zip(rep.exclusions["participant"], rep.exclusions["reason"])) == {"101": "not_in_post",
                                                                                  "106": "not_in_pre"}
    np.testing.assert_array_equal(rep.scores["gain"], [2, 2, 4, 1])


def test_blank_answers_exclude_with_the_items_named():
    f = hand_frame()
    f[["a1", "a2", "a3", "a4"]] = f[["a1", "a2", "a3", "a4"]].astype(float)
    f.loc[1, "a3"] = np.nan                       # P2: one blank pre item
    f.loc[2, ["b1", "b2", "b3", "b4"]] = np.nan   # P3: no post-test at all
    f = pd.concat([f, hand_frame().iloc[[0, 3]].assign(pid=["P6", "P7"])], ignore_index=True)
    rep = prepost(f, "a1:a4", "b1:b4", id="pid")
    ex = rep.exclusions.set_index("participant")
    assert ex.loc["P2", "reason"] == "no_pre" and "a3" in ex.loc["P2", "detail"]
    assert ex.loc["P3", "reason"] == "no_post" and ex.loc["P3", "detail"] == "all 4 items blank"
    assert ex.loc["P3", "detail_th"] == "ไม่ได้ตอบทั้ง 4 ข้อ"
    assert rep.n == 5


def test_total_columns_with_a_missing_score_and_row_labels(tmp_path):
    path = tmp_path / "totals.csv"
    path.write_text("pre,post\n10,15\n12,\n9,14\n11,13\n,12\n", encoding="utf-8")
    rep = prepost(path, "pre", "post", full_score=20)
    assert dict(zip(rep.exclusions["participant"], rep.exclusions["reason"])) == {"row 3": "no_post",
                                                                                  "row 6": "no_pre"}
    assert rep.n == 3


# ---------------------------------------------------------------------------
# Bad input: an error naming participant, column and value
# ---------------------------------------------------------------------------
def test_score_above_full_names_participant_column_value():
    f = pd.DataFrame({"id": ["A", "B", "C", "D"], "pre": [5, 6, 7, 8], "post": [9, 31, 8, 9]})
    with pytest.raises(PrePostInputError, match=r"participant B, column 'post'.*score 31 is above the full score 30"):
        prepost(f, "pre", "post", id="id", full_score=30)


def test_negative_score_names_the_row_as_the_file_shows_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("pre,post\n5,9\n6,7\n-2,8\n", encoding="utf-8")
    with pytest.raises(PrePostInputError, match=r"t\.csv: participant row 4, column 'pre'.*score -2 is below 0"):
        prepost(path, "pre", "post", full_score=10)


def test_non_binary_item_names_participant_column_value(sample):
    bad = sample.copy()
    bad["post_K07"] = bad["post_K07"].astype("Float64")
    bad.loc[bad["participant_id"] == "T020", "post_K07"] = 2
    with pytest.raises(PrePostInputError, match=r"participant T020, column 'post_K07'.*value 2 is not 0 or 1"):
        prepost(bad, "pre_K*", "post_K*", id="participant_id")


def test_text_cell_and_satisfaction_off_the_scale(sample):
    bad = sample.astype({"pre_K03": object}).copy()
    bad.loc[4, "pre_K03"] = "x"
    with pytest.raises(PrePostInputError, match=r"participant T005, column 'pre_K03'.*value 'x' is not a number"):
        prepost(bad, "pre_K*", "post_K*", id="participant_id")
    bad = sample.copy()
    bad.loc[6, "SAT4"] = 6
    with pytest.raises(PrePostInputError, match=r"participant T007, column 'SAT4'.*value 6 is outside the scale 1-5"):
        prepost(bad, "pre_K*", "post_K*", id="participant_id", satisfaction="SAT*")


def test_other_refusals(sample):
    pre_df, post_df = split(sample)
    with pytest.raises(PrePostInputError, match="give id="):
        prepost(pre_df, "pre_K*", "post_K*", post_data=post_df)
    dup = pd.concat([pre_df, pre_df.iloc[[3]]])
    with pytest.raises(PrePostInputError, match="id 'T004' appears twice"):
        prepost(dup, "pre_K*", "post_K*", post_data=post_df, id="participant_id")
    with pytest.raises(PrePostInputError, match="give full_score="):
        prepost(pd.DataFrame({"a": [1, 2, 3], "b": [2, 3, 5]}), "a", "b")
    with pytest.raises(PrePostInputError, match="25 item columns and the post-test 24"):
        prepost(sample, "pre_K*", POST_ITEMS[:-1])
    with pytest.raises(PrePostInputError, match="25 items scored 0/1 give a full score of 25, not full_score=30"):
        prepost(sample, "pre_K*", "post_K*", full_score=30)
    assert prepost(sample, "pre_K*", "post_K*", full_score=25).full_score == 25
    with pytest.raises(PrePostInputError, match="did you mean"):
        prepost(sample, "pre_K01:pre_K99", "post_K*")
    with pytest.raises(PrePostInputError, match="needs at least 3"):
        prepost(pd.DataFrame({"a": [1, 2, None], "b": [2, None, 5]}), "a", "b", full_score=5)
    with pytest.raises(PrePostInputError, match="process_full"):
        prepost(sample, "pre_K*", "post_K*", process="process_score")
    with pytest.raises(PrePostInputError, match="is in both tables"):
        prepost(pre_df.assign(SAT1=3), "pre_K*", "post_K*", post_data=post_df, id="participant_id",
                satisfaction="SAT1")


# ---------------------------------------------------------------------------
# The report object, plots and layering
# ---------------------------------------------------------------------------
def test_report_object(report):
    with pytest.raises(AttributeError):
        report.n_read_pre = 0
    assert report.summary("en") != report.summary("th")
    first = report.summary("en").split("\n")
    assert first[1] == report.verdict("en") and first[2].startswith("paired t-test (post − pre): t(81) = 13.270")
    assert first[3].startswith("Effectiveness index E.I. = 0.5248") and "highest" in first[4]
    html = report._repr_html_()
    assert html.startswith("<p><b>Post-training scores were significantly higher")
    assert html.index("E.I.") < html.index("satisfaction") < html.index("<details>")
    frame = report.to_frame()
    assert list(frame.columns) == ["section", "statistic", "value"]
    assert not frame.duplicated(["section", "statistic"]).any()
    value = frame.set_index(["section", "statistic"])["value"]
    assert value["sample", "n_analysed"] == 82 and value["test", "significance_level"] == ".01"
    assert value["efficiency", "E1"] == report.efficiency.e1 and value["satisfaction", "level_th"] == "มากที่สุด"
    assert set(report.tables("th")) >= {"ผู้ที่ตัดออกจากการวิเคราะห์", "ความพึงพอใจ", "คุณภาพรายข้อ"}
    sat = report.satisfaction.tables("th")["ความพึงพอใจ"]
    assert sat["level"].iloc[-1] == "มากที่สุด" and sat["label"].iloc[0] == "เนื้อหาการอบรมตรงกับความต้องการในการปฏิบัติงาน"
    for part in (report.test, report.normalized_gain, report.effectiveness_index, report.efficiency,
                 report.quality, report.satisfaction, report.correlation):
        assert part.summary("en") != part.summary("th") and isinstance(part.to_frame(), pd.DataFrame)
    assert report.test.to_frame().loc[0, "hedges_gav"] == report.test.hedges_gav


def test_plots_return_figures_without_pyplot(report):
    before = plt.get_fignums()
    for fig in (report.plot_paired(lang="en"), report.plot_paired("dumbbell"), report.plot_gains(),
                report.plot_gains("normalized")):
        assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert plt.get_fignums() == before          # nothing left open in pyplot
    slope = report.plot_paired(lang="en").axes[0]
    assert len(slope.lines) >= report.n          # one line per participant (plus the means)
    assert [t.get_text() for t in slope.get_xticklabels()] == ["Pre-test", "Post-test"]
    assert slope.get_ylabel() == f"Score (out of {report.full_score:g})"
    assert slope.get_ylim()[1] == pytest.approx(1.04 * report.full_score)
    hist = report.plot_gains().axes[0]
    assert sum(p.get_height() for p in hist.patches) == report.n
    with pytest.raises(ValueError, match="kind must be 'slope' or 'dumbbell'"):
        report.plot_paired("violin")
    with pytest.raises(ValueError, match="which must be 'raw' or 'normalized'"):
        report.plot_gains("relative")


def test_report_plots_are_the_generic_figures_with_the_reports_data(report):
    """plot_paired/plot_gains draw edu40.plots.paired_slope/gain_hist: the same figure from either door."""
    s = report.scores
    for kind in ("slope", "dumbbell"):
        mine = report.plot_paired(kind, lang="th").axes[0]
        generic = edu40.plots.paired_slope(s["pre"], s["post"], kind=kind, full_score=report.full_score,
                                           lang="th").axes[0]
        assert mine.get_title(loc="left") == generic.get_title(loc="left")
        assert mine.get_title(loc="left").startswith(f"n = {report.n} คู่: เพิ่มขึ้น")
        assert [ln.get_xydata().tolist() for ln in mine.lines] == [ln.get_xydata().tolist() for ln in generic.lines]
    dumbbell = report.plot_paired("dumbbell", lang="en").axes[0]
    assert len(dumbbell.collections[0].get_segments()) == report.n   # one row per participant
    raw = report.plot_gains(lang="en").axes[0]
    assert raw.get_title(loc="left").startswith(f"M = {s['gain'].mean():.2f}, SD = {s['gain'].std(ddof=1):.2f}")
    norm = report.plot_gains("normalized", lang="en").axes[0]
    g = report.normalized_gain.class_average
    assert norm.get_title(loc="left").startswith(f"class <g> = {g:.2f}; mean g = ")
    assert norm.get_xlabel() == "Normalized gain g (Hake)"
    assert any(ln.get_xdata()[0] == pytest.approx(g) for ln in norm.lines)   # the class <g> is marked
    assert {0.3, 0.7} <= {round(ln.get_xdata()[0], 2) for ln in norm.lines}


def test_thai_plot_labels_render_in_the_bundled_sarabun(report):
    from matplotlib import font_manager

    for fig in (report.plot_paired(lang="th"), report.plot_gains("normalized", lang="th")):
        ax = fig.axes[0]
        texts = [ax.xaxis.label, ax.yaxis.label, ax.title, ax._left_title] + ax.get_xticklabels()
        thai = [t for t in texts if any("\u0e00" <= ch <= "\u0e7f" for ch in t.get_text())]
        assert thai
        for t in thai:
            path = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
            assert Path(path).name.startswith("Sarabun"), (t.get_text(), path)
    assert report.plot_gains(lang="th").axes[0].get_xlabel() == "คะแนนที่เพิ่มขึ้น (หลัง − ก่อน)"


@pytest.mark.parametrize("module", ["indices", "core"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"edu40.studies.prepost.{module}")
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_the_methods_page_example_runs():
    text = (ROOT / "docs" / "prepost.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    try:
        exec(compile(code, "docs/prepost.md", "exec"), {})
    finally:
        edu40.set_language("en")


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def test_cli_one_file(capsys):
    code = main(["prepost", str(SAMPLE), "--pre", "pre_K*", "--post", "post_K01:post_K25", "--id", "participant_id",
                 "--satisfaction", "SAT*", "--process", "process_score", "--process-full", "50", "--lang", "th"])
    out = capsys.readouterr().out
    assert code == 0
    assert "คะแนนหลังอบรมสูงกว่าก่อนอบรมอย่างมีนัยสำคัญทางสถิติที่ระดับ .01" in out
    assert "T009: ไม่มีคะแนนหลังอบรม" in out and "E1/E2 = 84.61/81.76" in out


def test_cli_two_files_and_outputs(sample, tmp_path, capsys):
    pre_df, post_df = split(sample)
    pre_df.to_csv(tmp_path / "pre.csv", index=False)
    post_df.iloc[:-3].to_csv(tmp_path / "post.csv", index=False)
    code = main(["prepost", str(tmp_path / "pre.csv"), "--post-file", str(tmp_path / "post.csv"), "--id",
                 "participant_id", "--pre", "pre_K*", "--post", "post_K*", "--criterion", "85/80",
                 "--save-table", str(tmp_path / "out.csv"), "--save-plots", str(tmp_path / "fig")])
    out = capsys.readouterr().out
    assert code == 0 and "T082: id not in the post-test data" in out and "5 excluded" in out
    table = pd.read_csv(tmp_path / "out.csv")
    assert table.query("statistic == 'n_excluded'")["value"].iloc[0] == "5"
    assert (tmp_path / "fig" / "prepost_paired.png").stat().st_size > 0
    assert (tmp_path / "fig" / "prepost_gains.png").stat().st_size > 0


def test_cli_bad_input_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("id,pre,post\nA,5,9\nB,6,12\nC,7,8\n", encoding="utf-8")
    assert main(["prepost", str(path), "--pre", "pre", "--post", "post", "--id", "id", "--full-score", "10"]) == 2
    err = capsys.readouterr().err
    assert "participant B, column 'post'" in err and "12" in err
    with pytest.raises(SystemExit) as exit_:                       # argparse refuses a malformed criterion
        main(["prepost", str(path), "--pre", "pre", "--post", "post", "--criterion", "80-80"])
    assert exit_.value.code == 2 and "criterion must look like 80/80" in capsys.readouterr().err


def test_cli_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["prepost", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--post-file" in out and "synthetic" in out
