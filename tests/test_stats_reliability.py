"""Reliability against R 4.2.2: psych::alpha / alpha.ci (psych 2.2.9) and semTools::compRelSEM (0.5-6).

Numbers printed by tests/r/reference.R (transcript: tests/r/reference.Rout).
"""
import numpy as np
import pandas as pd
import pytest
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError, cronbach_alpha, item_analysis, omega, reliability
from edu40.stats.reliability import feldt_ci, interpret_alpha

TOL = 1e-4
XS = [f"x{i}" for i in range(1, 10)]
FACTORS = {"EFF": 6, "ACL": 10, "ATM": 10, "QMG": 7, "HRM": 4, "IQA": 5}

R = {
    # al <- psych::alpha(HolzingerSwineford1939[, paste0("x", 1:9)])   (no missing data)
    #   raw_alpha std.alpha G6(smc) average_r S/N   ase mean   sd median_r
    #       0.76      0.76    0.81      0.26 3.2 0.021  4.2 0.66     0.21
    #   95% confidence boundaries: Feldt 0.72 0.76 0.8
    # c(al$total$raw_alpha, al$total$std.alpha); al$alpha.drop$raw_alpha; al$alpha.drop$std.alpha;
    # al$item.stats$r.drop; al$item.stats$raw.r; al$item.stats$mean; al$item.stats$sd
    "hs_alpha": [0.760488595824792, 0.760402218998014],
    "hs_alpha_drop_raw": [0.724806312904537, 0.764231295094124, 0.748955962581672, 0.715001310325924,
        0.723572048563683, 0.714153995412587, 0.766436838504675, 0.748424482146613, 0.731030203524536],
    "hs_alpha_drop_std": [0.725111818015132, 0.763185176965907, 0.748243022504387, 0.718581314278513,
        0.72552096948996, 0.716771275184661, 0.764980013778636, 0.747130723756554, 0.728064408917908],
    "hs_rdrop": [0.52203672078405, 0.275243062370801, 0.370172120830561, 0.580706642132906, 0.525385381035888,
        0.595139019340964, 0.245731644517825, 0.369055449278503, 0.494780997691849],
    "hs_rawr": [0.657359075679231, 0.453044797173068, 0.528327944829123, 0.702919045311643, 0.673324496002014,
        0.707460366300647, 0.413820579823836, 0.511361186155441, 0.617414158532992],
    "hs_item_mean": [4.93576965637874, 6.08803986710963, 2.25041528239203, 3.06090808684385, 4.34053156146179,
        2.1855719017608, 4.18590206677741, 5.52707641196013, 5.37412329169435],
    "hs_item_sd": [1.16743211579851, 1.17745055596345, 1.13097940312766, 1.16411628409049, 1.29047215513052,
        1.09560313950172, 1.08953350684633, 1.01261514117741, 1.00915173100625],
    # psych::alpha.ci(al$total$raw_alpha, n.obs = 301, n.var = 9)               -> lower.ci, upper.ci
    # psych::alpha.ci(al$total$raw_alpha, n.obs = 301, n.var = 9, p.val = 0.10)
    "hs_feldt": [0.717716865952482, 0.799078832561648],
    "hs_feldt90": [0.725031574887174, 0.793276559988651],
    # sv <- read.csv("data/sample/em40_survey.csv"); for each factor f with items it <- sv[, paste0(f, 1:k)]:
    #   al <- psych::alpha(na.omit(it)); ci <- psych::alpha.ci(al$total$raw_alpha, nrow(na.omit(it)), ncol(it))
    #   sv_alpha_f = c(raw_alpha, std.alpha, n complete, ci$lower.ci, ci$upper.ci);
    #   sv_rdrop_f = al$item.stats$r.drop; sv_drop_f = al$alpha.drop$raw_alpha
    #   alp <- psych::alpha(it)   (default use = "pairwise"): sv_alpha_pairwise_f, sv_rdrop_pairwise_f
    # printed for HRM, psych::alpha(na.omit(sv[, paste0("HRM", 1:4)])):
    #   raw_alpha std.alpha G6(smc) average_r S/N    ase mean   sd median_r
    #        0.95      0.95    0.94      0.83  20 0.0029    4 0.81     0.83
    "sv_alpha_EFF": [0.964129896098554, 0.96468206174493, 771, 0.960060458635153, 0.96791487734675],
    "sv_rdrop_EFF": [0.900195022565032, 0.876380619165772, 0.902300777369465, 0.902710579448214,
        0.842798791870769, 0.89187253344145],
    "sv_drop_EFF": [0.955623829216318, 0.958158765762187, 0.955581440442137, 0.955494917498995,
        0.962263787679085, 0.956490631867266],
    "sv_alpha_pairwise_EFF": [0.964113473199855, 0.96466254704481],
    "sv_rdrop_pairwise_EFF": [0.89998883197972, 0.876644839968984, 0.902267948853628, 0.902679467247729,
        0.84275345450039, 0.891590162110947],
    "sv_alpha_ACL": [0.981298453107466, 0.981387385616687, 770, 0.979265931355533, 0.98320754376313],
    "sv_rdrop_ACL": [0.912169731470813, 0.822160119124746, 0.920264215534915, 0.918864360068942,
        0.906106938843897, 0.916110007538074, 0.917221005199701, 0.914846940716155, 0.919618691453575,
        0.927477651795336],
    "sv_drop_ACL": [0.979126211791513, 0.981836830728399, 0.978840491764369, 0.978884831776151,
        0.979295542387824, 0.979035906502486, 0.978967556840772, 0.979032448109667, 0.978920855672095,
        0.978617226146968],
    "sv_alpha_pairwise_ACL": [0.981285453518922, 0.981374761300042],
    "sv_rdrop_pairwise_ACL": [0.912253497753651, 0.821945193106101, 0.920322056103338, 0.918877490774454,
        0.906698578101409, 0.916002485137447, 0.916837655951684, 0.91449138164966, 0.919548359751852,
        0.927302384419949],
    "sv_alpha_ATM": [0.979919385752953, 0.979954136331253, 771, 0.977738445369021, 0.981967965267251],
    "sv_rdrop_ATM": [0.90443143219533, 0.882094525863324, 0.891768434371987, 0.920247439916448,
        0.916835569348521, 0.876551384573205, 0.877083516454289, 0.929187197232972, 0.934531717073379,
        0.878321912301217],
    "sv_drop_ATM": [0.977640665589957, 0.978331943684012, 0.978027752539933, 0.977110684095904,
        0.977230266526944, 0.97853502459446, 0.978492401740243, 0.976826985781866, 0.976642149691305,
        0.978477313349789],
    "sv_alpha_pairwise_ATM": [0.979892107810509, 0.979926630294947],
    "sv_rdrop_pairwise_ATM": [0.904386230845183, 0.882062399147999, 0.891692067094206, 0.9200862724996,
        0.916660788789125, 0.877035374446663, 0.876698812651715, 0.92912622046019, 0.934290724141524,
        0.877798954956457],
    "sv_alpha_QMG": [0.968281357783782, 0.968390394679476, 772, 0.964742275065511, 0.971585138243238],
    "sv_rdrop_QMG": [0.862663195308334, 0.918469724585538, 0.912570688589607, 0.858591900475115,
        0.841291781527144, 0.906486968693803, 0.900154820206255],
    "sv_drop_QMG": [0.964875600227329, 0.960693257437503, 0.9611391726561, 0.965269014311944, 0.966480922657345,
        0.961599536049765, 0.962078174123859],
    "sv_alpha_pairwise_QMG": [0.968281357783782, 0.968390394679476],
    "sv_rdrop_pairwise_QMG": [0.862663195308334, 0.918469724585538, 0.912570688589607, 0.858591900475115,
        0.841291781527144, 0.906486968693803, 0.900154820206255],
    "sv_alpha_HRM": [0.951144972690398, 0.951669228745348, 771, 0.945260850058257, 0.956543481427864],
    "sv_rdrop_HRM": [0.885407300487183, 0.896540023641034, 0.852907756972494, 0.893643010093042],
    "sv_drop_HRM": [0.934841363194502, 0.931910428129033, 0.944759262443247, 0.932172715358085],
    "sv_alpha_pairwise_HRM": [0.95113269248491, 0.951655305948395],
    "sv_rdrop_pairwise_HRM": [0.885245637378952, 0.896483037775323, 0.852758421817837, 0.893880268777172],
    "sv_alpha_IQA": [0.962503055430829, 0.962522819573207, 769, 0.958143525678298, 0.966536128868366],
    "sv_rdrop_IQA": [0.901669236785239, 0.866746535132159, 0.897125329818507, 0.914388907508431,
        0.8877380989634],
    "sv_drop_IQA": [0.952198876845253, 0.957909864341504, 0.952960435489152, 0.950090024224271,
        0.954524628736659],
    "sv_alpha_pairwise_IQA": [0.962412475964693, 0.962436467947828],
    "sv_rdrop_pairwise_IQA": [0.901426435386198, 0.866617233292179, 0.897279234341955, 0.913997150958407,
        0.887220097323955],
    # all 42 items: al <- psych::alpha(na.omit(sv[, all42])) -> raw_alpha, std.alpha, n
    "sv_alpha_overall": [0.983256697436309, 0.983263139292015, 764],
    # fit <- lavaan::cfa("F =~ x1 + ... + x9", data = HS, std.lv = TRUE)
    # c(compRelSEM(fit, obs.var = FALSE), compRelSEM(fit), fitMeasures(fit, c("chisq", "df", "ntotal")))
    #   printed: compRelSEM(fit, obs.var = FALSE)  F 0.738;   compRelSEM(fit)  F 0.63
    # parameterEstimates(fit)$est[1:k]   (the loadings)
    # the same for HS x4-x6 (saturated, df = 0) and the survey's ACL, HRM, IQA items
    "hs_omega9": [0.738069171677728, 0.62961391177513, 312.264159358139, 27, 301],
    "hs_omega9_lambda": [0.510417420931456, 0.259085467590085, 0.25154179221577, 0.985159011014871,
        1.08362415393754, 0.916676067707359, 0.196304575825194, 0.203381731010145, 0.309094760583433],
    "hs_omega_textual": [0.885880923932492, 0.885880924409215, 0, 0, 301],
    "hs_omega_textual_lambda": [0.984368496063673, 1.11518479811008, 0.909736255673168],
    "sv_omega_ACL": [0.981617751037312, 0.981488952940665, 177.561425085647, 35, 770],
    "sv_omega_ACL_lambda": [0.918633618498171, 0.761079929224855, 0.892026684283199, 0.899853979779914,
        0.857541847345408, 0.837867958837083, 0.932328515197225, 0.917700642930639, 0.848081527641642,
        0.893984532224071],
    "sv_omega_HRM": [0.951316995877758, 0.951260020121159, 0.739181530788159, 2, 771],
    "sv_omega_HRM_lambda": [0.859971885356019, 0.805765275931934, 0.815348047665892, 0.831004399431938],
    "sv_omega_IQA": [0.962701467406552, 0.962703568526194, 59.062237940407, 5, 769],
    "sv_omega_IQA_lambda": [0.895816151939053, 0.858811421653984, 0.881218110637539, 0.928946026852338,
        0.863208492839801],
}


