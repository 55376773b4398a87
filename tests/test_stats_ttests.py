"""t-tests against R 4.2.2: t.test, car::leveneTest, shapiro.test, wilcox.test.

Every number in ``R`` was printed by ``tests/r/reference.R`` (full transcript in
``tests/r/reference.Rout``); the R call is written above each entry.
"""
import math

import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError, paired_ttest, ttest

TOL = 1e-4

# R's `sleep` data (Cushny & Peebles 1905, Student 1908): extra sleep of 10 patients under two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

R = {
    # a <- sleep$extra[sleep$group == 1]; b <- sleep$extra[sleep$group == 2]
    # w <- t.test(a, b); c(w$statistic, w$parameter, w$p.value, w$conf.int, w$stderr)
    #   t = -1.860813467487, df = 17.77647351618, p-value = 0.0793941401874
    #   95 percent confidence interval: -3.36548323071171  0.20548323071171
    # s <- t.test(a, b, var.equal = TRUE)   (same vector)
    #   t = -1.860813467487, df = 18, p-value = 0.0791867142159
    "welch": [-1.86081346748685, 17.7764735161785, 0.0793941401873582, -3.36548323071171, 0.20548323071171,
        0.849091017238762],
    "student": [-1.86081346748685, 18, 0.0791867142159382, -3.3638740322876, 0.203874032287599,
        0.849091017238762],
    # leveneTest(extra ~ group, data = sleep, center = mean)     F value 0.61972  Pr(>F) 0.44139
    # leveneTest(extra ~ group, data = sleep, center = median)   F value 0.2482   Pr(>F) 0.62437
    "levene_mean": [0.619723532884753, 0.441393059678369],
    "levene_median": [0.248204960835509, 0.624374285414887],
    # p <- t.test(b, a, paired = TRUE); c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate)
    #   t = 4.062127683382, df = 9, p-value = 0.00283289019738
    #   95 percent confidence interval: 0.700114236723018 2.459885763276982; mean difference 1.58
    # t.test(b, a, paired = TRUE, alternative = "greater", conf.level = 0.99): t, p, conf.int
    "paired": [4.06212768338204, 9, 0.00283289019738427, 0.700114236723018, 2.45988576327698, 1.58],
    "paired_greater99": [4.06212768338204, 0.00141644509869214, 0.48257710515164, math.inf],
    # shapiro.test(b - a): W = 0.8298713319288, p-value = 0.0333416086303
    # wilcox.test(b, a, paired = TRUE): "Wilcoxon signed rank test with continuity correction"
    #   V = 45, p-value = 0.00909069801593   (a zero and ties: normal approximation)
    "shapiro": [0.829871331928794, 0.0333416086303078],
    "wilcoxon": [45, 0.00909069801592506],
    # t.test(sleep$extra, mu = 0.5): t = 2.304859477325, df = 19, p-value = 0.0326259336462
    #   95 percent confidence interval: 0.595584499619604 2.484415500380396
    # t.test(sleep$extra, mu = 0.5, alternative = "less"): t, p, conf.int
    "one_sample": [2.30485947732527, 19, 0.0326259336461714, 0.595584499619604, 2.4844155003804],
    "one_sample_less": [2.30485947732527, 0.983687033176914, -math.inf, 2.32022028747241],
    # pre <- c(12, 15, 9, 20, 17, 11, 14, 16); post <- c(14, 19, 8, 26, 21.4, 15.5, 14.7, 19.2)
    # wilcox.test(post, pre, paired = TRUE): "Wilcoxon signed rank exact test", V = 34, p-value = 0.0234375
    "wilcoxon_exact": [34, 0.0234375],
    # HS <- lavaan::HolzingerSwineford1939
    # t.test(x1 ~ school, data = HS): t = -0.08425885917428, df = 298.3849967293, p-value = 0.932907123918
    # t.test(x1 ~ school, data = HS, var.equal = TRUE); leveneTest(x1 ~ school, HS, center = mean)
    "hs_welch": [-0.0842588591742809, 298.384996729313, 0.932907123918292, -0.276543685668225,
        0.253835179129764],
    "hs_student": [-0.084172476609378, 299, 0.932975628874861, -0.276813614555444, 0.254105108016983],
    "hs_levene_mean": [0.000693270239127166, 0.979011670570178],
    # sv <- read.csv("data/sample/em40_survey.csv"); sv$F_ACL <- rowMeans(sv[, paste0("ACL", 1:10)], na.rm = TRUE)
    # dd <- sv[sv$role %in% c("director", "teacher"), ]
    # t.test(F_ACL ~ role, data = dd): t = 3.477185062671, df = 276.1974875878, p-value = 0.000588399371638
    # leveneTest(F_ACL ~ factor(role), data = dd, center = mean)
    # t.test(sv$F_ACL, mu = 3.51, alternative = "greater"): t, df, p, conf.int[1]
    "sv_welch": [3.47718506267067, 276.197487587799, 0.000588399371638409, 0.113949341946418,
        0.411338056502059],
    "sv_levene": [2.6296213654177, 0.105346213094234],
    "sv_one_sample": [13.5118969110026, 771, 8.5637922360365e-38, 3.88763955048215],
    # tr <- read.csv("data/sample/em40_training.csv"); ps <- rowSums(pre items); qs <- rowSums(post items)
    # t.test(qs, ps, paired = TRUE): t = 13.26950039015, df = 81, p-value < 2.2e-16 (5.15303468136818e-22)
    # shapiro.test((qs - ps)[!is.na(qs)]); wilcox.test(qs, ps, paired = TRUE)
    "tr_paired": [13.2695003901462, 81, 5.15303468136818e-22, 4.28137795602504, 5.79179277568228,
        5.03658536585366],
    "tr_shapiro": [0.97107484166322, 0.0606541180955694],
    "tr_wilcoxon": [2904, 8.1902382289442e-14],
}


