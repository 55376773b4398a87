"""Figures: Thai text really renders in Sarabun, numbers on the figures are the fitted/computed ones,
and edu40 never touches the user's matplotlib settings or pyplot's figure list."""
import io
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from semopy.examples import holzinger39, political_democracy

import edu40
from edu40.core import fonts as _fonts
from edu40.plots import correlation_heatmap, factor_profile, gain_hist, likert_bars, paired_slope, path_diagram
from _models import HS_MODEL, PD_MODEL

THAI = "ภาวะผู้นำทางวิชาการ ที่มีประสิทธิผล การใช้อำนาจ ผ่าน ไม่ผ่าน น้ำหนักองค์ประกอบ"
_fits = {}


def fitted(name):
    if name not in _fits:
        _fits[name] = {"hs": lambda: edu40.fit(HS_MODEL, holzinger39.get_data()),
                       "pd": lambda: edu40.fit(PD_MODEL, political_democracy.get_data()),
                       "em40": lambda: edu40.fit(edu40.EM40.model(), edu40.datasets.load_em40_survey())}[name]()
    return _fits[name]


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def draw_and_collect_warnings(fig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")      # drawing is when glyphs are looked up
    return [str(w.message) for w in caught]


# -- the Thai font ------------------------------------------------------------------------
def test_sarabun_ships_under_the_ofl_and_covers_thai():
    files = _fonts.font_files()
    assert {"Regular", "Bold"} <= set(files)
    licence = (files["Regular"].parents[1] / "LICENSE").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence and "Version 1.1" in licence
    charmap = FT2Font(str(files["Regular"])).get_charmap()
    assert all(ord(c) in charmap for c in THAI if not c.isspace())


def test_sarabun_is_registered_and_found_by_family_name():
    assert _fonts.register_fonts() == "Sarabun"
    path = font_manager.findfont(font_manager.FontProperties(family="Sarabun"), fallback_to_default=False)
    assert Path(path).name == "Sarabun-Regular.ttf"


def test_thai_label_renders_in_sarabun_without_missing_glyphs():
    # the control: matplotlib's default font has no Thai, and says so when drawing
    control = Figure()
    control.text(0.1, 0.5, THAI, family="DejaVu Sans")
    assert any("missing from font" in w for w in draw_and_collect_warnings(control))
    # an edu40 figure with Thai labels: no glyph missing, and the label's font file is Sarabun
    fig = factor_profile(edu40.datasets.load_em40_survey(), lang="th")
    assert not [w for w in draw_and_collect_warnings(fig) if "Glyph" in w or "missing from font" in w]
    ticks = fig.axes[0].get_yticklabels()
    assert any("ภาวะผู้นำทางวิชาการ" in t.get_text() for t in ticks)
    for t in ticks + [fig.axes[0].xaxis.label]:
        chosen = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
        assert Path(chosen).name.startswith("Sarabun"), (t.get_text(), chosen)


def test_user_settings_and_pyplot_are_left_alone(survey):
    before = dict(matplotlib.rcParams)
    figures_before = plt.get_fignums()
    fig = likert_bars(survey, factors=["HRM"], lang="th")
    assert dict(matplotlib.rcParams) == before            # font.family untouched
    assert plt.get_fignums() == figures_before              # not registered with pyplot
    assert isinstance(fig, Figure)
    # a figure saved later, outside edu40's font context, still draws Thai without missing glyphs
    assert not [w for w in draw_and_collect_warnings(fig) if "missing from font" in w]


# -- path diagrams ----------------------------------------------------------------------------
def test_path_diagram_of_hs_cfa_shows_the_standardized_solution():
    res = fitted("hs")
    fig = path_diagram(res, lang="en")
    shown = texts(fig)
    std = res.standardized
    for r in std[std["op"] == "=~"].itertuples():
        assert f"{r._4:.2f}" in shown, r.rhs                         # every loading, 2 decimals
    cov = std[(std["op"] == "~~") & (std["lhs"] != std["rhs"])]
    assert len(cov) == 3
    for r in cov.itertuples():
        assert any(t.startswith(f"{r._4:.2f}") and t.endswith("***") for t in shown)
    assert "x1" in shown and "visual" in shown
    assert not any(t.startswith("R²") for t in shown)                 # a CFA has no R² of factors
    assert any(t.startswith("χ²(24) = 85.31") for t in shown)


def test_path_diagram_of_political_democracy_has_paths_stars_and_r2():
    res = fitted("pd")
    shown = texts(path_diagram(res, lang="en"))
    # lavaan std.all: dem60 ~ ind60 .447, dem65 ~ ind60 .182 (p = .010), dem65 ~ dem60 .885; R² .200 and .961
    assert {"0.45***", "0.18**", "0.89***"} <= set(shown)
    assert {"R² = 0.20", "R² = 0.96"} <= set(shown)
    assert "6 residual covariances not drawn" in shown


def test_path_diagram_of_the_42_indicator_model_is_one_readable_page():
    res = fitted("em40")
    fig = path_diagram(res, instrument=edu40.EM40, lang="th")
    shown = texts(fig)
    assert all(code in shown for code in edu40.EM40.item_codes)          # every indicator has its box
    assert "R² = 0.78" in shown                                           # published R² .78
    assert "ACL = ภาวะผู้นำทางวิชาการ" in shown                          # Thai legend
    assert any("ความแปรปรวนร่วมระหว่างองค์ประกอบ 10 ค่า" in t for t in shown)
    w, h = fig.get_size_inches()
    assert 6 < w < 10 and h < 20                                        # portrait page proportions
    assert min(t.get_fontsize() for t in fig.axes[0].texts) >= 6.5
    assert not [m for m in draw_and_collect_warnings(fig) if "missing from font" in m]


def test_path_diagram_draws_into_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert path_diagram(fitted("hs"), ax=ax) is fig


# -- survey figures ------------------------------------------------------------------------------
def test_likert_bars_segments_are_the_answer_percentages():
    data = pd.DataFrame({"a": [1, 2, 3, 3, 4, 5, 5, 5], "b": [5, 5, 4, 4, 4, 4, 3, np.nan]})
    fig = likert_bars(data, scale=5, lang="en")
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_height() > 0.5]
    by_row = {}
    for p in bars:
        by_row.setdefault(round(p.get_y() + p.get_height() / 2, 3), []).append(p)
    assert len(by_row) == 2
    widths = sorted(sum(abs(p.get_width()) for p in row) for row in by_row.values())
    assert widths == pytest.approx([100, 100])
    # item a: left of zero = 1 + 2 + half of 3 = 12.5 + 12.5 + 12.5 percent
    row_a = by_row[max(by_row)]
    left = -min(min(p.get_x(), p.get_x() + p.get_width()) for p in row_a)
    assert left == pytest.approx(37.5)
    assert [t.get_text() for t in ax.texts if t.get_text() in ("3.50", "4.14")] == ["3.50", "4.14"]   # means


