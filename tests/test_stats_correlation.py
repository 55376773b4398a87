"""Correlations against R 4.2.2 cor.test and p.adjust (values printed by tests/r/reference.R)."""
import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from semopy.examples import holzinger39

import edu40
from edu40 import StatsInputError, correlations

TOL = 1e-4
XS = [f"x{i}" for i in range(1, 10)]

R = {
    # HS <- lavaan::HolzingerSwineford1939; xs <- paste0("x", 1:9)
    # for each pair i < j of x1..x9 (x1-x2, x1-x3, ..., x8-x9):
    #   ct <- cor.test(HS[[xs[i]]], HS[[xs[j]]])          -> estimate, p.value  (and conf.int)
    #   cs <- cor.test(..., method = "spearman")            -> estimate, p.value
    # printed for x1, x2:
    #   Pearson's product-moment correlation: t = 5.385155412027, df = 299, p-value = 1.46696308402e-07
    #   95 percent confidence interval: 0.190703829876832 0.397050718697727; cor 0.297345511015847
    #   Spearman's rank correlation rho: S = 3250031.151357, p-value = 4.96885635873e-07; rho 0.284937371816352
    #   (the x's have ties, so R uses the t approximation, with a warning)
    "hs_pearson_r_p": [0.297345511015847, 1.46696308402445e-07, 0.440667995256077, 9.90272551002812e-16,
        0.372706265348223, 2.36378465068476e-11, 0.293443689100553, 2.16648342195709e-07, 0.356770187255645,
        1.82977515829317e-10, 0.0668639156576552, 0.247471155514293, 0.223926769157719, 8.90293391766303e-05,
        0.390340414178281, 2.14678435415727e-12, 0.339848981024972, 1.42413803208003e-09, 0.152930187381682,
        0.00786404261171792, 0.139387489333306, 0.0155185478525238, 0.192531901635957, 0.000785440386613641,
        -0.0756689159870858, 0.190459139874646, 0.0922792281688818, 0.110102140259063, 0.206040568694455,
        0.000320078887493793, 0.158639566830315, 0.00580974592098562, 0.0771982257085102, 0.181627527533629,
        0.197661021625728, 0.000562431766984393, 0.0719310475085952, 0.21336082055298, 0.186012632548421,
        0.00118647380778161, 0.328650613353635, 5.18250341201294e-09, 0.733170166386544, 5.32236496651999e-52,
        0.704480241872092, 1.95031619697532e-46, 0.17382911710637, 0.00247528081286866, 0.10689837520997,
        0.063995460398859, 0.207848305589032, 0.000282588563212589, 0.719955540265243, 2.3733611362208e-49,
        0.102044752581405, 0.0771175839235252, 0.138669981252845, 0.0160636382468131, 0.227466416523461,
        6.82512605558326e-05, 0.121101696294931, 0.0357263026605248, 0.149611323119705, 0.00933579878873785,
        0.214161742836952, 0.000181377597190892, 0.486757925677912, 2.60012768366545e-19, 0.340645718978524,
        1.2965120455955e-09, 0.44901544745235, 2.43613601724744e-16],
    "hs_pearson_ci": [0.190703829876832, 0.397050718697727, 0.344792760607659, 0.527443822132532,
        0.271075823149857, 0.466118524432728, 0.186581117751379, 0.393443700770308, 0.253961070911692,
        0.451607493732116, -0.0465401910791904, 0.178566414614489, 0.113754202664623, 0.328658928569058,
        0.290089432998228, 0.482117414986745, 0.235858529386019, 0.436144310689324, 0.040579466379056,
        0.261462045179382, 0.0267568215205731, 0.248523540162319, 0.0812480572102622, 0.299074497629681,
        -0.187120489150408, 0.0377059450887537, -0.0209920729605782, 0.203211552032336, 0.0952059309503571,
        0.311829319648936, 0.0464197817249128, 0.266905043895066, -0.0361697473537425, 0.18860449566483,
        0.0865426016735047, 0.303921876928652, -0.0414583948018536, 0.183491206267669, 0.0745275808604544,
        0.292905383220181, 0.223917914444696, 0.425879488739459, 0.676162671475277, 0.78145069729805,
        0.642607174721155, 0.757224804060901, 0.0619951279960252, 0.281352345952666, -0.00622920931599408,
        0.217324291623506, 0.0970770930297205, 0.313533288943131, 0.660677518904319, 0.770310263902095,
        -0.0111360208075519, 0.212643912407301, 0.0260256809736067, 0.24783695487351, 0.117433998685338,
        0.331981613202424, 0.00816112497387713, 0.230991535292581, 0.0371880137819775, 0.258294852445956,
        0.103618188511568, 0.319478988070655, 0.395467864420687, 0.568524817696111, 0.236709274708096,
        0.436873675383953, 0.35392938891978, 0.534914307762626],
    "hs_spearman_r_p": [0.284937371816352, 4.96885635873284e-07, 0.441297766204905, 8.92042487712861e-16,
        0.379650722723807, 9.34944041670829e-12, 0.297410889799153, 1.45733809594604e-07, 0.337938920712993,
        1.78170349887701e-09, 0.0372898283544467, 0.519259877464886, 0.176410705384228, 0.00212626212465493,
        0.384885588596837, 4.57886946170605e-12, 0.319086127869882, 1.49981537737867e-08, 0.194604295427065,
        0.000686982810992895, 0.208370157745729, 0.00027255294451491, 0.198917296128467, 0.000517595055662547,
        -0.0478491052829456, 0.408140271345174, 0.0794470119441463, 0.169195602440023, 0.202241658845848,
        0.000414436343690321, 0.14736535584843, 0.0104657905105466, 0.0886699384311841, 0.124786264915977,
        0.169374311403259, 0.00320216306208245, 0.0625689437680797, 0.279219426472215, 0.161026683073123,
        0.00510421585686903, 0.318048333384512, 1.67938714567077e-08, 0.704184756309388, 2.20757413487802e-46,
        0.690065715013278, 6.91310491080116e-44, 0.154505166175482, 0.00724092317838741, 0.0815933195668361,
        0.157933285780595, 0.192203032573351, 0.000802212753091902, 0.752496000824185, 3.57608333054656e-56,
        0.0737386720863566, 0.20205006496602, 0.106835445080204, 0.0641530369104092, 0.230471599786209,
        5.42855299765614e-05, 0.107562128667522, 0.0623527146677218, 0.134229647223314, 0.0198241248232722,
        0.157873047053473, 0.00605418019198632, 0.470477401902222, 5.52106715549962e-18, 0.326539453930655,
        6.57339357206688e-09, 0.436507869368451, 1.96382430319964e-15],
    # pp <- the 36 Pearson p values; p.adjust(pp, "holm"), p.adjust(pp, "BH"), p.adjust(pp, "bonferroni")
    "hs_holm": [3.52071140165869e-06, 3.06984490810872e-14, 6.8549754869858e-10, 4.98291187050131e-06,
        5.12337044322089e-09, 0.726510110134518, 0.00186961612270924, 6.44035306247181e-11,
        3.70275888340807e-08, 0.094368511340615, 0.155185478525238, 0.0125670461858183, 0.726510110134518,
        0.550510701295316, 0.00576141997488827, 0.075526696972813, 0.726510110134518, 0.00956134003873468,
        0.726510110134518, 0.0177971071167241, 1.29562585300324e-07, 1.9160513879472e-50, 6.63107506971607e-45,
        0.0346539313801613, 0.447968222792013, 0.0053691827010392, 8.30676397677281e-48, 0.462705503541151,
        0.155185478525238, 0.00150152773222832, 0.285810421284199, 0.102693786676116, 0.00362755194381784,
        8.580421356096e-18, 3.50058252310784e-08, 7.79563525519182e-15],
    "hs_bh": [4.06235930960617e-07, 5.94163530601687e-15, 1.06370309280814e-10, 5.5709573707468e-07,
        7.3191006331727e-10, 0.247471155514293, 0.000200316013147418, 1.10406052499517e-11,
        4.66081537771645e-09, 0.0113242213608738, 0.020653249174474, 0.00134646923419481, 0.201662618690801,
        0.123864907791446, 0.000606465260514555, 0.00871461888147843, 0.198139120945778, 0.00101237718057191,
        0.219456843997351, 0.00194150259455172, 1.55475102360388e-08, 1.9160513879472e-50, 2.34037943637038e-45,
        0.003874352576664, 0.0767945524786308, 0.000565177126425179, 4.27205004519745e-48, 0.0895559039111906,
        0.020653249174474, 0.000163803025333998, 0.0443498929578929, 0.0129264906305601, 0.000384093735227772,
        2.34011491529891e-18, 4.66081537771645e-09, 1.75401793241816e-15],
    "hs_bonferroni": [5.28106710248803e-06, 3.56498118361012e-14, 8.50962474246513e-10, 7.79934031904552e-06,
        6.58719056985543e-09, 1, 0.00320505621035869, 7.72842367496617e-11, 5.12689691548809e-08,
        0.283105534021845, 0.558667722690856, 0.0282758539180911, 1, 1, 0.0115228399497765, 0.209150853155482,
        1, 0.0202475436114382, 1, 0.0427130570801379, 1.86570122832466e-07, 1.9160513879472e-50,
        7.02113830911113e-45, 0.0891101092632719, 1, 0.0101731882756532, 8.54410009039489e-48, 1,
        0.578290976885271, 0.00245704538000997, 1, 0.336088756394563, 0.00652959349887212, 9.36045966119564e-18,
        4.66744336414379e-08, 8.77008966209079e-15],
    # cor.test(HS$x1, HS$x2, conf.level = 0.90)$conf.int
    "hs_x1x2_ci90": [0.208230867897347, 0.381564049653207],
    # sv <- read.csv("data/sample/em40_survey.csv"); F_EFF, F_ACL = rowMeans of the factor's items (na.rm = TRUE)
    # cor.test(sv$F_EFF, sv$F_ACL, method = "spearman"): rho 0.721899373264239, p-value < 2.2e-16
    # ct <- cor.test(sv$EFF2, sv$IQA3); c(ct$estimate, ct$p.value, ct$parameter + 2)   (pairwise n)
    "sv_spearman": [0.721899373264239, 3.02210691974838e-125],
    "sv_pearson_pairwise": [0.616347068870896, 9.50742365251848e-82, 770],
}


