"""The loader on the exports people really have (tests/data/, made by tests/data/make_test_data.py):
Google Forms with Thai question titles, a workbook of several sheets, SPSS with Thai labels, TIS-620 CSV;
straight-liners and speeders flagged with their rows, dropped only when asked."""
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from edu40 import EM40, SurveyInputError, load_survey

DATA = Path(__file__).parent / "data"
EXPECTED = pd.read_csv(DATA / "expected_answers.csv")


def expected(name: str) -> pd.DataFrame:
    return EXPECTED[EXPECTED["file"] == name][EM40.item_codes].reset_index(drop=True).astype(float)


def problems(s, kind):
    p = s.validation.problems
    return p[p["problem"] == kind]


def screening(s):
    return s.validation.screening.set_index("check")


# -- Google Forms -------------------------------------------------------------------------------------
def test_google_forms_thai_titles_matched_by_the_codebook_text():
    s = load_survey(DATA / "google_forms_th.csv")
    v = s.validation
    assert (v.rows_read, v.rows_kept, v.n_items_found) == (12, 12, 42)
    assert v.encoding == "utf-8" and v.encoding_detected
    truth = expected("google_forms_th.csv")
    truth.loc[8, "QMG3"] = np.nan                          # the planted blank answer
    pd.testing.assert_frame_equal(s.items.reset_index(drop=True), truth, check_names=False)
    how = v.column_map.query("item != ''").set_index("item")["matched_by"]
    assert set(how.drop("ATM2")) == {"text"}             # grid rows, numbers, Thai digits, ZWSP, NBSP, SARA AM
    assert how["ATM2"].startswith("fuzzy text (0.9")       # typo fixed and spaces dropped by the form
    meta = problems(s, "unknown_column").set_index("column")["action"]
    assert meta["ประทับเวลา"] == "kept as-is (form metadata column)"
    assert meta["ที่อยู่อีเมล"] == "kept as-is (form metadata column; e-mail address, checked for double submissions)"
    assert problems(s, "duplicate_email").empty and problems(s, "header_row").empty   # 12 addresses, header row 1
    assert s.data["ตำแหน่ง"].value_counts()["ครู"] == 8


def test_google_forms_straight_liner_flagged_and_speeding_said_to_be_uncheckable():
    s = load_survey(DATA / "google_forms_th.csv")
    flat = problems(s, "straight_lining")
    assert flat[["row", "respondent", "value"]].values.tolist() == [[6, "6", "4"]]
    assert flat["action"].iloc[0] == "kept; same answer to all 42 answered items"
    sc = screening(s)
    assert sc.loc["straight_lining", "flagged"] == 1 and sc.loc["straight_lining", "excluded"] == 0
    assert not sc.loc["speeding", "checked"]
    assert "only the time each form was sent ('ประทับเวลา'" in sc.loc["speeding", "rule"]
    assert "ไม่ได้ตรวจ" in sc.loc["speeding", "rule_th"]
    text = s.validation.summary()
    assert "Straight-lining" in text and "1 flagged, kept — rows 6" in text
    assert "Speeding: not checked" in text
    with pytest.raises(SurveyInputError, match="drop_speeders=True, but speeding cannot be checked: the file "
                                               "has only the time each form was sent"):
        load_survey(DATA / "google_forms_th.csv", drop_speeders=True)


def test_dropping_straightliners_is_counted_and_each_row_named():
    s = load_survey(DATA / "google_forms_th.csv", drop_straightliners=True)
    v = s.validation
    assert (v.rows_read, v.rows_kept, v.rows_excluded) == (12, 11, 1)
    flat = problems(s, "straight_lining")
    assert flat["action"].iloc[0] == "excluded (same answer to all 42 answered items; drop_straightliners=True)"
    assert v.exclusions() == {"straight_lining": 1}
    assert screening(s).loc["straight_lining", "excluded"] == 1
    th = v.summary("th")
    assert "พบ 1 ราย ตัดออก 1 ราย — แถวที่ 6" in th
    assert "ตัดออก (ตอบค่าเดียวกันทั้ง 42 ข้อที่ตอบ; drop_straightliners=True)" in th
    kept_truth = expected("google_forms_th.csv").drop(index=4).reset_index(drop=True)
    assert s.items["EFF1"].tolist() == kept_truth["EFF1"].tolist()
    warnings = [b.content for b in v.report_blocks("en") if b.kind == "warning"]
    assert any("1 row(s) excluded (same answer to every item (straight-liner) 1" in w for w in warnings)


