"""Defects found by using edu40 end to end on psych::bfi as a researcher would."""
from __future__ import annotations

import numpy as np
import pytest

import edu40
from tests._bfi import instrument, survey


@pytest.fixture(scope="module")
def bfi():
    return instrument(), survey()


def test_iterations_count_the_scoring_steps_before_a_fallback(bfi):
    # on bfi Fisher scoring reaches the optimum and its last line search cannot improve F:
    # the BFGS fallback then stops at once, and the fit used to report "converged in 1 iterations"
    ins, s = bfi
    res = edu40.fit(ins.measurement_syntax(), s)
    assert res.converged
    assert res.iterations > 5
    assert f"in {res.iterations} iterations" in res.summary(lang="en")


def test_ordered_fit_does_not_advise_fiml(bfi):
    # the listwise warning of a WLSMV fit advised missing='fiml', which edu40 then refuses
    ins, s = bfi
    res = edu40.fit(ins.measurement_syntax(), s, ordered=True)
    w = [w for w in res.warnings if w.kind == "rows excluded"][0]
    assert "consider missing='fiml'" not in w.text("en")
    assert "estimator='MLR', missing='fiml'" in w.text("en") and "missing='pairwise'" in w.text("en")
    assert "ใช้ missing='fiml' ไม่ได้" in w.text("th") and "missing='pairwise'" in w.text("th")
    with pytest.raises(ValueError, match="ordered"):
        edu40.fit(ins.measurement_syntax(), s, ordered=True, missing="fiml")
    ml = edu40.fit(ins.measurement_syntax(), s)
    w = [w for w in ml.warnings if w.kind == "rows excluded"][0]
    assert "consider missing='fiml'" in w.text("en")


def test_every_warning_kind_has_a_thai_name(bfi):
    ins, s = bfi
    res = edu40.fit(ins.measurement_syntax(), s, ordered=True)
    kinds = {w.kind: w.text("th") for w in res.warnings}
    assert kinds["empty cells"].startswith("ช่องว่างในตารางไขว้")


def test_bootstrap_failure_reasons_are_in_thai():
    from edu40.sem.bootstrap import _reason_th
    assert _reason_th("did not converge") == "ไม่ลู่เข้า"
    assert _reason_th("did not converge (the search reached an impossible solution: "
                      "matrix is not positive definite)").startswith("ไม่ลู่เข้า (การค้นหาไปถึงคำตอบที่เป็นไปไม่ได้:")
    assert _reason_th("something new") == "something new"


def test_thai_sem_summary_has_a_thai_model_line(bfi):
    ins, s = bfi
    res = edu40.fit(ins.measurement_syntax(), s, missing="fiml")
    line = [ln for ln in res.summary(lang="th").splitlines() if ln.startswith("แบบจำลอง")][0]
    assert "ตัวแปรสังเกตได้ 25 ตัว, ตัวแปรแฝง 5 ตัว" in line and "ไม่ลู่เข้า" not in line
    assert "observed" not in line and "iterations" not in line
    assert f"ลู่เข้า (ทำซ้ำ {res.iterations} รอบ)" in line and "(ปกติ, FIML)" in line
    en = res.summary(lang="en")
    assert "25 observed, 5 latent variables" in en and "(normal, FIML)" in en


def test_to_markdown_writes_a_file_like_the_other_exports(tmp_path):
    # to_html/to_docx/to_excel take a path; to_markdown(path) was a TypeError
    from semopy.examples import holzinger39

    from tests._models import HS_MODEL
    fit = edu40.fit(HS_MODEL, holzinger39.get_data())
    text = fit.to_markdown(lang="en")
    assert isinstance(text, str) and "| " in text
    out = fit.to_markdown(tmp_path / "sem.md", lang="en")
    assert out == tmp_path / "sem.md"
    written = out.read_text(encoding="utf-8")
    assert written.splitlines()[:5] == text.splitlines()[:5]
    assert "](sem_figures/figure-1.png)" in written
    assert (tmp_path / "sem_figures" / "figure-1.png").stat().st_size > 1000