def maxdiff(a, b):
    return float(np.max(np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))))


@pytest.fixture(scope="module")
def hs():
    return holzinger39.get_data()[XS]


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


def items_of(survey, f):
    return survey.items[[f"{f}{i}" for i in range(1, FACTORS[f] + 1)]]


def test_alpha_matches_psych_alpha_and_feldt(hs):
    res = cronbach_alpha(hs)
    assert maxdiff([res.alpha, res.std_alpha], R["hs_alpha"]) < TOL
    assert maxdiff([res.ci_low, res.ci_high], R["hs_feldt"]) < TOL
    assert (res.n, res.k) == (301, 9)
    r90 = cronbach_alpha(hs, confidence=0.90)
    assert maxdiff([r90.ci_low, r90.ci_high], R["hs_feldt90"]) < TOL


def test_item_analysis_matches_psych_alpha(hs):
    t = item_analysis(hs, lang="en")
    assert list(t["item"]) == XS
    assert maxdiff(t["r_drop"], R["hs_rdrop"]) < TOL
    assert maxdiff(t["r_total"], R["hs_rawr"]) < TOL
    assert maxdiff(t["alpha_if_deleted"], R["hs_alpha_drop_raw"]) < TOL
    assert maxdiff(t["std_alpha_if_deleted"], R["hs_alpha_drop_std"]) < TOL
    assert maxdiff(t["mean"], R["hs_item_mean"]) < TOL and maxdiff(t["sd"], R["hs_item_sd"]) < TOL
    assert (t["n"] == 301).all()
    # r.drop of x7 is .246 (>= .20: keep); with the stricter .30 it is "revise"
    assert t.set_index("item").loc["x7", "decision"] == "keep"
    strict = item_analysis(hs, min_r=0.30, lang="th").set_index("item")
    assert strict.loc["x7", "decision"] == "ควรปรับปรุง" and strict.loc["x1", "decision"] == "ใช้ได้"