# -- Excel --------------------------------------------------------------------------------------------
def test_workbook_sheet_by_name_or_position_and_named_in_the_report():
    by_name = load_survey(DATA / "survey_workbook.xlsx", sheet="การตอบกลับแบบฟอร์ม 1")
    by_pos = load_survey(DATA / "survey_workbook.xlsx", sheet=1)
    by_text = load_survey(DATA / "survey_workbook.xlsx", sheet="1")      # the command line passes text
    loose = load_survey(DATA / "survey_workbook.xlsx", sheet="การตอบกลับแบบฟอร์ม  1 ")
    for s in (by_name, by_pos, by_text, loose):
        v = s.validation
        assert v.sheet == "การตอบกลับแบบฟอร์ม 1"
        assert v.sheets == ("คำชี้แจง", "การตอบกลับแบบฟอร์ม 1", "สรุปผล")
        assert "sheet 'การตอบกลับแบบฟอร์ม 1' of 3" in v.summary()
        assert "ชีต 'การตอบกลับแบบฟอร์ม 1' จาก 3 ชีต" in v.summary("th")
    pd.testing.assert_frame_equal(by_name.items.reset_index(drop=True), expected("survey_workbook.xlsx"),
                                  check_names=False)
    assert by_name.id_column == "รหัส" and by_name.data["รหัส"].tolist()[:3] == ["W01", "W02", "W03"]
    # the blank row between respondents 5 and 6 is row 7 of the sheet: excluded and recorded
    assert problems(by_name, "empty_row")["row"].tolist() == [7]
    assert by_name.validation.rows_read == 13 and by_name.validation.rows_kept == 12


def test_absent_sheet_is_an_error_listing_the_sheets():
    with pytest.raises(SurveyInputError) as info:
        load_survey(DATA / "survey_workbook.xlsx", sheet="Form Responses 1")
    msg = str(info.value)
    assert msg.startswith("survey_workbook.xlsx: there is no sheet named 'Form Responses 1'")
    assert "0 'คำชี้แจง', 1 'การตอบกลับแบบฟอร์ม 1', 2 'สรุปผล'" in msg
    with pytest.raises(SurveyInputError, match=r"no sheet number 3 \(the workbook has 3 sheet\(s\)"):
        load_survey(DATA / "survey_workbook.xlsx", sheet=3)
    # the first sheet holds the instructions: the error says which sheet was read and which exist
    with pytest.raises(SurveyInputError, match=r"no column matches an item of EM40 \(sheet 'คำชี้แจง'; "
                                               r"the workbook's sheets are"):
        load_survey(DATA / "survey_workbook.xlsx")


def test_workbook_speeders_from_start_and_submission_times():
    s = load_survey(DATA / "survey_workbook.xlsx", sheet=1)
    fast = problems(s, "speeding")
    assert fast[["row", "respondent", "value"]].values.tolist() == [[4, "W03", "45"], [10, "W08", "70"]]
    assert fast["action"].tolist() == ["kept; completed in 45 s, under the 84 s threshold",
                                       "kept; completed in 70 s, under the 84 s threshold"]
    sc = screening(s)
    assert sc.loc["speeding", "checked"] and sc.loc["speeding", "flagged"] == 2
    assert "2 s per item × 42 items" in sc.loc["speeding", "rule"]
    assert "column 'ประทับเวลา' minus 'เวลาเริ่มตอบ'" in sc.loc["speeding", "rule"]
    dropped = load_survey(DATA / "survey_workbook.xlsx", sheet=1, drop_speeders=True)
    assert dropped.validation.rows_kept == 10 and "W03" not in set(dropped.data["รหัส"])
    assert dropped.validation.exclusions() == {"empty_row": 1, "speeding": 2}
    # a threshold of the user's: 60 s catches one of the two
    assert problems(load_survey(DATA / "survey_workbook.xlsx", sheet=1, min_seconds=60),
                    "speeding")["respondent"].tolist() == ["W03"]