def close(a, b, tol=TOL):
    return math.isclose(a, b, abs_tol=tol) or (math.isinf(a) and a == b)


def test_sleep_welch_matches_t_test():
    res = ttest(SLEEP_1, SLEEP_2)
    t, df, p, lo, hi, se = R["welch"]
    assert res.test == "Welch"
    for got, want in [(res.t, t), (res.df, df), (res.p, p), (res.ci_low, lo), (res.ci_high, hi), (res.se, se)]:
        assert close(got, want)
    assert res.diff == pytest.approx(0.75 - 2.33)
    assert (res.n1, res.n2) == (10, 10)


def test_sleep_student_matches_t_test_var_equal():
    res = ttest(SLEEP_1, SLEEP_2, equal_var=True)
    t, df, p, lo, hi, se = R["student"]
    assert res.test == "Student"
    for got, want in [(res.t, t), (res.df, df), (res.p, p), (res.ci_low, lo), (res.ci_high, hi), (res.se, se)]:
        assert close(got, want)


def test_levene_center_mean_and_median_match_car():
    mean = ttest(SLEEP_1, SLEEP_2)
    median = ttest(SLEEP_1, SLEEP_2, center="median")
    assert close(mean.levene_F, R["levene_mean"][0]) and close(mean.levene_p, R["levene_mean"][1])
    assert close(median.levene_F, R["levene_median"][0]) and close(median.levene_p, R["levene_median"][1])
    assert (mean.levene_df1, mean.levene_df2, mean.levene_center) == (1, 18, "mean")


def test_effect_sizes_follow_lakens_2013():
    a, b = np.array(SLEEP_1), np.array(SLEEP_2)
    res = ttest(a, b)
    sp = math.sqrt((9 * a.var(ddof=1) + 9 * b.var(ddof=1)) / 18)      # eq. 1: pooled SD
    d = (a.mean() - b.mean()) / sp
    assert res.cohen_d == pytest.approx(d, abs=1e-12)
    assert res.hedges_g == pytest.approx(d * (1 - 3 / (4 * 20 - 9)), abs=1e-12)   # eq. 4
    one = ttest(a, mu=0.5)
    d1 = (a.mean() - 0.5) / a.std(ddof=1)
    assert one.cohen_d == pytest.approx(d1, abs=1e-12)
    assert one.hedges_g == pytest.approx(d1 * (1 - 3 / (4 * 9 - 1)), abs=1e-12)


