"""Title lines above the table: the header row found (or given with header_row=), the lines above it
skipped and said in the report, and every row number still the one Excel shows."""
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from edu40 import EM40, SurveyInputError, load_survey
from edu40.cli import main
from edu40.io.survey import action_text

DATA = Path(__file__).parent / "data"
EXPECTED = pd.read_csv(DATA / "expected_answers.csv")
TITLE = "แบบสอบถามเรื่อง การบริหารจัดการสถานศึกษาในยุคการศึกษา 4.0"
SCHOOL = "โรงเรียนบ้านหนองบัว"


def expected(name: str) -> pd.DataFrame:
    return EXPECTED[EXPECTED["file"] == name][EM40.item_codes].reset_index(drop=True).astype(float)


def problems(s, kind):
    p = s.validation.problems
    return p[p["problem"] == kind]


def header_of(code):
    return f"{EM40.item_codes.index(code) + 1}. {EM40.label(code, 'th')}"


# -- the workbook: title, school, blank row, header in row 4 ------------------------------------------
def test_workbook_title_rows_skipped_and_errors_name_the_excel_row():
    with pytest.raises(SurveyInputError) as info:
        load_survey(DATA / "survey_titled.xlsx")
    msg = str(info.value)
    assert msg.startswith("survey_titled.xlsx: 1 invalid answer(s)")
    assert f"row 7, column '{header_of('QMG4')}' (respondent 3): value '6' is outside the scale 1-5" in msg
    assert info.value.report.header_row == 4


def test_workbook_rows_in_the_report_are_the_rows_excel_shows():
    s = load_survey(DATA / "survey_titled.xlsx", on_invalid="missing")
    v = s.validation
    assert (v.header_row, v.rows_read, v.rows_kept, v.n_items_found) == (4, 13, 12, 42)
    assert s.id_column == "เลขที่" and s.data["เลขที่"].tolist() == list(range(1, 13))
    truth = expected("survey_titled.xlsx")
    truth.loc[2, "QMG4"] = np.nan                                # the planted 6, set missing
    pd.testing.assert_frame_equal(s.items.reset_index(drop=True), truth, check_names=False)
    bad = problems(s, "out_of_range")[["row", "column", "value"]].values.tolist()
    empty = problems(s, "empty_row")["row"].tolist()
    flat = problems(s, "straight_lining")["row"].tolist()
    assert bad == [[7, header_of("QMG4"), "6"]] and empty == [13] and flat == [16]
    # the same cells, read from the workbook by openpyxl: these are the rows Excel shows
    ws = openpyxl.load_workbook(DATA / "survey_titled.xlsx")["ข้อมูล"]
    cells = {r: [ws.cell(row=r, column=c).value for c in range(1, 45)] for r in range(1, 18)}
    assert cells[1][0] == TITLE and cells[2][0].startswith(SCHOOL) and cells[4][0] == "เลขที่"
    assert cells[7][cells[4].index(header_of("QMG4"))] == 6
    assert all(c is None for c in cells[13])
    assert set(cells[16][2:]) == {3}


def test_workbook_header_line_in_the_report_in_both_languages():
    s = load_survey(DATA / "survey_titled.xlsx", on_invalid="missing")
    v = s.validation
    line = problems(s, "header_row")
    assert line[["row", "severity"]].values.tolist() == [[4, "info"]]
    assert line["action"].iloc[0] == "row 4 taken as the header (found); 3 line(s) above it skipped"
    assert line["value"].iloc[0].startswith(f"{TITLE} | {SCHOOL}")   # what was skipped, to check
    assert action_text(line["action"].iloc[0], "th") == ("ใช้แถวที่ 4 เป็นแถวหัวตาราง (ตรวจพบอัตโนมัติ); "
                                                        "ข้าม 3 บรรทัดด้านบน")
    assert "sheet 'ข้อมูล'; header row 4, 3 lines above skipped" in v.summary()
    assert "หัวตารางที่แถว 4 ข้าม 3 บรรทัดด้านบน" in v.summary("th")
    assert "header row 4, 3 lines above skipped" in v._repr_html_()
    counts = v.counts("th").set_index("problem")
    assert counts.loc["header_row", "description"].startswith("แถวหัวตารางอยู่ใต้บรรทัดชื่อเรื่อง")