# -- SPSS ---------------------------------------------------------------------------------------------
def test_spss_thai_variable_labels_value_labels_and_user_missing():
    s = load_survey(DATA / "survey_spss_th.sav")
    v = s.validation
    assert v.file_format == "spss" and v.encoding == "UTF-8" and v.row_label == "case"
    assert "encoding UTF-8 as the file declares" in v.summary()
    how = v.column_map.set_index("column")["matched_by"]
    assert how["Q1"] == "variable label"
    # SPSS keeps 255 bytes of a label: the long Thai texts of ATM2, ATM3 and ATM6 arrive cut short
    assert how[["Q18", "Q19", "Q22"]].tolist() == ["variable label (cut short)"] * 3
    assert v.n_items_found == 42
    truth = expected("survey_spss_th.sav")
    truth.loc[6, "HRM2"] = np.nan                            # 9 = ไม่ตอบ, user-missing
    pd.testing.assert_frame_equal(s.items.reset_index(drop=True), truth, check_names=False)
    um = problems(s, "user_missing")
    assert um[["row", "column", "value"]].values.tolist() == [[7, "Q35", "9"]]
    # labelled demographics arrive as their Thai labels, in code order
    assert s.data["position"].dtype == "category"
    assert list(s.data["position"].cat.categories) == ["ครู", "รองผู้อำนวยการ", "ผู้อำนวยการ"]
    assert s.data["sex"].tolist()[:2] == ["ชาย", "หญิง"]
    labelled = problems(s, "value_labels").set_index("column")["action"]
    assert labelled["position"].startswith("codes shown by their value labels: {'1': 'ครู'")


def test_spss_speeder_from_a_duration_variable_and_straight_liner():
    s = load_survey(DATA / "survey_spss_th.sav")
    assert problems(s, "speeding")[["row", "respondent", "value"]].values.tolist() == [[4, "S04", "50"]]
    assert problems(s, "straight_lining")[["row", "respondent", "value"]].values.tolist() == [[11, "S11", "5"]]
    assert "time from column 'duration' (seconds)" in screening(s).loc["speeding", "rule"]
    both = load_survey(DATA / "survey_spss_th.sav", drop_speeders=True, drop_straightliners=True)
    assert both.validation.rows_kept == 10
    assert set(both.data["id"]) == {f"S{i:02d}" for i in range(1, 13)} - {"S04", "S11"}
    text = both.validation.summary("th")
    assert "รายที่ 4" in text and "รายที่ 11" in text


# -- TIS-620 ------------------------------------------------------------------------------------------
def test_tis620_csv_detected_said_in_the_report_and_buddhist_era_times_read():
    raw = (DATA / "survey_tis620.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")                                  # really not UTF-8
    s = load_survey(DATA / "survey_tis620.csv")
    v = s.validation
    assert v.encoding == "tis-620/cp874" and v.encoding_detected
    assert "encoding tis-620/cp874 detected" in v.summary()
    assert "รหัสอักขระ tis-620/cp874 ตรวจพบอัตโนมัติ" in v.summary("th")
    html = v._repr_html_()
    assert "tis-620/cp874" in html
    pd.testing.assert_frame_equal(s.items.reset_index(drop=True), expected("survey_tis620.csv"),
                                  check_names=False)
    assert s.data["ตำแหน่ง"].tolist()[-1] == "ผู้อำนวยการ"
    # 15/6/2567 09:00:05 -> 15/6/2567 ...: Buddhist Era years, 60 s for respondent 10 (row 11)
    fast = problems(s, "speeding")
    assert fast[["row", "respondent", "value"]].values.tolist() == [[11, "10", "60"]]
    forced = load_survey(DATA / "survey_tis620.csv", encoding="cp874")
    assert forced.validation.encoding == "cp874" and not forced.validation.encoding_detected


# -- speeders in other layouts ------------------------------------------------------------------------
def frame_with(times, n=5, seed=1, **extra):
    rng = np.random.default_rng(seed)
    items = pd.DataFrame(rng.integers(1, 6, size=(n, 42)), columns=EM40.item_codes)
    items.iloc[:, 0] = [1, 2, 3, 4, 5][:n]                   # no straight-liners
    return pd.concat([pd.DataFrame({"respondent_id": [f"P{i}" for i in range(n)], **times}), items,
                      pd.DataFrame(extra)], axis=1)


def test_duration_as_text_minutes_time_of_day_and_unreadable_cells():
    f = frame_with({"Duration (in seconds)": [500, 30, "", "abc", 83.9]})
    s = load_survey(f)
    assert problems(s, "speeding")["respondent"].tolist() == ["P1", "P4"]
    unknown = problems(s, "time_unknown")
    assert unknown["respondent"].tolist() == ["P2", "P3"]
    assert (unknown["action"] == "kept; completion time unknown, not checked for speeding").all()
    assert "2 without a readable time" in screening(s).loc["speeding", "rule"]
    mmss = load_survey(frame_with({"เวลาที่ใช้": ["12:30", "0:01:05", "1:20", "00:02:00", "10:00"]}))
    assert problems(mmss, "speeding")["respondent"].tolist() == ["P1", "P2"]     # 65 s and 80 s
    minutes = load_survey(frame_with({"เวลาที่ใช้ (นาที)": [12, 1.2, 3, 0.5, 8]}))
    assert problems(minutes, "speeding")["value"].tolist() == ["72", "30"]
    assert "(minutes)" in screening(minutes).loc["speeding", "rule"]
    excel_times = load_survey(frame_with({"duration": [dt.time(0, 7), dt.time(0, 0, 40), dt.timedelta(minutes=9),
                                                       dt.time(0, 5), dt.time(0, 1, 30)]}))
    assert problems(excel_times, "speeding")["value"].tolist() == ["40"]