@pytest.fixture(scope="module")
def hs():
    return holzinger39.get_data()


def test_pearson_matches_cor_test_for_all_36_pairs(hs):
    res = correlations(hs[XS])
    pairs = res.to_frame()
    assert list(zip(pairs.x, pairs.y)) == list(combinations(XS, 2))
    r_p = np.array(R["hs_pearson_r_p"]).reshape(-1, 2)
    ci = np.array(R["hs_pearson_ci"]).reshape(-1, 2)
    assert np.max(np.abs(pairs["r"] - r_p[:, 0])) < TOL
    assert np.max(np.abs(pairs["p"] - r_p[:, 1])) < TOL
    assert np.allclose(pairs["p"], r_p[:, 1], rtol=1e-6, atol=0)    # also the tiny ones
    assert np.max(np.abs(pairs["ci_low"] - ci[:, 0])) < TOL
    assert np.max(np.abs(pairs["ci_high"] - ci[:, 1])) < TOL
    assert (pairs["n"] == 301).all()
    assert pairs.loc[0, "t"] == pytest.approx(5.385155412027, abs=TOL)


def test_spearman_matches_cor_test_with_ties(hs):
    pairs = correlations(hs[XS], method="spearman").to_frame()
    r_p = np.array(R["hs_spearman_r_p"]).reshape(-1, 2)
    assert np.max(np.abs(pairs["r"] - r_p[:, 0])) < TOL
    assert np.allclose(pairs["p"], r_p[:, 1], rtol=1e-6, atol=1e-12)


