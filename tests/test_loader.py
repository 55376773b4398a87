"""The loader: every input format, and every bad-input case with its row and column."""
import numpy as np
import pandas as pd
import pytest

import edu40
from edu40 import EM40, Instrument, SurveyInputError, load_survey


def small_frame(n=6, seed=0):
    """n respondents answering all 42 EM40 items (varied answers), plus demographics."""
    rng = np.random.default_rng(seed)
    items = pd.DataFrame(rng.integers(1, 6, size=(n, 42)), columns=EM40.item_codes).astype(object)
    head = pd.DataFrame({"respondent_id": [f"S{i:02d}" for i in range(1, n + 1)]})
    demo = pd.DataFrame({"role": ["ครู"] * n, "years_experience": list(range(1, n + 1))})
    return pd.concat([head, items, demo], axis=1)


@pytest.mark.parametrize("encoding, label", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8 with BOM"),
                                             ("cp874", "tis-620/cp874")])
def test_csv_in_three_encodings(tmp_path, encoding, label):
    frame = small_frame()
    path = tmp_path / f"survey_{encoding}.csv"
    frame.to_csv(path, index=False, encoding=encoding)
    s = load_survey(path)
    assert len(s) == 6
    assert s.validation.encoding == label
    assert s.data["role"].tolist() == ["ครู"] * 6          # Thai text survives the decoding
    assert s.items.to_numpy().tolist() == frame[EM40.item_codes].to_numpy().tolist()
    assert s.id_column == "respondent_id"
    assert s.data["years_experience"].dtype.kind in "if"


def test_semicolon_delimited_csv(tmp_path):
    path = tmp_path / "semi.csv"
    small_frame().to_csv(path, index=False, sep=";")
    assert len(load_survey(path).item_columns) == 42


def test_excel(tmp_path):
    frame = small_frame()
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(xl, sheet_name="cover", index=False)
        frame.to_excel(xl, sheet_name="answers", index=False)
    s = load_survey(path, sheet="answers")
    assert s.validation.file_format == "excel"
    assert s.items.to_numpy().tolist() == frame[EM40.item_codes].to_numpy().tolist()
    frame.loc[3, "ACL2"] = 9
    frame.to_excel(path, index=False)
    with pytest.raises(SurveyInputError, match=r"row 5, column 'ACL2' \(respondent S04\): value '9'"):
        load_survey(path)


def test_spss_value_labels_and_user_missing(tmp_path):
    import pyreadstat

    frame = small_frame().drop(columns=["role"])
    frame[EM40.item_codes] = frame[EM40.item_codes].astype(int)
    # This file codes the scale backwards (1 = มากที่สุด) and uses 9 for "no answer".
    reversed_labels = {1: "มากที่สุด", 2: "มาก", 3: "ปานกลาง", 4: "น้อย", 5: "น้อยที่สุด",
                       9: "ไม่ตอบ"}
    frame.loc[2, "EFF1"] = 9
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"EFF1": reversed_labels},
                         missing_ranges={"EFF1": [9]})
    s = load_survey(path)
    original = small_frame()["EFF1"]
    got = s.data["EFF1"]
    assert np.isnan(got[2])                                   # user-missing code -> missing
    expected = (6 - original).astype(float)
    expected[2] = np.nan
    assert np.allclose(got, expected, equal_nan=True)         # recoded through the labels
    p = s.validation.problems
    assert set(p["problem"]) >= {"value_labels", "user_missing"}
    um = p[p["problem"] == "user_missing"].iloc[0]
    assert (um["row"], um["column"], um["value"]) == (3, "EFF1", "9")
    assert s.validation.row_label == "case"
    assert (s.data["ACL1"] == small_frame()["ACL1"]).all()   # unlabelled items keep their codes