def test_paired_matches_t_test_paired_with_post_minus_pre():
    res = paired_ttest(SLEEP_1, SLEEP_2)
    t, df, p, lo, hi, est = R["paired"]
    for got, want in [(res.t, t), (res.df, df), (res.p, p), (res.ci_low, lo), (res.ci_high, hi), (res.diff, est)]:
        assert close(got, want)
    d = np.array(SLEEP_2) - np.array(SLEEP_1)
    assert res.cohen_dz == pytest.approx(d.mean() / d.std(ddof=1), abs=1e-12)   # Lakens eq. 6
    assert close(res.shapiro_W, R["shapiro"][0]) and close(res.shapiro_p, R["shapiro"][1])
    assert res.wilcoxon_V == R["wilcoxon"][0] and close(res.wilcoxon_p, R["wilcoxon"][1])
    assert res.wilcoxon_method.startswith("normal")


def test_paired_one_sided_99():
    res = paired_ttest(SLEEP_1, SLEEP_2, alternative="greater", confidence=0.99)
    t, p, lo, hi = R["paired_greater99"]
    assert close(res.t, t) and close(res.p, p) and close(res.ci_low, lo) and res.ci_high == math.inf


def test_wilcoxon_exact_when_no_ties_or_zeros():
    pre = [12, 15, 9, 20, 17, 11, 14, 16]
    post = [14, 19, 8, 26, 21.4, 15.5, 14.7, 19.2]
    res = paired_ttest(pre, post)
    assert res.wilcoxon_method == "exact"
    assert res.wilcoxon_V == R["wilcoxon_exact"][0] and close(res.wilcoxon_p, R["wilcoxon_exact"][1])


def test_one_sample_matches_t_test_mu():
    x = SLEEP_1 + SLEEP_2
    res = ttest(x, mu=0.5)
    t, df, p, lo, hi = R["one_sample"]
    assert res.test == "one-sample" and res.n2 is None and res.levene_F is None
    assert close(res.t, t) and close(res.df, df) and close(res.p, p)
    # edu40 gives the interval of mean - mu; R's interval of the mean is that + mu
    assert close(res.ci_low + 0.5, lo) and close(res.ci_high + 0.5, hi)
    less = ttest(x, mu=0.5, alternative="less")
    t, p, lo, hi = R["one_sample_less"]
    assert close(less.p, p) and less.ci_low == -math.inf and close(less.ci_high + 0.5, hi)


def test_holzinger_swineford_by_school_with_dv_and_group():
    hs = holzinger39.get_data()
    w = ttest(hs, dv="x1", group="school")
    s = ttest(hs, dv="x1", group="school", equal_var=True)
    assert (w.group1, w.group2) == ("Grant-White", "Pasteur")   # R's factor level order
    for res, ref in ((w, R["hs_welch"]), (s, R["hs_student"])):
        for got, want in zip([res.t, res.df, res.p, res.ci_low, res.ci_high], ref):
            assert close(got, want)
    assert close(w.levene_F, R["hs_levene_mean"][0]) and close(w.levene_p, R["hs_levene_mean"][1])


def test_survey_factor_score_by_role_and_one_sample_against_high_band():
    survey = edu40.datasets.load_em40_survey()
    res = ttest(survey, dv="ACL", group="role", order=["director", "teacher"])
    for got, want in zip([res.t, res.df, res.p, res.ci_low, res.ci_high], R["sv_welch"]):
        assert close(got, want)
    assert close(res.levene_F, R["sv_levene"][0]) and close(res.levene_p, R["sv_levene"][1])
    one = ttest(survey.factor_scores()["ACL"], mu=3.51, alternative="greater")
    t, df, p, lo = R["sv_one_sample"]
    assert close(one.t, t) and one.df == df and close(one.p, p, 1e-40) and close(one.ci_low + 3.51, lo)


