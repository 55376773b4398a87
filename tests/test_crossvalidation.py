"""Split-half cross-validation: EFA on one random half, CFA on the other, said so in the report."""
import pytest
from semopy.examples import holzinger39

import edu40


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


def test_halves_are_disjoint_random_and_reproducible(survey):
    sh = edu40.split_half(survey, seed=3)
    assert sh.n_a + sh.n_b == len(survey.data)
    assert sh.efa.n_factors == 6 and sh.recovered and sh.fit_passed and sh.passed
    again = edu40.split_half(survey, seed=3)
    assert again.model == sh.model
    assert again.cfa.fit_indices["chisq"] == pytest.approx(sh.cfa.fit_indices["chisq"])
    other = edu40.split_half(survey, seed=4)
    assert other.cfa.fit_indices["chisq"] != pytest.approx(sh.cfa.fit_indices["chisq"])
    # the CFA is fitted to half B only: its N is half B's complete rows
    assert int(sh.cfa.fit_indices["nobs"]) <= sh.n_b
    assert sh.efa.n_obs <= sh.n_a


def test_report_says_what_was_done(survey, tmp_path):
    sh = edu40.split_half(survey)
    for lang, phrase in (("en", "EFA on a random half"), ("th", "ครึ่งแรกที่สุ่ม")):
        assert phrase in sh.summary(lang)
    md = sh.to_markdown(lang="en")
    assert "Split-half cross-validation (EFA → CFA)" in md and "ATM =~" in md
    sh.to_html(tmp_path / "sh.html", lang="th")


def test_data_frame_without_instrument():
    hs = holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]
    sh = edu40.split_half(hs, seed=1)
    assert sh.recovered is None and sh.efa.evidence is not None     # parallel analysis chose the number
    assert sh.model.count("=~") == sh.efa.n_factors
    with pytest.raises(ValueError, match="cannot be split"):
        edu40.split_half(hs.head(10))


def test_validate_runs_split_half_on_request(survey):
    v = edu40.validate(survey, split_half=True)
    row = v.checks[v.checks["aspect"] == "split-half cross-validation"]
    assert len(row) == 1 and bool(row["passed"].iloc[0])
    assert "random half" in row["reason"].iloc[0]
    assert v.split_half is not None
    assert "Split-half cross-validation" in v.to_markdown(lang="en")
    assert edu40.validate(survey).split_half is None
