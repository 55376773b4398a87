"""One-way ANOVA against R 4.2.2: aov, oneway.test, TukeyHSD, car::leveneTest(center = mean).

Games-Howell has no function in the installed R packages; its reference values are the
Games & Howell (1976) formula evaluated in R with base R's ptukey/qtukey (function `gh` in
tests/r/reference.R), i.e. independently of scipy's studentized range distribution.
"""
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError, anova

TOL = 1e-4

# R's PlantGrowth (Dobson 1983): dried weight of plants, control and two treatments.
PLANT = pd.DataFrame({
    "weight": [4.17, 5.58, 5.18, 6.11, 4.50, 4.61, 5.17, 4.53, 5.33, 5.14,
               4.81, 4.17, 4.41, 3.59, 5.87, 3.83, 6.03, 4.89, 4.32, 4.69,
               6.31, 5.12, 5.54, 5.50, 5.37, 5.29, 4.92, 6.15, 5.80, 5.26],
    "group": ["ctrl"] * 10 + ["trt1"] * 10 + ["trt2"] * 10,
})

R = {
    # an(y, g): m <- aov(y ~ factor(g)); s <- summary(m)[[1]]
    #   *_aov    = c(F value, Pr(>F), Sum Sq between, Sum Sq within, Df between, Df within)
    #   *_welch  = oneway.test(y ~ g): c(F, num df, denom df, p)
    #   *_tukey  = t(TukeyHSD(m)$g) flattened: per pair "later-earlier level": diff, lwr, upr, p adj
    #   *_levene = leveneTest(y ~ g, center = mean): c(F value, Pr(>F))
    #   *_gh     = per pair: diff, se, df, lower, upper, p (Games-Howell via ptukey/qtukey)
    # an(PlantGrowth$weight, PlantGrowth$group, "plant") printed:
    #             Df   Sum Sq         Mean Sq F value  Pr(>F)
    #   g            2  3.76634 1.8831700000000 4.84609 0.01591 *
    #   Residuals   27 10.49209 0.3885959259259
    #   One-way analysis of means (not assuming equal variances)
    #   F = 5.180972408113, num df = 2.00000000000, denom df = 17.12841861664, p-value = 0.0173928214902
    #               diff                lwr               upr             p adj
    #   trt1-ctrl -0.371 -1.062216051410459 0.320216051410458 0.390871144202125
    #   trt2-ctrl  0.494 -0.197216051410459 1.185216051410458 0.197995991299708
    #   trt2-trt1  0.865  0.173783948589542 1.556216051410459 0.012006423979453
    "plant_aov": [4.84608786238014, 0.0159099583256229, 3.76634, 10.49209, 2, 27],
    "plant_welch": [5.18097240811319, 2, 17.1284186166441, 0.01739282149017],
    "plant_tukey": [-0.371, -1.06221605141046, 0.320216051410458, 0.390871144202125, 0.494, -0.197216051410459,
        1.18521605141046, 0.197995991299708, 0.865, 0.173783948589542, 1.55621605141046, 0.0120064239794527],
    "plant_levene": [1.23696295446978, 0.306194922991448],
    "plant_gh": [-0.371, 0.311434851400203, 16.5235850568593, -1.17208750150176, 0.430087501501755,
        0.47455492219398, 0.494, 0.231487940650624, 16.7857644826057, -0.100554433333154, 1.08855443333315,
        0.112889176854217, 0.865, 0.287366007422977, 14.1035691227603, 0.113512993317195, 1.61648700668281,
        0.0237034547392031],
    # TukeyHSD(aov(weight ~ group, PlantGrowth), conf.level = 0.90)
    "plant_tukey90": [-0.371, -0.968388672484919, 0.226388672484918, 0.390871144202125, 0.494,
        -0.103388672484919, 1.09138867248492, 0.197995991299708, 0.865, 0.267611327515082, 1.46238867248492,
        0.0120064239794527],
    # an(HS$x1, HS$ageyr, "hs_age")   (HolzingerSwineford1939; 6 age groups of 7 to 110 pupils)
    "hs_age_aov": [0.477753511132137, 0.792781905192537, 3.2842322274238, 405.585091271912, 5, 295],
    "hs_age_welch": [0.567622550469607, 5, 34.2498161056257, 0.724126839449635],
    "hs_age_tukey": [-0.190800329702973, -1.42617901645369, 1.04457835704774, 0.997831811301118,
        -0.266287880000003, -1.49795175440448, 0.965375994404473, 0.989497677058799, -0.339015153272729,
        -1.61174571358039, 0.93371540703493, 0.973252360234228, -0.162500000000002, -1.56955657591977,
        1.24455657591976, 0.999468014029464, -0.758928557142859, -2.49970961329781, 0.981852499012092,
        0.811333136508683, -0.07548755029703, -0.539016362153292, 0.388041261559232, 0.997208147914644,
        -0.148214823569757, -0.711869096195167, 0.415439449055654, 0.97472101132368, 0.0283003297029705,
        -0.794907583127617, 0.851508242533558, 0.999998684671883, -0.568128227439886, -1.88273149283054,
        0.746475037950771, 0.816946182054559, -0.0727272732727267, -0.628192428691146, 0.482737882145693,
        0.999020998594747, 0.10378788, -0.713834690372185, 0.921410450372186, 0.999157428512926,
        -0.492640677142856, -1.80375361858265, 0.818472264296938, 0.889926487364653, 0.176515153272727,
        -0.701752372718085, 1.05478267926354, 0.992496861160782, -0.41991340387013, -1.76967794809216,
        0.929851140351903, 0.948132356796043, -0.596428557142857, -2.07353026438475, 0.880673150099038,
        0.856151294260033],
    "hs_age_levene": [1.58528894851866, 0.164039572994015],
    "hs_age_gh": [-0.19080032970297, 0.203046703219164, 13.7872541198621, -0.858247454468405, 0.476646795062465,
        0.929132387752308, -0.26628788, 0.200239504968421, 13.0783777031109, -0.929694050507821,
        0.397118290507821, 0.764636645404469, -0.339015153272728, 0.253280445936792, 28.4888561843627,
        -1.11207592472861, 0.434045618183156, 0.761595672715112, -0.1625, 0.331580804284957, 25.9982776946753,
        -1.1812721634813, 0.856272163481304, 0.996117239219912, -0.758928557142857, 0.666602444936723,
        6.84479238808352, -3.30181559570166, 1.78395848141594, 0.85130244973443, -0.07548755029703,
        0.151380588458292, 207.225004997396, -0.510945594771784, 0.359970494177724, 0.996178975556648,
        -0.148214823569758, 0.216728418777788, 91.6902709195403, -0.779082574260899, 0.482652927121384,
        0.983328038723954, 0.0283003297029705, 0.304575200865467, 24.9750900211176, -0.910408864053079,
        0.96700952345902, 0.999998887870494, -0.568128227439887, 0.653589353346271, 6.35226824595234,
        -3.1201399866704, 1.98388353179063, 0.941855687155857, -0.0727272732727275, 0.214100684650348,
        88.6402163673556, -0.696402521423504, 0.550947974878049, 0.999382783880136, 0.10378788,
        0.302710998551534, 24.3945269443416, -0.830930456268085, 1.03850621626809, 0.999290004773389,
        -0.492640677142857, 0.652722711776926, 6.31872207429884, -3.04566348430096, 2.06038213001524,
        0.966540593323391, 0.176515153272728, 0.340130965347186, 36.5946135534136, -0.845888177019233,
        1.19891848356469, 0.995078567004197, -0.41991340387013, 0.670896462513677, 7.04710946698561,
        -2.95726576760408, 2.11743895986382, 0.985136190855328, -0.596428557142858, 0.704199480892797,
        8.45973631699502, -3.13410058176864, 1.94124346748293, 0.949833910408466],
    # sv <- read.csv("data/sample/em40_survey.csv"); F_ACL, F_EFF = rowMeans of the factor's items (na.rm = TRUE)
    # an(sv$F_ACL, sv$role, "sv_role"); an(sv$F_EFF, sv$region, "sv_region")
    "sv_role_aov": [6.57815295527625, 0.00146996597844433, 10.1420751638207, 592.81502376153, 2, 769],
    "sv_role_welch": [7.28830151937336, 2, 202.424900298262, 0.00087802038515305],
    "sv_role_tukey": [0.043464052287586, -0.23651825232904, 0.323446356904212, 0.929379488871655,
        -0.219179646936654, -0.461154681142778, 0.0227953872694702, 0.085088090558505, -0.26264369922424,
        -0.45166614670512, -0.0736212517433603, 0.00329871400018855],
    "sv_role_levene": [2.06970628566317, 0.126925404047127],
    "sv_role_gh": [0.0434640522875824, 0.107781562505439, 171.912785315875, -0.211352159071202,
        0.298280263646367, 0.91431619023848, -0.219179646936656, 0.0949815706454718, 120.359302060075,
        -0.444576555408318, 0.00621726153500629, 0.0585445960295176, -0.262643699224238, 0.0755334255987264,
        276.197487587799, -0.440632129108509, -0.0846552693399679, 0.00169964529744637],
    "sv_region_aov": [0.195187578125747, 0.899693423564883, 0.439951512224661, 577.022309570101, 3, 768],
    "sv_region_welch": [0.20704499309283, 3, 425.188738943534, 0.891513836879885],
    "sv_region_tukey": [0.0311605584642232, -0.194623383227578, 0.256944500156024, 0.984615219267192,
        0.039125412541253, -0.183491777870547, 0.261742602953053, 0.969140031218623, -0.020865921787709,
        -0.250488423918954, 0.208756580343536, 0.995489434868573, 0.00796485407702985, -0.217272418715258,
        0.233202126869317, 0.999729511501795, -0.0520264802519321, -0.284190019751737, 0.180137059247873,
        0.938976281551654, -0.059991334328962, -0.28907632775724, 0.169093659099316, 0.906840522768768],
    "sv_region_levene": [0.463796880990408, 0.707637240745262],
    "sv_region_gh": [0.0311605584642236, 0.0912157039138023, 388.532955835954, -0.204192705034957,
        0.266513821963405, 0.986269395051604, 0.0391254125412539, 0.0882558818364198, 392.84676894069,
        -0.188580124958468, 0.266830950040976, 0.970873274706406, -0.0208659217877094, 0.0907262864953754,
        376.930700278143, -0.254987643721919, 0.2132558001465, 0.99570841846067, 0.00796485407703029,
        0.0854880393536822, 387.062600125766, -0.212613616359157, 0.228543324513218, 0.999709906158635,
        -0.052026480251933, 0.088036147434185, 367.835758647233, -0.27923133153858, 0.175178371034714,
        0.934780915974591, -0.0599913343289633, 0.0849656359552919, 373.427403073048, -0.279256730324297,
        0.159274061666371, 0.894665189606951],
}


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