def test_training_pre_post_paired():
    t = edu40.datasets.load_em40_training()
    pre = t.filter(like="pre_K").sum(axis=1)
    post = t.filter(like="post_K").sum(axis=1, min_count=1)     # the 2 who left early stay missing
    res = paired_ttest(pre, post)
    tt, df, p, lo, hi, est = R["tr_paired"]
    assert (res.n, res.n_dropped) == (82, 2)
    for got, want in [(res.t, tt), (res.df, df), (res.ci_low, lo), (res.ci_high, hi), (res.diff, est)]:
        assert close(got, want)
    assert res.p == pytest.approx(p, rel=1e-6)
    assert close(res.shapiro_W, R["tr_shapiro"][0]) and close(res.shapiro_p, R["tr_shapiro"][1])
    assert res.wilcoxon_V == R["tr_wilcoxon"][0] and res.wilcoxon_p == pytest.approx(R["tr_wilcoxon"][1], rel=1e-6)
    # the same through data= and column names
    frame = pd.DataFrame({"pre": pre, "post": post})
    assert paired_ttest("pre", "post", data=frame).t == res.t


def test_result_objects_are_immutable_and_bilingual():
    res = ttest(SLEEP_1, SLEEP_2)
    with pytest.raises(AttributeError):
        res.t = 0
    row = res.to_frame()
    assert list(row.columns[:3]) == ["test", "alternative", "confidence"] and len(row) == 1
    assert row.loc[0, "t"] == res.t
    assert "Welch two-sample t-test" in res.summary("en").splitlines()[0]
    assert "Welch" in res.summary("th") and "ผลต่าง" in res.summary("th")
    assert res._repr_html_().startswith("<b>")
    paired = paired_ttest(SLEEP_1, SLEEP_2)
    assert "หลัง − ก่อน" in paired.summary("th") and "post − pre" in paired.summary("en")


def test_bad_input_is_named():
    with pytest.raises(StatsInputError, match="at least 3"):
        ttest([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(StatsInputError, match="variance is 0"):
        ttest([3, 3, 3, 3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="mu="):
        ttest([1, 2, 3])
    with pytest.raises(ValueError, match="one-sample"):
        ttest([1, 2, 3], [2, 3, 4], mu=1)
    with pytest.raises(StatsInputError, match="3 levels"):
        ttest(edu40.datasets.load_em40_survey(), dv="ACL", group="role")
    with pytest.raises(StatsInputError, match="'who' is not a column"):
        ttest(pd.DataFrame({"y": [1, 2, 3]}), dv="y", group="who")
    with pytest.raises(StatsInputError, match="not numeric"):
        ttest(pd.Series(["a", "b", "c"], name="txt"), mu=1)
    with pytest.raises(StatsInputError, match="pairs must line up"):
        paired_ttest([1, 2, 3], [1, 2, 3, 4])
    with pytest.raises(StatsInputError, match="every difference"):
        paired_ttest([1, 2, 3, 4], [2, 3, 4, 5])
    with pytest.raises(StatsInputError, match="2 complete pair"):
        paired_ttest([1, 2, np.nan, 4], [2, 4, 5, np.nan])
    with pytest.raises(ValueError, match="alternative"):
        ttest([1, 2, 3], mu=1, alternative="bigger")


def test_equal_means_give_t_zero_and_a_finite_se():
    a, b = [1.0, 2.0, 3.0, 4.0], [0.0, 2.5, 2.5, 5.0]
    for equal_var in (False, True):
        res = ttest(a, b, equal_var=equal_var)
        assert res.t == 0 and res.diff == 0 and res.p == pytest.approx(1.0)
        assert res.se > 0 and res.ci_low == pytest.approx(-res.ci_high)
    assert ttest(a, b).se == pytest.approx(math.sqrt(np.var(a, ddof=1) / 4 + np.var(b, ddof=1) / 4))


def test_paired_correlation_is_none_when_a_score_is_constant():
    res = paired_ttest([0, 0, 0, 0], [1, 3, 2, 4])
    assert res.r_pre_post is None and res.diff == 2.5
    assert paired_ttest(SLEEP_1, SLEEP_2).r_pre_post == pytest.approx(np.corrcoef(SLEEP_1, SLEEP_2)[0, 1])