def test_likert_bars_by_factor_with_thai_texts(survey):
    fig = likert_bars(survey, factors=["HRM", "IQA"], lang="th")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 9 and labels[0] == "HRM1  การสรรหา"
    assert "HRM  การบริหารทรัพยากรมนุษย์" in texts(fig)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "5 มากที่สุด"
    with pytest.raises(ValueError, match="not factors"):
        likert_bars(survey, factors=["XYZ"])


def test_factor_profile_points_are_the_factor_means(survey):
    fig = factor_profile(survey, lang="en")
    ax = fig.axes[0]
    means = survey.factor_scores().mean()
    points = [line.get_xdata()[0] for line in ax.lines if line.get_marker() == "o"]
    assert points == pytest.approx(list(means))
    assert ax.get_xlim() == (1.0, 5.0)
    assert "4.51–5.00" in " ".join(texts(fig))
    table = edu40.describe(survey, lang="en")
    fig2 = factor_profile(table)
    assert [line.get_xdata()[0] for line in fig2.axes[0].lines if line.get_marker() == "o"] == \
        pytest.approx(list(means))


def test_correlation_heatmap_shows_r_with_stars(survey):
    res = edu40.correlations(survey)
    fig = correlation_heatmap(res, lang="en")
    shown = texts(fig)
    r = res.matrix("r")
    assert f"{r.loc['ACL', 'EFF']:.2f}***" in shown
    img = fig.axes[0].images[0].get_array()
    assert img[1, 0] == pytest.approx(r.iloc[1, 0])
    assert np.ma.is_masked(img[0, 1]) or np.isnan(img[0, 1])        # upper triangle left empty


# -- pre/post -------------------------------------------------------------------------------------
def test_paired_slope_and_gain_hist():
    pre, post = [10, 12, 9, 14, np.nan], [15, 16, 9, 17, 20]
    fig = paired_slope(pre, post, lang="th")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ก่อนอบรม", "หลังอบรม"]
    assert {"11.25", "14.25"} <= set(texts(fig))
    assert ax.get_title(loc="left").startswith("n = 4 คู่: เพิ่มขึ้น 3, ลดลง 0, เท่าเดิม 1")
    with pytest.raises(ValueError, match="same length"):
        paired_slope([1, 2, 3], [1, 2])
    g = gain_hist(np.array(post) - np.array(pre), lang="en")
    assert g.axes[0].get_title(loc="left") == "M = 3.00, SD = 2.16, n = 4 (1 missing)"


def test_figures_show_as_images_in_jupyter_without_pyplot():
    """A Figure made without pyplot is shown as text by Jupyter unless a PNG formatter is registered;
    edu40's figures register it (and leave pyplot unimported)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import edu40\nedu40.plots.gain_hist([1, 2, 3, 2, 1], lang='th')"),
                nbformat.v4.new_code_cell("edu40.plots.paired_slope([1, 2, 3], [2, 3, 3], kind='dumbbell')"),
                nbformat.v4.new_code_cell("import sys\n'matplotlib.pyplot' in sys.modules")]
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    shown = [[k for o in c.outputs for k in o.get("data", {})] for c in nb.cells]
    assert "image/png" in shown[0] and "image/png" in shown[1], shown
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "False"