@pytest.mark.parametrize("factor", list(FACTORS))
def test_survey_factors_listwise_and_pairwise(survey, factor):
    it = items_of(survey, factor)
    res = cronbach_alpha(it)
    alpha, std, n, lo, hi = R[f"sv_alpha_{factor}"]
    assert res.n == n
    assert maxdiff([res.alpha, res.std_alpha, res.ci_low, res.ci_high], [alpha, std, lo, hi]) < TOL
    t = item_analysis(it)
    assert maxdiff(t["r_drop"], R[f"sv_rdrop_{factor}"]) < TOL
    assert maxdiff(t["alpha_if_deleted"], R[f"sv_drop_{factor}"]) < TOL
    pw = cronbach_alpha(it, nan_policy="pairwise")
    assert maxdiff([pw.alpha, pw.std_alpha], R[f"sv_alpha_pairwise_{factor}"]) < TOL
    assert maxdiff(item_analysis(it, nan_policy="pairwise")["r_drop"], R[f"sv_rdrop_pairwise_{factor}"]) < TOL


def test_pairwise_n_is_the_smallest_pairwise_n(survey):
    it = items_of(survey, "EFF")
    ok = it.notna().to_numpy(dtype=int)
    res = cronbach_alpha(it, nan_policy="pairwise")
    assert res.n == (ok.T @ ok).min()
    assert (res.ci_low, res.ci_high) == feldt_ci(res.alpha, res.n, res.k)