def check(res, tag):
    f, p, ss_b, ss_w, df1, df2 = R[f"{tag}_aov"]
    assert (res.df1, res.df2) == (df1, df2)
    assert maxdiff([res.F, res.p, res.table.loc[0, "ss"], res.table.loc[1, "ss"]], [f, p, ss_b, ss_w]) < TOL
    wf, wdf1, wdf2, wp = R[f"{tag}_welch"]
    assert maxdiff([res.welch_F, res.welch_df1, res.welch_df2, res.welch_p], [wf, wdf1, wdf2, wp]) < TOL
    assert maxdiff([res.levene_F, res.levene_p], R[f"{tag}_levene"]) < TOL
    tk = np.array(R[f"{tag}_tukey"]).reshape(-1, 4)
    assert maxdiff(res.tukey[["diff", "ci_low", "ci_high", "p_adj"]].to_numpy(), tk) < TOL
    gh = np.array(R[f"{tag}_gh"]).reshape(-1, 6)
    assert maxdiff(res.games_howell[["diff", "se", "df", "ci_low", "ci_high", "p_adj"]].to_numpy(), gh) < TOL
    assert res.eta_sq == pytest.approx(ss_b / (ss_b + ss_w), abs=1e-12)
    ms_w = ss_w / df2
    assert res.omega_sq == pytest.approx((ss_b - df1 * ms_w) / (ss_b + ss_w + ms_w), abs=1e-9)


