import pandas as pd
import pytest

import edu40
from edu40 import EM40, CodebookError, Instrument


def test_em40_has_42_items_in_six_factors():
    assert len(EM40) == 42
    f = EM40.factors.set_index("factor")["n_items"]
    assert f.to_dict() == {"EFF": 6, "ACL": 10, "ATM": 10, "QMG": 7, "HRM": 4, "IQA": 5}
    assert EM40.item_codes[:7] == ["EFF1", "EFF2", "EFF3", "EFF4", "EFF5", "EFF6", "ACL1"]
    assert EM40.item_codes[-1] == "IQA5"
    assert EM40.reverse_items == []


def test_em40_texts_come_from_the_study():
    assert EM40.label("ACL1", "th") == "การมีวิสัยทัศน์กว้างไกล"
    assert EM40.label("QMG7", "th") == "ผลลัพธ์"
    assert EM40.label("HRM", "en") == "Human Resource Management"
    assert EM40.label("EFF", "th") == "การบริหารจัดการศึกษา 4.0 ที่มีประสิทธิผล"
    assert EM40.items["text_th"].str.len().min() > 0
    assert EM40.items["text_en"].str.len().min() > 0


def test_measurement_and_structural_syntax():
    lines = EM40.measurement_syntax().splitlines()
    assert len(lines) == 6
    assert lines[4] == "HRM =~ HRM1 + HRM2 + HRM3 + HRM4"
    assert EM40.structural_syntax() == "EFF ~ ACL + ATM + QMG + HRM + IQA"
    assert EM40.structural_syntax("EFF", ["ACL", "IQA"]) == "EFF ~ ACL + IQA"
    assert EM40.model(structural=False) == EM40.measurement_syntax()
    assert EM40.model().endswith("EFF ~ ACL + ATM + QMG + HRM + IQA")
    with pytest.raises(KeyError, match="not a factor"):
        EM40.structural_syntax("EFF", ["XYZ"])
    with pytest.raises(ValueError, match="predict itself"):
        EM40.structural_syntax("EFF", ["EFF"])


def test_csv_codebook_round_trip(tmp_path):
    path = tmp_path / "codebook.csv"
    EM40.to_csv(path)
    back = Instrument.from_file(path)
    assert back.item_codes == EM40.item_codes
    assert back.label("ATM2", "th") == EM40.label("ATM2", "th")
    assert back.factors["n_items"].tolist() == [6, 10, 10, 7, 4, 5]


def test_own_instrument_from_toml_with_reverse_item(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('''
[instrument]
name = "MINE"
scale_points = 4
outcome = "B"
[[items]]
item = "a1"
factor = "A"
factor_label_th = "ก"
factor_label_en = "Alpha"
text_en = "first"
[[items]]
item = "a2"
factor = "A"
reverse = true
[[items]]
item = "b1"
factor = "B"
''', encoding="utf-8")
    inst = Instrument.from_file(path)
    assert inst.reverse_items == ["a2"]
    assert inst.scale.points == 4
    assert inst.structural_syntax() == "B ~ A"
    assert inst.label("A", "en") == "Alpha"
    assert inst.label("B", "en") == "B"  # no label given: the code


def test_cp874_csv_codebook(tmp_path):
    path = tmp_path / "thai.csv"
    pd.DataFrame({"item": ["x1", "x2"], "factor": ["F", "F"], "text_th": ["ข้อหนึ่ง", "ข้อสอง"]}).to_csv(
        path, index=False, encoding="cp874")
    inst = Instrument.from_file(path)
    assert inst.label("x2", "th") == "ข้อสอง"


@pytest.mark.parametrize("table, message", [
    ({"item": ["1a"], "factor": ["F"]}, r"row 2, column 'item', value '1a'"),
    ({"item": ["a", "a"], "factor": ["F", "F"]}, r"'a' appears more than once \(rows \[2, 3\]\)"),
    ({"code": ["a"], "factor": ["F"]}, r"required column\(s\) \['item'\]"),
    ({"item": ["a"], "factor": ["F"], "reverse": ["maybe"]}, r"row 2, column 'reverse', value 'maybe'"),
    ({"item": ["a", "b"], "factor": ["F", "F"], "factor_label_en": ["X", "Y"]}, r"different factor_label_en"),
    ({"item": ["F"], "factor": ["F"]}, r"both as item and factor"),
])
def test_bad_codebooks_name_file_row_column_value(tmp_path, table, message):
    path = tmp_path / "bad.csv"
    pd.DataFrame(table).to_csv(path, index=False)
    with pytest.raises(CodebookError, match=message) as info:
        Instrument.from_file(path)
    assert "bad.csv" in str(info.value)


def test_html_repr_and_labels():
    assert "42 items" in EM40._repr_html_()
    labels = EM40.labels("en")
    assert labels["EFF"] == "Effective Education Management 4.0" and len(labels) == 48
    assert edu40.EM40.scale.points == 5