def test_reliability_table(survey):
    t = reliability(survey, lang="en")
    assert list(t["variable"]) == list(FACTORS) + ["overall"]
    assert list(t.columns) == ["variable", "label", "k", "n", "alpha", "std_alpha", "ci_low", "ci_high", "omega",
                               "interpretation", "note"]
    assert (t["note"] == "").all()
    for f in FACTORS:
        row = t.set_index("variable").loc[f]
        alpha, std, n, lo, hi = R[f"sv_alpha_{f}"]
        assert row["n"] == n and abs(row["alpha"] - alpha) < TOL and abs(row["ci_high"] - hi) < TOL
    overall = t.iloc[-1]
    assert overall["k"] == 42 and overall["n"] == R["sv_alpha_overall"][2]
    assert maxdiff([overall["alpha"], overall["std_alpha"]], R["sv_alpha_overall"][:2]) < TOL
    assert abs(t.set_index("variable").loc["ACL", "omega"] - R["sv_omega_ACL"][0]) < TOL
    assert (t["interpretation"] == "excellent").all()
    th = reliability(survey, with_omega=False, lang="th")
    assert "omega" not in th.columns and th.loc[0, "label"] == survey.instrument.label("EFF", "th")
    assert th.iloc[-1]["label"] == "ทั้งฉบับ" and th.loc[0, "interpretation"] == "ดีมาก"


