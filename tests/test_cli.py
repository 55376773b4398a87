import subprocess
import sys

import pandas as pd

from edu40 import EM40
from edu40.cli import main


def test_validate_prints_the_summary(capsys):
    assert main(["validate", "data/sample/em40_survey.csv"]) == 0
    out = capsys.readouterr().out
    assert "Rows read 772, kept 772, excluded 0" in out
    assert "Items found 42 of 42" in out


def test_validate_thai(capsys):
    assert main(["validate", "data/sample/em40_survey.csv", "--lang", "th"]) == 0
    assert "อ่าน 772 แถว" in capsys.readouterr().out


def test_validate_bad_file_exits_2_with_the_cell(tmp_path, capsys):
    frame = pd.DataFrame({"respondent_id": ["A", "B"], "EFF1": [5, 7]})
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "row 3, column 'EFF1'" in err and "value '7'" in err
    # with --on-invalid missing it loads, reports the error and exits 1
    assert main(["validate", str(path), "--on-invalid", "missing", "--loader-only"]) == 1
    assert "out" in capsys.readouterr().out


def test_console_script_help():
    r = subprocess.run([sys.executable, "-m", "edu40.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "validate" in r.stdout and "examples" in r.stdout


def test_own_instrument_option(tmp_path, capsys):
    code = tmp_path / "cb.csv"
    pd.DataFrame({"item": ["x1", "x2"], "factor": ["F", "F"]}).to_csv(code, index=False)
    data = tmp_path / "d.csv"
    pd.DataFrame({"x1": [1, 2, 3], "x2": [2, 3, 4]}).to_csv(data, index=False)
    assert main(["validate", str(data), "--instrument", str(code), "--loader-only"]) == 0
    assert "Items found 2 of 2" in capsys.readouterr().out


def test_validate_runs_the_whole_validation_with_a_verdict(capsys):
    assert main(["validate", "data/sample/em40_survey.csv", "--group", "school_level"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Validation verdict: supported")
    assert "invariant across school_level" in out and "Rows read 772" in out


def test_validate_names_absent_items(tmp_path, capsys):
    frame = pd.read_csv("data/sample/em40_survey.csv").drop(columns=["ACL3", "HRM2"])
    path = tmp_path / "partial.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", str(path)]) == 2
    assert "lacks 2 item(s) of EM40: ['ACL3', 'HRM2']" in capsys.readouterr().err
    assert main(["validate", str(path), "--allow-missing-items"]) == 0
    assert "left out of the CFA: ['ACL3', 'HRM2']" in capsys.readouterr().out


def test_replicate_on_the_shipped_sample(capsys):
    assert main(["replicate"]) == 0
    out = capsys.readouterr().out
    assert "synthetic" in out and "RMSEA" in out and "not comparable" in out
    # the README's command names the file: it is still said to be synthetic
    assert main(["replicate", "data/sample/em40_survey.csv"]) == 0
    assert "synthetic sample" in capsys.readouterr().out
    assert main(["replicate", "--lang", "th"]) == 0
    assert "ได้ค่าเท่ากับที่รายงาน" in capsys.readouterr().out


def test_validate_a_workbook_sheet_and_drop_speeders(capsys):
    args = ["validate", "tests/data/survey_workbook.xlsx", "--sheet", "1", "--loader-only"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "sheet 'การตอบกลับแบบฟอร์ม 1' of 3" in out and "2 flagged, kept — rows 4, 10" in out
    assert main(args + ["--drop-speeders", "--min-seconds", "60"]) == 0
    out = capsys.readouterr().out
    assert "Rows read 13, kept 11, excluded 2" in out and "1 flagged, 1 excluded — rows 4" in out
    assert main(["validate", "tests/data/survey_workbook.xlsx", "--sheet", "Sheet1", "--loader-only"]) == 2
    assert "0 'คำชี้แจง', 1 'การตอบกลับแบบฟอร์ม 1', 2 'สรุปผล'" in capsys.readouterr().err


def test_a_file_of_another_questionnaire_gets_command_line_advice(tmp_path, capsys):
    path = tmp_path / "other.csv"
    pd.DataFrame({"Q1": [1, 2, 3], "Q2": [3, 4, 5]}).to_csv(path, index=False)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "--instrument codebook.csv" in err and "--header-row" in err
    assert "mapping={column: item}" not in err and "header_row=" not in err
