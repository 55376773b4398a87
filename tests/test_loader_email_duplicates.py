"""Google Forms exports without a respondent id: teachers who sent the form twice are found by their
e-mail address (case and spaces ignored, blank addresses never), counted and listed with their rows,
and excluded only with duplicates="keep-first"."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from edu40 import EM40, SurveyInputError, load_survey
from edu40.io.survey import action_text

DATA = Path(__file__).parent / "data"
FORM = DATA / "google_forms_resubmit.csv"
EXPECTED = pd.read_csv(DATA / "expected_answers.csv")


def problems(s, kind):
    p = s.validation.problems
    return p[p["problem"] == kind]


def test_repeated_addresses_flagged_with_their_rows_and_kept():
    s = load_survey(FORM)
    v = s.validation
    assert (v.rows_read, v.rows_kept, v.n_items_found) == (12, 12, 42) and s.id_column is None
    dup = problems(s, "duplicate_email")
    # rows 3 and 7: teacher02 (typed "Teacher02@School.ac.th " the second time); rows 6, 11, 12: teacher05;
    # rows 2 and 5 have no address and are not duplicates of each other
    assert dup[["row", "column", "value"]].values.tolist() == [
        [3, "Email Address", "teacher02@school.ac.th"], [6, "Email Address", "teacher05@school.ac.th"],
        [7, "Email Address", "Teacher02@School.ac.th"], [11, "Email Address", "teacher05@school.ac.th"],
        [12, "Email Address", "TEACHER05@school.ac.th"]]
    assert (dup["severity"] == "warning").all()
    assert dup.set_index("row")["action"].to_dict() == {
        3: "kept; 2 submissions with this e-mail (rows 3, 7); check for a double submission",
        6: "kept; 3 submissions with this e-mail (rows 6, 11, 12); check for a double submission",
        7: "kept; 2 submissions with this e-mail (rows 3, 7); check for a double submission",
        11: "kept; 3 submissions with this e-mail (rows 6, 11, 12); check for a double submission",
        12: "kept; 3 submissions with this e-mail (rows 6, 11, 12); check for a double submission"}
    assert v.exclusions() == {}
    assert v.counts().set_index("problem").loc["duplicate_email", "entries"] == 5
    # the report says which column was compared
    col = problems(s, "unknown_column").set_index("column")["action"]
    assert col["Email Address"] == "kept as-is (form metadata column; e-mail address, checked for double submissions)"
    assert action_text(col["Email Address"], "th") == "เก็บไว้ตามเดิม (form metadata column; ใช้อีเมลตรวจการส่งซ้ำ)"
    en, th = v.summary(), v.summary("th")
    assert "warning     5  e-mail address that submitted more than once" in en
    assert "row 7, column 'Email Address', respondent 7: value 'Teacher02@School.ac.th'" in en
    assert "อีเมลที่ส่งแบบสอบถามมากกว่าหนึ่งครั้ง; เก็บไว้; อีเมลนี้ส่งแบบสอบถาม 2 ครั้ง (แถวที่ 3, 7); " \
           "โปรดตรวจสอบการส่งซ้ำ" in th


def test_keep_first_excludes_the_later_submissions_and_counts_them():
    s = load_survey(FORM, duplicates="keep-first")
    v = s.validation
    assert (v.rows_read, v.rows_kept, v.rows_excluded) == (12, 9, 3)
    assert v.exclusions() == {"duplicate_email": 3}
    actions = problems(s, "duplicate_email").set_index("row")["action"].to_dict()
    assert actions == {3: "kept; first of 2 submissions with this e-mail (rows 3, 7)",
                       6: "kept; first of 3 submissions with this e-mail (rows 6, 11, 12)",
                       7: "excluded (a later submission with an e-mail already kept: row 3)",
                       11: "excluded (a later submission with an e-mail already kept: row 6)",
                       12: "excluded (a later submission with an e-mail already kept: row 6)"}
    assert action_text(actions[7], "th") == "ตัดออก (ส่งซ้ำด้วยอีเมลที่เก็บไว้แล้ว: แถวที่ 3)"
    assert action_text(actions[6], "th") == "เก็บไว้; รายการแรกจาก 3 รายการที่ใช้อีเมลนี้ (แถวที่ 6, 11, 12)"
    # the first submission of each address is what is kept: respondents 0-4, 6-8 and 11 (rows 2-6, 8-10, 13)
    truth = EXPECTED[EXPECTED["file"] == FORM.name][EM40.item_codes].reset_index(drop=True).astype(float)
    pd.testing.assert_frame_equal(s.items.reset_index(drop=True),
                                  truth.drop(index=[5, 9, 10]).reset_index(drop=True), check_names=False)
    assert s.data["Email Address"].isna().sum() == 2            # both blank addresses kept
    warnings = [b.content for b in v.report_blocks("en") if b.kind == "warning"]
    assert any("3 row(s) excluded (e-mail address that submitted more than once 3" in w for w in warnings)
    assert "ตัดออก 3 แถว" in v.summary("th")


def test_raise_names_the_file_rows_column_and_what_to_do():
    with pytest.raises(SurveyInputError) as info:
        load_survey(FORM, duplicates="raise")
    assert str(info.value) == (
        "google_forms_resubmit.csv: e-mail address 'teacher02@school.ac.th' appears in rows [3, 7] (column "
        "'Email Address'); 5 rows share an e-mail address. Remove double submissions, or load with "
        "duplicates='flag' or 'keep-first'.")


def form(emails, answered=None):
    rng = np.random.default_rng(5)
    n = len(emails)
    items = pd.DataFrame(rng.integers(1, 6, size=(n, 42)), columns=EM40.item_codes).astype(float)
    items.iloc[:, 0] = [1, 2, 3, 4, 5, 1, 2, 3][:n]                # no straight-liners
    if answered is not None:
        items.loc[~np.asarray(answered)] = np.nan
    return pd.concat([pd.DataFrame({"ประทับเวลา": ["15/6/2024, 9:00:00"] * n, "อีเมล (ถ้ามี)": emails}), items],
                     axis=1)


def test_blank_addresses_and_empty_rows_are_not_duplicates():
    f = form(["-", "", "a@x.th", " A@X.TH", None, "NA", "a@x.th", "-"],
             answered=[True, True, True, True, True, True, False, True])
    s = load_survey(f, duplicates="keep-first")
    dup = problems(s, "duplicate_email")
    # DataFrame rows are counted by the index; row 6 answered nothing: excluded as empty, not as a copy
    assert dup[["row", "value", "action"]].values.tolist() == [
        [2, "a@x.th", "kept; first of 2 submissions with this e-mail (index 2, 3)"],
        [3, "A@X.TH", "excluded (a later submission with an e-mail already kept: index 2)"]]
    assert action_text(dup["action"].iloc[1], "th") == "ตัดออก (ส่งซ้ำด้วยอีเมลที่เก็บไว้แล้ว: ดัชนี 2)"
    assert s.validation.exclusions() == {"empty_row": 1, "duplicate_email": 1}
    assert dup["column"].unique().tolist() == ["อีเมล (ถ้ามี)"]


def test_an_id_column_is_used_instead_of_the_address():
    f = form(["a@x.th"] * 4)
    f.insert(0, "respondent_id", ["P1", "P2", "P3", "P1"])
    s = load_survey(f)
    assert problems(s, "duplicate_email").empty
    assert problems(s, "duplicate_id")["row"].tolist() == [0, 3]
    col = problems(s, "unknown_column").set_index("column")["action"]
    assert col["อีเมล (ถ้ามี)"] == "kept as-is (other column)"       # not compared: the ids are


def test_an_empty_row_does_not_make_a_later_answer_a_copy():
    """Rows already excluded (no item answered) are not compared: the later, answered submission of
    the same id or address is kept and not called a copy of a row that was not kept."""
    f = form(["b@x.th", "c@x.th", "b@x.th"], answered=[False, True, True])
    f.insert(0, "respondent_id", ["P1", "P2", "P1"])
    for frame in (f, f.drop(columns="respondent_id")):
        s = load_survey(frame, duplicates="keep-first")
        assert len(s) == 2 and s.validation.exclusions() == {"empty_row": 1}
        assert problems(s, "duplicate_id").empty and problems(s, "duplicate_email").empty