def test_spearman_interval_is_fisher_z_with_bonett_wright_se(hs):
    row = correlations(hs[["x1", "x2"]], method="spearman").to_frame().iloc[0]
    r, n = row["r"], row["n"]
    h = stats.norm.ppf(0.975) * math.sqrt((1 + r * r / 2) / (n - 3))
    assert row["ci_low"] == pytest.approx(math.tanh(math.atanh(r) - h), abs=1e-12)
    assert row["ci_high"] == pytest.approx(math.tanh(math.atanh(r) + h), abs=1e-12)


@pytest.mark.parametrize("adjust, key", [("holm", "hs_holm"), ("fdr_bh", "hs_bh"), ("bonferroni", "hs_bonferroni")])
def test_adjusted_p_match_p_adjust(hs, adjust, key):
    pairs = correlations(hs[XS], adjust=adjust).to_frame()
    assert np.allclose(pairs["p_adj"], R[key], rtol=1e-6, atol=1e-12)


def test_confidence_level(hs):
    row = correlations(hs[["x1", "x2"]], confidence=0.90).to_frame().iloc[0]
    assert abs(row["ci_low"] - R["hs_x1x2_ci90"][0]) < TOL and abs(row["ci_high"] - R["hs_x1x2_ci90"][1]) < TOL


def test_survey_factor_scores_and_pairwise_items():
    survey = edu40.datasets.load_em40_survey()
    res = correlations(survey, ["EFF", "ACL"], method="spearman")
    row = res.to_frame().iloc[0]
    assert abs(row["r"] - R["sv_spearman"][0]) < TOL and row["p"] == pytest.approx(R["sv_spearman"][1], rel=1e-6)
    items = correlations(survey, ["EFF2", "IQA3"], items=True).to_frame().iloc[0]
    r, p, n = R["sv_pearson_pairwise"]
    assert items["n"] == n and abs(items["r"] - r) < TOL and items["p"] == pytest.approx(p, rel=1e-6)