def test_google_forms_export_with_thai_headers_and_answers(tmp_path):
    words = {1: "น้อยที่สุด", 2: "น้อย", 3: "ปานกลาง", 4: "มาก", 5: "มากที่สุด"}
    numbers = small_frame()[EM40.item_codes]
    cols = {"ประทับเวลา": ["2021/01/05 9:00:00"] * 6, "ที่อยู่อีเมล": [f"p{i}@school.ac.th" for i in range(6)]}
    for code in EM40.item_codes:
        factor = EM40.label(EM40.factor_of(code), "th")
        header = f"{factor} [{EM40.label(code, 'th')}]"       # Google Forms grid header
        if code == "ACL3":
            header = "3. " + EM40.label(code, "th")            # numbered question title
        if code == "HRM2":
            header = EM40.label(code, "th") + " "              # stray space
        as_word = numbers[code].map(words)
        if code.startswith("EFF"):
            as_word = numbers[code].map(lambda v: f"{v} - {words[v]}")
        cols[header] = as_word
    path = tmp_path / "google_form.csv"
    pd.DataFrame(cols).to_csv(path, index=False, encoding="utf-8")
    s = load_survey(path)
    assert len(s.item_columns) == 42
    assert s.items.to_numpy().tolist() == numbers.to_numpy().tolist()
    cmap = s.validation.column_map.set_index("item")
    assert cmap.loc["ACL1", "matched_by"] == "text"
    meta = s.validation.problems.query("problem == 'unknown_column'")
    assert set(meta["column"]) == {"ประทับเวลา", "ที่อยู่อีเมล"}
    assert meta["action"].str.contains("form metadata").all()


def test_columns_matched_by_mapping_and_code_variants(tmp_path):
    frame = small_frame()[["respondent_id"] + EM40.item_codes]
    frame = frame.rename(columns={"EFF1": "q1", "EFF2": "eff_2", "EFF3": "[EFF3] ผู้เรียนมีผลสัมฤทธิ์"})
    s = load_survey(frame, mapping={"q1": "EFF1"})
    cmap = s.validation.column_map.set_index("column")
    assert cmap.loc["q1", "item"] == "EFF1" and cmap.loc["q1", "matched_by"] == "mapping"
    assert cmap.loc["eff_2", "item"] == "EFF2" and cmap.loc["eff_2", "matched_by"] == "code"
    assert cmap.loc["[EFF3] ผู้เรียนมีผลสัมฤทธิ์", "item"] == "EFF3"
    with pytest.raises(SurveyInputError, match="mapping names column 'nope'"):
        load_survey(frame, mapping={"nope": "EFF1"})
    with pytest.raises(SurveyInputError, match="not an item of EM40"):
        load_survey(frame, mapping={"q1": "EFF99"})


def test_seven_on_a_five_point_item_fails_naming_file_row_column_value(tmp_path):
    frame = small_frame()
    frame.loc[4, "QMG3"] = 7
    frame.loc[1, "IQA5"] = 0
    frame.loc[2, "ATM1"] = "ไม่แน่ใจนะ"
    path = tmp_path / "with_seven.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(SurveyInputError) as info:
        load_survey(path)
    msg = str(info.value)
    assert msg.startswith("with_seven.csv: 3 invalid answer(s)")
    assert "row 6, column 'QMG3' (respondent S05): value '7' is outside the scale 1-5" in msg
    assert "row 3, column 'IQA5' (respondent S02): value '0' is outside the scale 1-5" in msg
    assert "row 4, column 'ATM1' (respondent S03): value 'ไม่แน่ใจนะ' cannot be read" in msg
    assert "on_invalid='missing'" in msg
    report = info.value.report
    assert report.n_errors == 3
    assert set(report.problems.query("severity == 'error'")["problem"]) == {"out_of_range", "unparseable"}


def test_on_invalid_missing_sets_cells_missing_and_records_each(tmp_path):
    frame = small_frame()
    frame.loc[4, "QMG3"] = 7
    frame.loc[0, "EFF2"] = "??"
    s = load_survey(frame, on_invalid="missing")
    assert np.isnan(s.data.loc[4, "QMG3"]) and np.isnan(s.data.loc[0, "EFF2"])
    errors = s.validation.problems.query("severity == 'error'")
    assert len(errors) == 2
    assert errors["action"].str.startswith("set to missing").all()
    assert len(s) == 6  # no row lost