def test_english_only_items_read_in_english_in_thai_output(bfi):
    # bfi.toml has English item texts only: Thai tables showed "A1 | A1", the loading
    # heatmap "N1  N1"
    ins, s = bfi
    assert ins.label("A1", "th") == "Am indifferent to the feelings of others. (กลับค่า)"   # reverse-keyed
    assert ins.label("AGR", "th") == "ความเป็นมิตร"
    d = edu40.describe(s, lang="th").set_index("variable")
    assert d.loc["A2", "label"] == "Inquire about others' well-being."
    one = edu40.Instrument.from_frame(
        __import__("pandas").DataFrame({"item": ["x1", "x2", "x3"], "factor": "F",
                                        "text_th": ["ข้อหนึ่ง", "", ""]}))
    assert one.label("x1", "en") == "ข้อหนึ่ง" and one.label("x2", "en") == "x2"


def test_a_mistyped_group_column_names_the_candidates(bfi):
    # the message listed the first 15 columns, all of them items: 'gender' was not shown
    ins, s = bfi
    with pytest.raises(edu40.SEMDataError, match=r"did you mean 'gender'\?.*'education', 'age'"):
        edu40.invariance(ins.measurement_syntax(), s.data, "gendr")
    v = edu40.validate(s, group="gendr")
    assert "did you mean 'gender'?" in v.summary(lang="en")


def test_six_and_seven_point_labels_are_thai_report_wording(bfi):
    # "มากมาก" (6- and 7-point "very high") is not written Thai; a 6-point mean of 4.65 was
    # reported as มากมาก in bfi's Thai tables
    from edu40.io.scales import LikertScale
    assert list(LikertScale(6).labels("th")) == ["น้อยที่สุด", "น้อย", "ค่อนข้างน้อย", "ค่อนข้างมาก", "มาก", "มากที่สุด"]
    assert list(LikertScale(7).labels("en"))[4] == "somewhat high"
    for k in (6, 7):
        assert not any("มากมาก" in x for x in LikertScale(k).labels("th"))
    ins, s = bfi
    d = edu40.describe(s, lang="th").set_index("variable")
    assert d.loc["AGR", "level"] == "มาก"            # 4.65 on 1-6: the band 4.51-5.50
    assert d.loc["CON", "level"] == "ค่อนข้างมาก"     # 4.27: 3.51-4.50


def test_thai_anova_and_ttest_summaries_have_no_english_fragments(bfi):
    _, s = bfi
    a = edu40.anova(s, dv="OPE", between="education").summary(lang="th")
    assert "center = mean" not in a and "Levene (จุดศูนย์กลาง = ค่าเฉลี่ย)" in a
    assert "center = mean" in edu40.anova(s, dv="OPE", between="education").summary(lang="en")
    t = edu40.ttest(s, dv="AGR", group="gender")
    assert "(สองทาง)" in t.summary(lang="th") and "(two-sided)" in t.summary(lang="en")


def test_bfi_codebook_names_extraversion_in_thai(bfi):
    # "การเปิดตัว" means a launch or debut, not extraversion
    ins, _ = bfi
    assert ins.label("EXT", "th") == "ความเป็นคนเปิดเผย"


def test_bootstrap_fit_intervals_say_why_they_miss_the_sample_value():
    from semopy.examples import holzinger39

    res = edu40.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
                    holzinger39.get_data())
    boot = res.bootstrap(20, seed=1, n_jobs=1, progress=False)
    assert "need not contain its sample value" in boot.summary("en")
    assert "Bollen–Stine" in boot.summary("th")


def test_thai_fit_table_has_no_english_words():
    from semopy.examples import holzinger39

    res = edu40.fit("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
                    holzinger39.get_data())
    th = res.fit_table(lang="th")
    assert "χ² ไม่มีนัยสำคัญ" in set(th["แหล่งอ้างอิง"]) and "เกณฑ์ที่ใช้กันทั่วไป" in set(th["แหล่งอ้างอิง"])
    se = res.fit_table(lang="th", criteria="schermelleh-engel-2003")
    assert se["เกณฑ์"].str.contains("ดี").any() and not se["เกณฑ์"].str.contains("good").any()
    assert "non-significant chi-square" in set(res.fit_table(lang="en")["source"])


def test_reverse_keyed_items_are_marked_where_their_recoded_answers_are_shown(bfi):
    ins, s = bfi
    assert "A1" in ins.reverse_items and "A2" not in ins.reverse_items
    assert ins.label("A1", "en").endswith("(R)") and ins.label("A1", "th").endswith("(กลับค่า)")
    assert not ins.label("A2", "en").endswith("(R)")
    assert not ins.label("A1", "en", mark_reverse=False).endswith("(R)")
    d = edu40.describe(s, lang="en")
    assert d.loc[d["variable"] == "A1", "label"].iloc[0].endswith("(R)")