def test_plant_growth():
    res = anova(PLANT, "weight", "group")
    check(res, "plant")
    assert list(zip(res.tukey.group1, res.tukey.group2)) == [("trt1", "ctrl"), ("trt2", "ctrl"), ("trt2", "trt1")]
    assert list(res.groups["n"]) == [10, 10, 10]
    assert res.groups["mean"].tolist() == pytest.approx([5.032, 4.661, 5.526])
    tk90 = np.array(R["plant_tukey90"]).reshape(-1, 4)
    res90 = anova(PLANT, "weight", "group", confidence=0.90)
    assert maxdiff(res90.tukey[["diff", "ci_low", "ci_high", "p_adj"]].to_numpy(), tk90) < TOL


def test_holzinger_swineford_by_age_unequal_groups():
    res = anova(holzinger39.get_data(), "x1", "ageyr")
    check(res, "hs_age")
    assert list(res.groups["group"]) == [11, 12, 13, 14, 15, 16] and len(res.tukey) == 15


def test_survey_factor_scores_by_role_and_region():
    survey = edu40.datasets.load_em40_survey()
    check(anova(survey, "ACL", "role"), "sv_role")
    check(anova(survey, "EFF", "region"), "sv_region")


def test_games_howell_is_the_published_formula():
    # Hand computation for trt2 vs trt1 of PlantGrowth with scipy's studentized range.
    a = PLANT.loc[PLANT.group == "trt1", "weight"].to_numpy()
    b = PLANT.loc[PLANT.group == "trt2", "weight"].to_numpy()
    va, vb = a.var(ddof=1) / 10, b.var(ddof=1) / 10
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / 9 + vb ** 2 / 9)
    t = (b.mean() - a.mean()) / se
    p = stats.studentized_range.sf(abs(t) * np.sqrt(2), 3, df)
    row = anova(PLANT, "weight", "group").games_howell.iloc[2]
    assert (row["group1"], row["group2"]) == ("trt2", "trt1")
    assert row["t"] == pytest.approx(t) and row["df"] == pytest.approx(df) and row["p_adj"] == pytest.approx(p)