def test_empty_rows_duplicates_straightlining_missing_absent_unknown(tmp_path):
    frame = small_frame(8)
    frame.loc[2, EM40.item_codes] = np.nan                # answered nothing
    frame.loc[5, "respondent_id"] = "S01"                # double submission
    frame.loc[6, EM40.item_codes] = 4                    # straight-liner
    frame.loc[7, ["ACL1", "ACL2"]] = np.nan              # two missing answers
    frame = frame.drop(columns=["IQA5"])                 # item absent from the file
    frame["comments"] = "ok"                             # not an item
    path = tmp_path / "messy.csv"
    frame.to_csv(path, index=False)
    s = load_survey(path)
    v = s.validation
    assert v.rows_read == 8 and v.rows_kept == 7 and v.rows_excluded == 1
    p = v.problems
    def one(kind):
        rows = p[p["problem"] == kind]
        assert len(rows) >= 1, kind
        return rows
    assert one("empty_row")[["row", "respondent"]].values.tolist() == [[4, "S03"]]
    dup = one("duplicate_id")
    assert sorted(dup["row"]) == [2, 7] and (dup["action"].str.startswith("kept")).all()
    assert one("straight_lining")[["row", "value"]].values.tolist() == [[8, "4"]]
    miss = one("missing")
    assert miss["row"].tolist() == [9] and miss["item"].iloc[0] == "ACL1, ACL2"
    assert one("absent_item")["item"].tolist() == ["IQA5"]
    assert "comments" in set(one("unknown_column")["column"])
    assert v.missing_by_item.set_index("item").loc["ACL1", "n_missing"] == 1
    assert v.n_items_found == 41
    assert "S03" not in set(s.data["respondent_id"])     # excluded, and recorded above
    assert "Rows read 8, kept 7, excluded 1" in v.summary()


def test_duplicate_policies():
    frame = small_frame(4)
    frame.loc[3, "respondent_id"] = "S01"
    kept = load_survey(frame, duplicates="keep-first")
    assert len(kept) == 3
    d = kept.validation.problems.query("problem == 'duplicate_id'")
    assert d.set_index("row").loc[3, "action"].startswith("excluded")
    with pytest.raises(SurveyInputError, match=r"id 'S01' appears in indexs? \[0, 3\]"):
        load_survey(frame, duplicates="raise")


def test_reverse_keyed_items_are_recoded_and_reported(tmp_path):
    table = EM40.items
    table.loc[table["item"] == "ATM3", "reverse"] = True
    inst = Instrument.from_frame(table, name="EM40r")
    frame = small_frame()
    s = load_survey(frame, inst)
    assert (s.data["ATM3"] == 6 - frame["ATM3"]).all()
    r = s.validation.problems.query("problem == 'reverse_recoded'")
    assert r["item"].tolist() == ["ATM3"] and "6 answers recoded" in r["action"].iloc[0]


def test_file_with_no_matching_column_is_explained(tmp_path):
    path = tmp_path / "other.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(SurveyInputError, match=r"other.csv: no column matches an item of EM40"):
        load_survey(path)


def test_two_columns_for_one_item_is_refused():
    frame = small_frame()
    frame["eff1"] = frame["EFF1"]
    with pytest.raises(SurveyInputError, match="both match item EFF1"):
        load_survey(frame)


def test_unknown_file_type_and_missing_file(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(SurveyInputError, match="unknown file type '.pdf'"):
        load_survey(tmp_path / "x.pdf")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_survey(tmp_path / "nope.csv")


def test_shipped_sample_loads_772_rows_with_a_report():
    s = edu40.load_survey("data/sample/em40_survey.csv")
    assert len(s) == 772
    v = s.validation
    assert v.rows_read == 772 and v.rows_kept == 772 and v.ok
    assert v.missing_by_item["n_missing"].sum() == 8
    assert len(s.item_columns) == 42
    assert set(s.other_columns) == {"respondent_id", "role", "region", "school_level", "gender",
                                    "years_experience"}
    html = v._repr_html_()
    assert "rows read 772" in html
    fs = s.factor_scores()
    assert list(fs.columns) == EM40.factor_codes and fs.notna().all().all()


def test_thai_summary_translates_actions():
    frame = small_frame(4)
    frame.loc[1, "ACL1"] = 9
    frame.loc[2, EM40.item_codes] = np.nan
    s = load_survey(frame, on_invalid="missing")
    text = s.validation.summary(lang="th")
    assert "กำหนดเป็นค่าสูญหาย (มาตรวัด 1-5)" in text
    assert "ตัดออก (ไม่ได้ตอบข้อใดเลย)" in text
    assert "set to missing" in s.validation.summary(lang="en")
