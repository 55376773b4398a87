"""Report blocks of every result object, the four renderers, the survey pipeline and `edu40 report`."""
import base64
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import edu40
from edu40.core.blocks import Block, collect_blocks, figure, heading, table, text, warning
from edu40.cli import main
from edu40.core import render
from edu40.report import save, to_docx, to_excel, to_html, to_markdown

SAMPLE = Path(__file__).parents[1] / "data" / "sample" / "em40_survey.csv"


@pytest.fixture(scope="module")
def survey():
    return edu40.datasets.load_em40_survey()


@pytest.fixture(scope="module")
def sem(survey):
    return edu40.fit(edu40.EM40.model(), survey)


@pytest.fixture(scope="module")
def report_th(survey):
    return edu40.survey_report(survey, lang="th")


def results(survey):
    scores = survey.factor_scores()
    return [survey.validation, survey,
            edu40.cronbach_alpha(survey.items[["HRM1", "HRM2", "HRM3"]]),
            edu40.omega(survey.items[["HRM1", "HRM2", "HRM3", "HRM4"]]),
            edu40.kr20(edu40.datasets.load_em40_training().filter(like="pre_K")),
            edu40.ttest(scores["ACL"], mu=3.51), edu40.paired_ttest(scores["ACL"], scores["EFF"]),
            edu40.anova(survey, "EFF", "region"), edu40.correlations(survey)]


# -- the protocol on every result object -------------------------------------------------------
def test_every_result_object_describes_itself_in_both_languages(survey, sem):
    for obj in results(survey) + [sem]:
        name = type(obj).__name__
        th, en = obj.report_blocks(lang="th"), obj.report_blocks(lang="en")
        assert all(isinstance(b, Block) for b in th + en), name
        assert th[0].kind == "heading" and th[0].content != en[0].content, name
        kinds = [b.kind for b in en]
        first_table = kinds.index("table") if "table" in kinds else len(kinds)
        assert all(k != "warning" for k in kinds[first_table:]), f"{name}: warnings must come first"
        for method in ("to_html", "to_docx", "to_excel", "to_markdown", "_repr_html_", "summary"):
            assert callable(getattr(obj, method, None)), (name, method)


def test_jupyter_views_follow_the_session_language(survey, sem):
    v = survey.validation
    assert "rows read 772" in v._repr_html_() and "All answers valid" in v._repr_html_()
    edu40.set_language("th")
    try:
        assert "อ่าน 772 แถว" in v._repr_html_()
        html = sem._repr_html_()
        assert "ดัชนีความสอดคล้อง" in html and "น้ำหนักองค์ประกอบ" in html
        assert "<img" not in html                         # no figure drawn for a notebook view
    finally:
        edu40.set_language("en")
    html = sem._repr_html_()
    assert html.index("rows excluded") < html.index("Model fit indices") < html.index("Standardized loadings")


def test_sem_blocks_hold_the_fitted_numbers(sem):
    blocks = sem.report_blocks(lang="en", instrument=edu40.EM40)
    tables = {b.title: b.content for b in blocks if b.kind == "table"}
    fit = tables["Model fit indices and criteria"]
    assert fit.loc[fit["Index"] == "CFI", "Value"].item() == pytest.approx(sem.fit_indices["cfi"])
    paths = tables["Structural paths"]
    std = sem.standardized.set_index(["lhs", "op", "rhs"])
    assert paths.loc[paths["Path"] == "EFF ← ACL", "β"].item() == pytest.approx(std.loc[("EFF", "~", "ACL"), "est.std"])
    assert paths.loc[paths["Path"] == "EFF ← ACL", "Sig."].item() == "***"
    assert tables["Variance explained (R²)"]["R²"].item() == pytest.approx(sem.r2["EFF"])
    val = tables["Composite reliability (CR) and average variance extracted (AVE)"]
    assert list(val["CR"]) == pytest.approx(list(sem.reliability()["cr"]))
    assert val.loc[0, "Label"] == "Effective Education Management 4.0"
    loads = tables["Standardized loadings"]
    assert np.isnan(loads.loc[loads["Indicator"] == "EFF1", "SE"].item())      # the marker is fixed
    assert [b.kind for b in blocks][-1] == "figure"
    assert "HTMT" in tables


# -- renderers -------------------------------------------------------------------------------------
def small_blocks(calls=None):
    def draw():
        if calls is not None:
            calls.append(1)
        fig = Figure(figsize=(2, 1))
        fig.add_subplot().plot([0, 1], [0, 1])
        return fig
    frame = pd.DataFrame({"ตัวแปร": ["ACL", "ATM"], "ค่าเฉลี่ย": [3.9401, 4.0], "p": [0.0004, 0.0312],
                          "n": [772, 770], "ผ่าน": [True, False]})
    return [heading("ผลการวิเคราะห์", 1), warning("คำเตือน ทดสอบ"), text("บรรทัดหนึ่ง\nบรรทัดสอง"),
            table(frame, "ตารางทดสอบ | pipe", note="หมายเหตุทดสอบ"), figure(draw, "ภาพทดสอบ")]