def test_header_row_given_gives_the_same_rows_and_says_so():
    found = load_survey(DATA / "survey_titled.xlsx", on_invalid="missing")
    given = load_survey(DATA / "survey_titled.xlsx", on_invalid="missing", header_row=4)
    pd.testing.assert_frame_equal(found.data, given.data)
    drop = ["action"]
    pd.testing.assert_frame_equal(found.validation.problems.drop(columns=drop),
                                  given.validation.problems.drop(columns=drop))
    assert problems(given, "header_row")["action"].iloc[0] == (
        "row 4 taken as the header (header_row=4); 3 line(s) above it skipped")
    assert action_text(problems(given, "header_row")["action"].iloc[0], "th").startswith(
        "ใช้แถวที่ 4 เป็นแถวหัวตาราง (header_row=4)")


def test_wrong_header_row_is_an_error_that_says_what_to_do():
    with pytest.raises(SurveyInputError) as info:
        load_survey(DATA / "survey_titled.xlsx", header_row=2)
    msg = str(info.value)
    assert msg.startswith("survey_titled.xlsx: no column matches an item of EM40")
    assert "(row 2 of the file, header_row=2)" in msg and "pass header_row= its number as Excel shows it" in msg
    with pytest.raises(SurveyInputError, match=r"survey_titled.xlsx \(sheet 'ข้อมูล'\): header_row=40, but there "
                                               r"are only 17 row\(s\)"):
        load_survey(DATA / "survey_titled.xlsx", header_row=40)
    for bad in (0, -1, "4", 4.0, True):
        with pytest.raises(ValueError, match="header_row"):
            load_survey(DATA / "survey_titled.xlsx", header_row=bad)


# -- CSV saved from such a sheet ----------------------------------------------------------------------
def test_csv_title_lines_skipped_and_errors_name_the_line():
    with pytest.raises(SurveyInputError, match=r"row 9, column 'IQA2' \(respondent T06\): value '0'"):
        load_survey(DATA / "survey_titled.csv")
    for header_row in (None, 3):
        s = load_survey(DATA / "survey_titled.csv", on_invalid="missing", header_row=header_row)
        v = s.validation
        assert (v.header_row, v.rows_read, v.rows_kept, v.encoding) == (3, 12, 12, "utf-8 with BOM")
        assert problems(s, "out_of_range")[["row", "respondent", "value"]].values.tolist() == [[9, "T06", "0"]]
        truth = expected("survey_titled.csv")
        truth.loc[5, "IQA2"] = np.nan
        pd.testing.assert_frame_equal(s.items.reset_index(drop=True), truth, check_names=False)
    lines = (DATA / "survey_titled.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[2].startswith("รหัส,EFF1") and lines[8].startswith("T06,")   # line 9 is T06


def items_csv(n=4, seed=3, sep=","):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.integers(1, 6, size=(n, 42)), columns=EM40.item_codes)
    frame.insert(0, "respondent_id", [f"R{i + 1}" for i in range(n)])
    return frame


def test_unpadded_title_lines_semicolons_and_a_title_cell_over_two_lines(tmp_path):
    """A hand-made CSV: no delimiters in the title lines (the sniffer gives up), a quoted title cell
    holding a line break (Excel shows it as one row), a blank line: the header is row 4."""
    frame = items_csv()
    frame.loc[1, "HRM3"] = 8
    body = frame.to_csv(index=False, sep=";", lineterminator="\n")
    path = tmp_path / "hand_made.csv"
    path.write_text(f'"{TITLE}\nปีการศึกษา 2567"\n{SCHOOL}\n\n' + body, encoding="utf-8")
    with pytest.raises(SurveyInputError, match=r"row 6, column 'HRM3' \(respondent R2\): value '8'"):
        load_survey(path)
    s = load_survey(path, on_invalid="missing")
    assert s.validation.header_row == 4 and len(s) == 4 and len(s.item_columns) == 42
    assert problems(s, "header_row")["value"].iloc[0] == f"{TITLE} ปีการศึกษา 2567 | {SCHOOL}"