def test_categorical_order_and_outputs():
    data = PLANT.assign(group=pd.Categorical(PLANT.group, categories=["trt2", "trt1", "ctrl"]))
    res = anova(data, "weight", "group", lang="th")
    assert list(res.groups["group"]) == ["trt2", "trt1", "ctrl"]
    assert res.tukey.loc[0, "diff"] == pytest.approx(4.661 - 5.526)
    assert list(res.table["source"]) == ["ระหว่างกลุ่ม", "ภายในกลุ่ม", "รวม"]
    frame = res.to_frame()
    assert list(frame["test"]) == ["F", "Welch", "Levene"] and frame.loc[0, "statistic"] == res.F
    assert "Games-Howell" in res.tables() and "<table" in res._repr_html_()
    assert "Tukey HSD" in res.summary("en") and "Tukey HSD" in res.summary("th")
    with pytest.raises(AttributeError):
        res.F = 1.0


def test_bad_input():
    with pytest.raises(StatsInputError, match=r"group group='solo' has 1 non-missing"):
        anova(pd.DataFrame({"y": [1.0, 2, 3, 4, 5], "group": ["a", "a", "b", "b", "solo"]}), "y", "group")
    with pytest.raises(StatsInputError, match=r"group g='b' is 2"):
        anova(pd.DataFrame({"y": [1.0, 2, 3, 2, 2], "g": ["a", "a", "a", "b", "b"]}), "y", "g")
    with pytest.raises(StatsInputError, match="at least 2 are needed"):
        anova(pd.DataFrame({"y": [1.0, 2, 3], "g": ["a", "a", "a"]}), "y", "g")
    with pytest.raises(StatsInputError, match="'nope' not found"):
        anova(PLANT, "nope", "group")
    with pytest.raises(StatsInputError, match="not numeric"):
        anova(PLANT, "group", "group")
    with pytest.raises(StatsInputError, match="between='size'"):
        anova(PLANT, "weight", "size")