def test_cells_are_formatted_apa_style():
    assert render.format_cell(0.91234) == "0.912"
    assert render.format_cell(0.0004, "p") == "< .001" and render.format_cell(0.0312, "p") == ".031"
    assert render.format_cell(np.nan) == "" and render.format_cell(pd.NA) == ""
    assert render.format_cell(True, lang="th") == "ใช่" and render.format_cell(np.int64(5)) == "5"
    assert render.format_cell(2344.04) == "2344.04"


def test_figures_are_drawn_only_when_shown():
    calls = []
    html = render.html_fragment(small_blocks(calls), lang="th")
    assert calls == [] and "<img" not in html and "ตารางที่ 1" in html
    render.html_fragment(small_blocks(calls), lang="th", figures=True)
    assert calls == [1]


def test_html_is_one_offline_utf8_file(tmp_path):
    path = to_html(small_blocks(), tmp_path / "r.html", lang="th")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in page and "<html lang='th'>" in page
    assert not re.search(r"(src|href)=['\"]https?:", page)                  # nothing fetched from a network
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(pngs) == 1 and base64.b64decode(pngs[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "@font-face" in page and "data:font/ttf;base64," in page         # Thai in Sarabun offline
    assert "<title>ผลการวิเคราะห์</title>" in page and "ภาพที่ 1" in page and "หมายเหตุ." in page
    assert "<td>&lt; .001</td>" in page and "<td>ใช่</td>" in page
    assert "border-top: 2px solid #000" in page                            # APA rules, no vertical lines
    assert "บรรทัดหนึ่ง<br>บรรทัดสอง" in page


def test_docx_has_apa_tables_and_thai_fonts_on_every_run(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    path = to_docx(small_blocks(), tmp_path / "r.docx", lang="th")
    doc = Document(str(path))
    paras = [p.text for p in doc.paragraphs]
    assert "ตารางที่ 1" in paras and "ตารางทดสอบ | pipe" in paras and "ภาพที่ 1" in paras
    assert any(p.startswith("คำเตือน:") for p in paras)
    runs = [r for p in doc.paragraphs for r in p.runs] + \
           [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    runs = [r for r in runs if r.text]            # the picture's run holds no text
    assert len(runs) > 10
    for r in runs:
        fonts = r._element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{s}")) for s in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Sarabun"}
        assert r._element.rPr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"
    heading_fonts = doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts"))
    assert heading_fonts.get(qn("w:asciiTheme")) is None and heading_fonts.get(qn("w:cs")) == "Sarabun"
    tbl = doc.tables[0]
    borders = tbl._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideV")).get(qn("w:val")) == "nil"
    assert borders.find(qn("w:top")).get(qn("w:val")) == "single"
    header_cell = tbl.rows[0].cells[0]._tc.tcPr.find(qn("w:tcBorders"))
    assert header_cell.find(qn("w:bottom")).get(qn("w:val")) == "single"
    assert [c.text for c in tbl.rows[1].cells] == ["ACL", "3.940", "< .001", "772", "ใช่"]
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())


def test_excel_has_one_sheet_per_table_with_numbers(tmp_path):
    from openpyxl import load_workbook

    path = to_excel(small_blocks(), tmp_path / "r.xlsx", lang="th")
    wb = load_workbook(path)
    assert wb.sheetnames == ["สรุป", "ตารางทดสอบ | pipe", "ภาพ"]
    summary = [c.value for c in wb["สรุป"]["A"] if c.value]
    assert summary[0] == "ผลการวิเคราะห์" and summary[1].startswith("คำเตือน:")
    ws = wb["ตารางทดสอบ | pipe"]
    assert [c.value for c in ws[3]] == ["ตัวแปร", "ค่าเฉลี่ย", "p", "n", "ผ่าน"]
    assert ws["B4"].value == pytest.approx(3.9401) and ws["B4"].number_format == "0.000"
    assert ws["D4"].value == 772 and ws["E5"].value is False
    assert len(wb["ภาพ"]._images) == 1


def test_markdown_tables_and_saved_figures(tmp_path):
    md = to_markdown(small_blocks(), lang="en", figures_dir=tmp_path / "figs")
    assert "| ตัวแปร | ค่าเฉลี่ย | p | n | ผ่าน |" in md and "| ACL | 3.940 | < .001 | 772 | yes |" in md
    assert "**Table 1** *ตารางทดสอบ \\| pipe*" not in md                 # titles are not escaped as cells
    assert "![ภาพทดสอบ](figs/figure-1.png)" in md and (tmp_path / "figs" / "figure-1.png").exists()
    assert "> **Warning:** คำเตือน ทดสอบ" in md


def test_save_picks_the_format_and_lists_mix_objects_and_blocks(tmp_path, survey):
    alpha = edu40.cronbach_alpha(survey.items[["HRM1", "HRM2", "HRM3"]])
    mixed = [heading("บทที่ 4", 1), survey.validation, alpha]
    blocks = collect_blocks(mixed, "th")
    assert blocks[0].content == "บทที่ 4" and blocks[-1].kind == "text" and "ครอนบาค" in blocks[-1].content
    assert save(mixed, tmp_path / "a.md", lang="th").read_text(encoding="utf-8").startswith("# บทที่ 4")
    with pytest.raises(ValueError, match="unknown report format"):
        save(mixed, tmp_path / "a.pdf")
    with pytest.raises(TypeError, match="report blocks"):
        collect_blocks(42)


# -- the survey pipeline -------------------------------------------------------------------------
def test_survey_report_puts_the_key_results_first(report_th, survey):
    rep = report_th
    assert rep.sem.fit_indices["df"] == 804
    blocks = rep.report_blocks()
    assert blocks[0].kind == "heading" and blocks[0].level == 1
    assert blocks[1].content == "สรุปผลสำคัญ"
    key = rep.summary()
    assert f"R² = {rep.sem.r2['EFF']:.3f}" in key and "ร้อยละ 77.7" in key
    ft = rep.sem.fit_table(lang="th")
    assert f"ผ่านเกณฑ์ {int(ft['passed'].sum())} จาก {len(ft)} ดัชนี" in key
    assert "ข้อมูลสังเคราะห์" in key                                       # the sample says it is synthetic
    figs = [b for b in blocks if b.kind == "figure"]
    assert len(figs) == 4 and all(isinstance(b.content, Figure) for b in figs)   # drawn by the plots step
    titles = [b.title for b in blocks if b.kind == "table"]
    assert "ดัชนีความสอดคล้องกลมกลืนของแบบจำลอง" in titles and "HTMT" in titles
    desc = next(b.content for b in blocks if b.kind == "table" and b.title.startswith("ค่าเฉลี่ย ส่วนเบี่ยงเบน"))
    ref = edu40.describe(survey, lang="th")
    assert list(desc["ค่าเฉลี่ย"]) == pytest.approx(list(ref.loc[ref["kind"].isin(["factor", "total"]), "mean"]))
    assert list(desc["ระดับ"])[:2] == ["มาก", "มาก"]


def test_survey_report_in_another_language_reuses_the_model(report_th):
    en = report_th.report_blocks(lang="en")
    assert en[1].content == "Key results" and "Model fit:" in report_th.summary(lang="en")
    assert report_th.report_blocks()[1].content == "สรุปผลสำคัญ"          # None keeps the report's language


def test_survey_report_by_group_matches_the_tests(survey):
    rep = edu40.survey_report(survey, lang="en", group="region", plots=False)
    anova_table = next(b.content for b in rep.blocks if b.kind == "table" and b.title == "One-way ANOVA by region")
    assert anova_table.loc[anova_table["Variable"] == "EFF", "F"].item() == pytest.approx(
        edu40.anova(survey, "EFF", "region").F)
    rep2 = edu40.survey_report(survey, lang="en", group="gender", plots=False)
    t_table = next(b.content for b in rep2.blocks if b.kind == "table" and b.title == "t-tests by gender")
    ref = edu40.ttest(survey, dv="ACL", group="gender")
    assert t_table.loc[t_table["Variable"] == "ACL", "t"].item() == pytest.approx(ref.t)
    assert not any(b.kind == "figure" for b in rep2.blocks)
    with pytest.raises(edu40.StatsInputError, match="not a column"):
        edu40.survey_report(survey, group="nope", plots=False)


def test_model_follows_the_items_present(survey):
    data = survey.data.drop(columns=["HRM2", "HRM3", "HRM4"])
    partial = edu40.load_survey(data)
    syntax, notes = edu40.report.model_for(partial)
    assert "HRM" not in syntax and notes and "factor HRM left out" in notes[0]
    assert syntax.splitlines()[-1] == "EFF ~ ACL + ATM + QMG + IQA"
    cfa, _ = edu40.report.model_for(survey, structural=False)
    assert "~ " not in cfa.replace("=~", "")


# -- the command line -----------------------------------------------------------------------------
def test_cli_report_html_has_fit_table_thai_labels_and_the_path_diagram(tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(SAMPLE), "-o", str(out), "--quiet"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "ดัชนีความสอดคล้องกลมกลืนของแบบจำลอง" in page and "RMSEA" in page and "ผ่าน" in page
    assert "ภาวะผู้นำทางวิชาการ" in page                                  # Thai labels
    assert 'alt="แผนภาพเส้นทางของแบบจำลอง (ค่ามาตรฐาน)" src="data:image/png;base64,' in page
    assert len(re.findall(r'src="data:image/png', page)) == 4


def test_cli_report_other_formats_and_errors(tmp_path, capsys):
    from openpyxl import load_workbook

    xlsx = tmp_path / "r.xlsx"
    assert main(["report", str(SAMPLE), "--lang", "en", "--no-plots", "--quiet", "--group", "role",
                 "--criteria", "schermelleh-engel-2003", "-o", str(xlsx)]) == 0
    sheets = load_workbook(xlsx).sheetnames
    assert sheets[0] == "Summary" and "Model fit indices and criteria" in sheets
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "r.pdf"), "--quiet"]) == 2
    assert "must end in" in capsys.readouterr().err
    assert main(["report", str(SAMPLE), "-o", str(tmp_path / "no" / "r.html"), "--quiet"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["report", str(SAMPLE), "--group", "nope", "-o", str(tmp_path / "r.md"), "--quiet"]) == 2
    assert "not a column" in capsys.readouterr().err


def test_cli_help_has_examples():
    r = subprocess.run([sys.executable, "-m", "edu40.cli", "report", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "examples:" in r.stdout and "edu40 report data/sample/em40_survey.csv -o report.html" in r.stdout
    for option in ("--instrument", "--lang", "--group", "--criteria", "--missing", "-o"):
        assert option in r.stdout
    top = subprocess.run([sys.executable, "-m", "edu40.cli", "--help"], capture_output=True, text=True)
    assert "report" in top.stdout and "edu40 report" in top.stdout


# -- LibreOffice (optional: the check a person makes, when the machine has it) ------------------------
@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")) or not shutil.which("pdftotext"),
                    reason="LibreOffice and poppler-utils are not installed")
def test_docx_opens_in_libreoffice_with_thai_intact(tmp_path, report_th):
    # no Thai font on the system path: the text must come out through the font embedded in the .docx
    path = report_th.to_docx(tmp_path / "report.docx")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, env=env, timeout=300)
    pdf = tmp_path / "report.pdf"
    txt = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "รายงานผลการวิเคราะห์ข้อมูลแบบสอบถาม" in txt and "ดัชนีความสอดคล้องกลมกลืนของแบบจำลอง" in txt
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "Sarabun" in fonts


def test_docx_embeds_the_thai_font(tmp_path, report_th):
    import zipfile

    from edu40.core.render import obfuscate_font

    path = report_th.to_docx(tmp_path / "report.docx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        table = z.read("word/fontTable.xml").decode("utf-8")
        rels = z.read("word/_rels/fontTable.xml.rels").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
        regular = z.read("word/fonts/font1.odttf")
    assert {f"word/fonts/font{k}.odttf" for k in range(1, 5)} <= set(names)
    assert 'w:name="Sarabun"' in table and "w:embedRegular" in table and "w:embedBold" in table
    key = re.search(r'w:embedRegular[^>]*w:fontKey="(\{[^"]+\})"', table).group(1)
    original = edu40.core.fonts.font_files()["Regular"].read_bytes()
    assert regular != original and obfuscate_font(regular, key) == original     # ODTTF round trip
    assert "fonts/font1.odttf" in rels
    assert settings.index("w:embedTrueTypeFonts") > settings.index("w:zoom")


# -- module hygiene --------------------------------------------------------------------------------
@pytest.mark.parametrize("module", ["edu40.core.render.cells", "edu40.report.pipeline", "edu40.sem.diagram",
                                    "edu40.stats.plots", "edu40.studies.prepost.figures", "edu40.core.fonts"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if module != "edu40.core.fonts":
        assert result.attempted > 0


def test_survey_report_opens_with_the_respondents_profile_from_frequencies(report_th, survey):
    blocks = list(report_th.blocks)
    at = next(i for i, b in enumerate(blocks) if b.kind == "heading" and b.content == "สถานภาพของผู้ตอบแบบสอบถาม")
    profile = blocks[at + 1].content
    assert profile.columns.tolist() == ["ตัวแปร", "กลุ่ม", "ความถี่", "ร้อยละ"]
    assert set(profile["ตัวแปร"]) == {"role", "region", "school_level", "gender"}   # not ids or years
    role = profile[profile["ตัวแปร"] == "role"].set_index("กลุ่ม")
    assert role.loc["teacher", "ความถี่"] == (survey.data["role"] == "teacher").sum() == 535
    assert role.loc["teacher", "ร้อยละ"] == "69.30"
    md = to_markdown(report_th)
    assert "| role | teacher | 535 | 69.30 |" in md