def test_duration_named_by_the_caller_and_turned_off():
    f = frame_with({"t_begin": ["2024-06-15 09:00:00"] * 5,
                    "t_end": ["2024-06-15 09:10:00", "2024-06-15 09:00:50", "2024-06-15 08:59:00",
                              "2024-06-15 09:05:00", "2024-06-15 09:20:00"]})
    assert screening(load_survey(f)).loc["speeding", "checked"] == False    # noqa: E712  names unknown
    s = load_survey(f, duration=("t_begin", "t_end"))
    assert problems(s, "speeding")["respondent"].tolist() == ["P1"]
    assert problems(s, "time_unknown")["respondent"].tolist() == ["P2"]   # ends before it starts
    off = load_survey(frame_with({"duration": [1, 1, 1, 1, 1]}), duration=False)
    assert problems(off, "speeding").empty and "turned off" in screening(off).loc["speeding", "rule"]
    with pytest.raises(SurveyInputError, match=r"duration names column\(s\) \['nope'\]"):
        load_survey(f, duration="nope")


def test_every_flagged_row_is_reported_in_the_rendered_report():
    s = load_survey(DATA / "survey_workbook.xlsx", sheet=1)
    blocks = s.validation.report_blocks("th")
    titles = [b.title for b in blocks if b.kind == "table"]
    assert "การตรวจการตอบแบบไม่ตั้งใจ" in titles
    sc = next(b.content for b in blocks if b.kind == "table" and b.title == "การตรวจการตอบแบบไม่ตั้งใจ")
    assert sc.columns.tolist() == ["การตรวจ", "เกณฑ์", "พบ", "ตัดออก"]
    assert sc.iloc[1].tolist()[2:] == [2, 0]
    detail = next(b.content for b in blocks if b.kind == "table" and b.title.startswith("รายการปัญหา"))
    assert {4, 10} <= set(detail["แถว"])


# -- a real data set: psych::bfi (SAPA; tests/data/README.md) against R ------------------------------
REF = json.loads((Path(__file__).parent / "reference" / "screening_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bfi():
    from edu40 import Instrument

    codes = [f"{f}{i}" for f in "ACENO" for i in range(1, 6)]
    keyed = {"A1", "C4", "C5", "E1", "E2", "O2", "O5"}
    table = pd.DataFrame({"item": codes, "factor": [c[0] for c in codes],
                          "reverse": [c in keyed for c in codes]})
    return load_survey(DATA / "bfi.csv", Instrument.from_frame(table, name="bfi", scale_points=6))


def test_straight_liners_of_a_real_survey_match_r(bfi):
    """psych::bfi has five straight-liners (one answered only 10 items); R finds the same rows."""
    ref = REF["straight_lining"]
    flat = problems(bfi, "straight_lining")
    assert flat["row"].tolist() == ref["rows"]
    assert flat["value"].tolist() == [str(v) for v in ref["answer"]]
    assert flat["action"].tolist() == [f"kept; same answer to all {n} answered items" for n in ref["n_answered"]]
    assert screening(bfi).loc["straight_lining", "flagged"] == 5 and len(bfi) == 2800
    # R's write.csv writes missing as NA: missing answers, not invalid ones
    assert bfi.validation.ok
    assert bfi.validation.missing_by_item.set_index("item")["n_missing"].to_dict() == REF["missing_per_item"]["n"]
    # answers are compared as given, before reverse-keyed items are recoded
    assert bfi.data.loc[ref["rows"][0] - 2, "A1"] == 7 - ref["answer"][0]


def test_frequencies_with_missing_answers_match_r_table(bfi):
    from edu40 import frequencies

    ref = REF["frequencies_education"]
    f = frequencies(bfi, ["education"], lang="en")
    assert f["value"].dropna().tolist() == ref["value"] and f["count"].tolist() == ref["count"]
    assert np.allclose(f["percent"], ref["percent"], atol=1e-12)
    assert np.allclose(f["valid_percent"].dropna(), ref["valid_percent"], atol=1e-12)
    assert f["missing"].tolist() == [False] * 5 + [True]