def test_reliability_of_a_dataframe_with_factors(hs):
    t = reliability(hs, {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"]}, lang="en")
    assert list(t["variable"]) == ["visual", "textual", "overall"] and list(t["k"]) == [3, 3, 6]
    assert t.loc[1, "alpha"] == pytest.approx(cronbach_alpha(hs[["x4", "x5", "x6"]]).alpha, abs=1e-12)
    one = reliability(hs, with_omega=False)
    assert list(one["variable"]) == ["overall"] and abs(one.loc[0, "alpha"] - R["hs_alpha"][0]) < TOL


def test_george_mallery_bands():
    assert [interpret_alpha(a, "en") for a in (0.95, 0.85, 0.70, 0.65, 0.55, 0.2)] == [
        "excellent", "good", "acceptable", "questionable", "poor", "unacceptable"]
    assert interpret_alpha(0.70, "th") == "ยอมรับได้"


def test_omega_matches_comprelsem(hs, survey):
    cases = [(hs, XS, "hs_omega9"), (hs, ["x4", "x5", "x6"], "hs_omega_textual"),
             (survey.items, [f"ACL{i}" for i in range(1, 11)], "sv_omega_ACL"),
             (survey.items, [f"HRM{i}" for i in range(1, 5)], "sv_omega_HRM"),
             (survey.items, [f"IQA{i}" for i in range(1, 6)], "sv_omega_IQA")]
    for data, cols, key in cases:
        res = omega(data[cols])
        om, om_obs, chi2, df, n = R[key]
        assert abs(res.omega - om) < TOL and abs(res.omega_observed - om_obs) < TOL, key
        assert res.df == df and res.n == n and abs(res.chi2 - chi2) < 1e-3, key
        assert maxdiff(res.loadings["loading"], R[f"{key}_lambda"]) < TOL, key
    saturated = omega(hs[["x4", "x5", "x6"]])
    assert saturated.p is None and "saturated" in saturated.summary("en")
    assert omega(hs).p < 1e-30


def test_omega_reduces_to_alpha_for_a_tau_equivalent_population():
    # Items with equal loadings and equal error variances: omega = alpha in the population;
    # in a large sample from it they agree to sampling error.
    rng = np.random.default_rng(7)
    f = rng.normal(size=20000)
    x = pd.DataFrame({f"i{j}": 0.8 * f + 0.6 * rng.normal(size=20000) for j in range(5)})
    res = omega(x)
    assert abs(res.omega - res.alpha) < 0.002
    assert res.omega == pytest.approx(5 * 0.64 * 5 / (25 * 0.64 + 5 * 0.36), abs=0.005)


def test_result_objects(hs):
    res = cronbach_alpha(hs)
    with pytest.raises(AttributeError):
        res.alpha = 1.0
    assert res.to_frame().loc[0, "alpha"] == res.alpha
    assert res.summary("en").startswith("Cronbach's alpha = 0.760 (acceptable)")
    assert "ครอนบาค" in res.summary("th")
    om = omega(hs)
    assert "<table" in om._repr_html_() and list(om.tables("en")) == ["loadings"]
    assert "loadings" not in om.to_frame().columns


def test_bad_input(hs):
    with pytest.raises(StatsInputError, match="at least 2 items"):
        cronbach_alpha(hs[["x1"]])
    with pytest.raises(StatsInputError, match="'c' is constant"):
        cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 4], "c": [3, 3, 3, 3]}))
    with pytest.raises(StatsInputError, match="'b' has no answers"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [np.nan] * 4}))
    with pytest.raises(StatsInputError, match="'b' has 2 answer"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1, 2, np.nan, np.nan]}))
    with pytest.raises(StatsInputError, match="'school' is not numeric"):
        cronbach_alpha(holzinger39.get_data()[["x1", "x2", "school"]])
    with pytest.raises(StatsInputError, match="at least 3 items"):
        item_analysis(hs[["x1", "x2"]])
    with pytest.raises(StatsInputError, match="at least 3 items"):
        omega(hs[["x1", "x2"]])
    with pytest.raises(StatsInputError, match="complete cases"):
        cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, np.nan, 5, 6], "b": [np.nan, 2, 3, 4, 1, np.nan],
                                     "c": [1.0, np.nan, 2, 3, 1, 4]}))
    with pytest.raises(ValueError, match="nan_policy"):
        cronbach_alpha(hs, nan_policy="pairwize")


def test_omega_refuses_dependent_items_and_heywood_cases():
    x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2.0], "b": [2, 3, 1, 5, 4, 4.0]})
    with pytest.raises(StatsInputError, match="linearly dependent"):
        omega(x.assign(total=x.a + x.b))
    # Sample correlations r12 = r13 = .8, r23 = .5 (made exact by whitening): the saturated one-factor
    # solution has lambda1^2 = r12 r13 / r23 = 1.28 > 1, i.e. a negative residual variance for 'a'.
    target = np.array([[1, 0.8, 0.8], [0.8, 1, 0.5], [0.8, 0.5, 1]])
    z = np.random.default_rng(3).normal(size=(300, 3))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    heywood = pd.DataFrame(z @ np.linalg.cholesky(target).T, columns=["a", "b", "c"])
    assert np.allclose(heywood.corr().to_numpy(), target)
    with pytest.raises(StatsInputError, match=r"Heywood case, residual variance of \['a'\]"):
        omega(heywood)


def test_reliability_table_says_why_omega_is_missing():
    frame = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2, 3], "b": [2, 2, 3, 5, 5, 1, 3], "c": [1, 3, 3, 4, 4, 2, 2]})
    t = reliability(frame, {"two": ["a", "b"], "three": ["a", "b", "c"]})
    two = t.set_index("variable").loc["two"]
    assert np.isnan(two["omega"]) and "needs 3" in two["note"]