def test_header_found_by_the_mapping_when_headers_are_neither_codes_nor_texts(tmp_path):
    frame = items_csv().rename(columns={c: f"ข้อ{k}" for k, c in enumerate(EM40.item_codes, start=1)})
    path = tmp_path / "numbered.csv"
    path.write_text(f"{TITLE}\n\n" + frame.to_csv(index=False), encoding="utf-8")
    mapping = {f"ข้อ{k}": c for k, c in enumerate(EM40.item_codes, start=1)}
    s = load_survey(path, mapping=mapping)
    assert s.validation.header_row == 3 and len(s.item_columns) == 42
    assert (s.validation.column_map.query("item != ''")["matched_by"] == "mapping").all()


def test_first_row_kept_when_it_names_the_items(tmp_path):
    # a data row that happens to hold item codes does not win over a header that names the items
    frame = items_csv().astype(object)
    frame.loc[0, ["respondent_id"] + EM40.item_codes[:5]] = ["note"] + EM40.item_codes[:5]
    s = load_survey(frame, on_invalid="missing")
    assert s.validation.header_row is None                      # a DataFrame has no header row
    path = tmp_path / "plain.csv"
    frame.to_csv(path, index=False)
    v = load_survey(path, on_invalid="missing").validation
    assert v.header_row == 1 and problems_of(v, "header_row").empty
    assert set(problems_of(v, "unparseable")["row"]) == {2}


def problems_of(v, kind):
    return v.problems[v.problems["problem"] == kind]


def test_no_row_names_an_item_error_names_the_file_and_header_row(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(f"{TITLE},\n,\nชื่อ,อายุ\nสมชาย,40\n", encoding="utf-8")
    with pytest.raises(SurveyInputError) as info:
        load_survey(path)
    msg = str(info.value)
    assert msg.startswith("other.csv: no column matches an item of EM40")
    assert f"the file's columns are ['{TITLE}', 'Unnamed: 1'] (row 1 of the file, none of the first 20 " \
           f"rows names more items)" in msg
    assert "pass header_row= its number as Excel shows it (1 = first row)" in msg and "mapping=" in msg
    # title lines without delimiters: pandas cannot read the table, and the error says why it may be
    path.write_text(f"{TITLE}\n\nชื่อ,อายุ\nสมชาย,40\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match=r"other.csv: not a well-formed CSV table .* if lines above the "
                                               r"table hold a title, pass header_row="):
        load_survey(path)


def test_header_row_only_for_csv_and_excel(tmp_path):
    with pytest.raises(SurveyInputError, match="a DataFrame has its columns already: header_row= picks"):
        load_survey(items_csv(), header_row=2)
    with pytest.raises(SurveyInputError, match="survey_spss_th.sav: an SPSS file names its variables itself"):
        load_survey(DATA / "survey_spss_th.sav", header_row=1)
    assert load_survey(DATA / "survey_spss_th.sav").validation.header_row is None


def test_cli_header_row(capsys):
    args = ["validate", "tests/data/survey_titled.xlsx", "--loader-only", "--on-invalid", "missing"]
    assert main(args) == 1                                    # an invalid answer was set missing
    out = capsys.readouterr().out
    assert "header row 4, 3 lines above skipped" in out and "row 7, column '30." in out
    assert main(args + ["--header-row", "4", "--lang", "th"]) == 1
    assert "หัวตารางที่แถว 4 ข้าม 3 บรรทัดด้านบน" in capsys.readouterr().out
    assert main(args + ["--header-row", "2"]) == 2
    assert "(row 2 of the file, header_row=2)" in capsys.readouterr().err


def test_header_below_the_searched_rows_is_read_when_given(tmp_path):
    frame = items_csv().astype(object)
    frame.loc[3, "ATM5"] = "ไม่ทราบ"
    notes = "".join(f"หมายเหตุ {i}\n" for i in range(1, 25))      # 24 lines of notes: the header is row 25
    path = tmp_path / "long_notes.csv"
    path.write_text(notes + frame.to_csv(index=False), encoding="utf-8")
    with pytest.raises(SurveyInputError, match="pass header_row= the row of the column headers"):
        load_survey(path)                                      # not among the first 20 rows
    with pytest.raises(SurveyInputError, match=r"row 29, column 'ATM5' \(respondent R4\): value 'ไม่ทราบ'"):
        load_survey(path, header_row=25)
    s = load_survey(path, header_row=25, on_invalid="missing")
    assert s.validation.header_row == 25 and len(s) == 4
    assert problems(s, "header_row")["action"].iloc[0] == (
        "row 25 taken as the header (header_row=25); 24 line(s) above it skipped")