def test_pairwise_and_listwise_n():
    survey = edu40.datasets.load_em40_survey()
    cols = ["EFF2", "ACL3", "IQA3"]
    pairwise = correlations(survey.items[cols]).to_frame()
    listwise = correlations(survey.items[cols], nan_policy="listwise").to_frame()
    complete = survey.items[cols].dropna()
    assert set(listwise["n"]) == {len(complete)}
    assert listwise.loc[0, "r"] == pytest.approx(np.corrcoef(complete["EFF2"], complete["ACL3"])[0, 1], abs=1e-12)
    for row in pairwise.itertuples():
        both = survey.items[[row.x, row.y]].dropna()
        assert row.n == len(both)
        assert row.r == pytest.approx(np.corrcoef(both[row.x], both[row.y])[0, 1], abs=1e-12)
    assert pairwise["n"].max() > len(complete)
    assert correlations(survey.items[cols]).matrix("n").loc["EFF2", "EFF2"] == survey.items["EFF2"].notna().sum()


def test_matrix_and_apa_table(hs):
    cols = ["x1", "x2", "x5", "x7"]
    res = correlations(hs[cols])
    m = res.matrix()
    assert np.allclose(m.to_numpy(), np.corrcoef(hs[cols].to_numpy(), rowvar=False), atol=1e-12)
    assert (res.matrix("p").to_numpy().diagonal() == 0).all()
    apa = res.apa_table("en")
    assert list(apa.columns) == ["n", "M", "SD", "1", "2", "3", "4"]
    assert list(apa.index) == ["1. x1", "2. x2", "3. x5", "4. x7"]
    # from R above: x1-x2 r = .297, p = 1.5e-07 -> ".30***"; x2-x7 r = -.076, p = .19 -> "-.08";
    # x2-x5 r = .139, p = .0155 -> ".14*"
    assert apa.loc["2. x2", "1"] == ".30***"
    assert apa.loc["4. x7", "2"] == "-.08"
    assert apa.loc["1. x1", "1"] == "—" and apa.loc["1. x1", "2"] == ""
    thai = res.apa_table("th", convention="thai")
    assert thai.loc["2. x2", "1"] == ".30**"              # Thai note: * .05, ** .01 only
    assert "ค่าเฉลี่ย" in thai.columns and "S.D." in thai.columns
    assert apa.loc["3. x5", "2"] == ".14*"
    assert "correlations of 4 variables" in res.summary("en") and "<table" in res._repr_html_()


def test_stars_use_adjusted_p(hs):
    raw = correlations(hs[XS]).to_frame()
    adj = correlations(hs[XS], adjust="bonferroni").to_frame()
    i = raw.index[(raw["p"] < 0.05) & (adj["p_adj"] > 0.05)][0]
    assert raw.loc[i, "stars"] != "" and adj.loc[i, "stars"] == ""


def test_bad_input():
    with pytest.raises(StatsInputError, match="at least 2 columns"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4]}))
    with pytest.raises(StatsInputError, match="'c' is constant"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4], "c": [2.0, 2, 2, 2]}))
    with pytest.raises(StatsInputError, match="'b' has no answers"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [np.nan] * 4}))
    with pytest.raises(StatsInputError, match="not numeric"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4], "who": ["x", "y", "z", "w"]}))
    with pytest.raises(StatsInputError, match="answered together by 3"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4, 5, np.nan], "b": [np.nan, np.nan, 1, 3, 2, 4.0]}))
    with pytest.raises(ValueError, match="method"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4]}), method="kendall")
    with pytest.raises(ValueError, match="adjust"):
        correlations(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4]}), adjust="BH")


def test_survey_columns_may_mix_factors_items_and_other_numeric_columns():
    survey = edu40.datasets.load_em40_survey()
    pairs = correlations(survey, ["EFF", "ACL1", "years_experience"]).to_frame()
    assert list(zip(pairs.x, pairs.y)) == [("EFF", "ACL1"), ("EFF", "years_experience"), ("ACL1", "years_experience")]
    eff = survey.factor_scores()["EFF"]
    assert pairs.loc[1, "r"] == pytest.approx(np.corrcoef(eff, survey.data["years_experience"])[0, 1], abs=1e-12)
    with pytest.raises(StatsInputError, match="'role' is not numeric"):
        correlations(survey, ["EFF", "role"])
