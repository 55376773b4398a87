import numpy as np
import pytest

from edu40 import LIKERT5, Band, LikertScale


@pytest.mark.parametrize("mean, en, th", [
    (5.0, "highest", "มากที่สุด"), (4.51, "highest", "มากที่สุด"), (4.50, "high", "มาก"),
    (3.51, "high", "มาก"), (3.50, "moderate", "ปานกลาง"), (2.51, "moderate", "ปานกลาง"),
    (2.50, "low", "น้อย"), (1.51, "low", "น้อย"), (1.50, "lowest", "น้อยที่สุด"), (1.0, "lowest", "น้อยที่สุด"),
])
def test_five_point_bands_follow_the_thai_convention(mean, en, th):
    assert LIKERT5.level(mean, lang="en") == en
    assert LIKERT5.level(mean, lang="th") == th


def test_mean_is_read_as_printed_to_two_decimals():
    # 4.505 prints as 4.51 and a reader classifies it "highest"
    assert LIKERT5.level(4.505) == "highest"
    assert LIKERT5.level(4.5049) == "high"
    assert LIKERT5.level(np.nan) is None


def test_band_limits_of_the_default_scale():
    t = LIKERT5.to_frame()
    assert t["band_lower"].tolist() == [1.0, 1.51, 2.51, 3.51, 4.51]
    assert t["band_upper"].tolist() == [1.5, 2.5, 3.5, 4.5, 5.0]


def test_interval_rule_gives_best_1977_bands():
    s = LikertScale(5, band_rule="interval")
    assert s.to_frame()["band_upper"].tolist() == [1.8, 2.6, 3.4, 4.2, 5.0]
    assert s.level(4.21) == "highest"


@pytest.mark.parametrize("points", [4, 5, 6, 7])
def test_four_to_seven_points_have_labels_and_cover_the_range(points):
    s = LikertScale(points)
    assert len(s.labels_th) == len(s.labels_en) == points
    assert s.bands[0].lower == 1 and s.bands[-1].upper == points
    assert s.level(points) == s.labels_en[-1]
    assert s.level(1) == s.labels_en[0]


def test_custom_labels_and_bands():
    bands = (Band(1, 2.33, "ต่ำ", "low"), Band(2.34, 3.67, "กลาง", "middle"), Band(3.68, 5, "สูง", "high"))
    s = LikertScale(5, labels_en=("a", "b", "c", "d", "e"), labels_th=("ก", "ข", "ค", "ง", "จ"), bands=bands)
    assert s.level(3.68, lang="th") == "สูง"
    assert s.level(2.0) == "low"
    assert s.parse("e") == 5


def test_bad_scales_are_refused_with_reasons():
    with pytest.raises(ValueError, match="2 to 11"):
        LikertScale(1)
    with pytest.raises(ValueError, match="labels"):
        LikertScale(5, labels_en=("a", "b"))
    with pytest.raises(ValueError, match="contiguous"):
        LikertScale(5, bands=(Band(1, 2, "a", "a"), Band(3, 5, "b", "b")))
    with pytest.raises(ValueError, match="outside the scale"):
        LIKERT5.level(5.2)


@pytest.mark.parametrize("raw, value", [
    ("5", 5), ("5.0", 5), (4, 4), (3.0, 3), ("มากที่สุด", 5), ("  มาก ", 4), ("น้อยที่สุด", 1),
    ("5 - มากที่สุด", 5), ("4 (มาก)", 4), ("Strongly agree", 5), ("highest", 5),
    ("เห็นด้วยอย่างยิ่ง", 5), ("7", 7), ("0", 0),
])
def test_parse_reads_numbers_and_anchor_words(raw, value):
    assert LIKERT5.parse(raw) == value


@pytest.mark.parametrize("raw", ["abc", "5 - น้อยที่สุด", "มากก"])
def test_parse_returns_none_for_unreadable_answers(raw):
    assert LIKERT5.parse(raw) is None


def test_parse_blank_is_missing():
    assert np.isnan(LIKERT5.parse("")) and np.isnan(LIKERT5.parse(None)) and np.isnan(LIKERT5.parse(np.nan))
