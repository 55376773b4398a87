"""The shipped samples are synthetic, documented and regenerable bit for bit."""
import subprocess
import sys
from pathlib import Path

import edu40
from edu40 import datasets

ROOT = Path(__file__).resolve().parents[1]


def test_regeneration_is_bit_for_bit(tmp_path):
    # the command written in data/sample/README.md
    subprocess.run([sys.executable, "-m", "edu40.io.datasets", str(tmp_path)], check=True)
    for name in ("em40_survey.csv", "em40_training.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / "sample" / name).read_bytes(), name
    readme = (ROOT / "data" / "sample" / "README.md").read_text(encoding="utf-8")
    assert "python -m edu40.io.datasets data/sample" in readme and "synthetic" in readme.lower()


def test_installed_copies_are_the_shipped_files():
    assert datasets.SURVEY_PATH.read_bytes() == (ROOT / "data/sample/em40_survey.csv").read_bytes()
    assert datasets.TRAINING_PATH.read_bytes() == (ROOT / "data/sample/em40_training.csv").read_bytes()


def test_survey_sample_layout():
    s = datasets.load_em40_survey()
    assert len(s) == 772
    assert list(s.data.columns[:2]) == ["respondent_id", "EFF1"]
    d = s.data
    assert set(d["role"]) == {"director", "deputy_director", "teacher"}
    assert set(d["region"]) == {"South", "Northeast", "Central-East", "North"}
    assert set(d["school_level"]) == {"primary", "secondary"}
    assert set(d["gender"]) == {"female", "male"}
    assert d["years_experience"].between(1, 40).all()
    assert 0 < s.items.isna().sum().sum() <= 10           # "a few missing answers"


def test_training_sample_layout():
    t = datasets.load_em40_training()
    assert 60 <= len(t) <= 120
    pre = t.filter(regex=r"^pre_K\d+$")
    post = t.filter(regex=r"^post_K\d+$")
    assert 20 <= pre.shape[1] <= 30 and pre.shape[1] == post.shape[1]
    assert set(pre.stack().unique()) <= {0, 1}
    sat = t[datasets.TRAINING_SATISFACTION.item_codes]
    assert sat.stack().between(1, 5).all()
    assert post.isna().all(axis=1).sum() == 2             # two left before the post-test
