"""Make the small questionnaire exports in tests/data/ that the loader tests (test_loader_*.py) read.

    python tests/data/make_test_data.py          # rewrites the files next to this script

Every file is synthetic (no person answered it): 12 respondents x the 42 EM40
items, answers drawn with a fixed seed, then written in the layout a real
export has.  Each file plants the problems its test looks for; the plants are
listed in ``PLANTS`` and in README.md.  ``expected_answers.csv`` holds the
answers each file encodes, as numbers, for the tests to compare with.  The CSV files are the same bytes on
every run; the .xlsx and .sav files carry their creation time inside, so
their bytes change but their content does not.

- google_forms_th.csv   Google Forms -> Google Sheets -> "Download CSV" (UTF-8), Thai form:
                        "ประทับเวลา", "ที่อยู่อีเมล", question titles as headers in every form
                        Google Forms and form authors give them (grid "question [row]",
                        numbered "7. ", "ข้อ 34 ", Thai digits, zero-width spaces, no-break
                        spaces, SARA AM typed as two characters, spaces dropped, a typo
                        fixed), answers as words ("มากที่สุด", "5 (มากที่สุด)", "4 - มาก", "(4) มาก").
- survey_workbook.xlsx  A workbook with three sheets: instructions, the responses (item
                        codes, start time and submission time as Excel dates, a blank row),
                        a summary sheet.
- survey_spss_th.sav    SPSS file written with pyreadstat: variables Q1..Q42 whose variable
                        labels are the Thai item texts, Thai value labels (1 = น้อยที่สุด ...
                        5 = มากที่สุด, 9 = ไม่ตอบ as user-missing), labelled demographics, a
                        duration in seconds.
- survey_tis620.csv     Saved as "CSV" by Excel on Thai Windows: TIS-620/cp874 bytes, Thai
                        headers and answer words, start and end times in Buddhist Era years
                        (15/6/2567 = 15 June 2024).
- survey_titled.xlsx    A Thai workbook whose sheet starts with a title (merged cells), the
                        school's name and a blank row; the header is row 4, numbered Thai
                        question titles, a blank row inside the table.
- survey_titled.csv     That kind of sheet saved by Excel as "CSV UTF-8" (with BOM): a title
                        line and an empty line, padded with commas as Excel writes them; the
                        header is line 3, item codes, a respondent id.
- google_forms_resubmit.csv
                        Google Forms with the English interface and Thai questions
                        ("Timestamp", "Email Address"), where teachers submitted the form again
                        (the address typed in other case, with a trailing space), and two early
                        responses have no address (collected before e-mail collection was on).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
N = 12
SEED = 20240615

WORDS = {1: "น้อยที่สุด", 2: "น้อย", 3: "ปานกลาง", 4: "มาก", 5: "มากที่สุด"}

# What each file plants, by respondent (0-based) — the tests read these numbers.
PLANTS = {
    "google_forms_th.csv": {"straight_liner": 4, "blank_answer": (8, "QMG3")},
    "survey_workbook.xlsx": {"speeders": {2: 45, 7: 70}, "blank_row_after": 5},
    "survey_spss_th.sav": {"speeder": (3, 50), "straight_liner": 10, "user_missing": (6, "HRM2")},
    "survey_tis620.csv": {"speeder": (9, 60)},
    # header row 4 (3 title rows above); a blank row inside the table after respondent 7
    "survey_titled.xlsx": {"header_row": 4, "out_of_range": (2, "QMG4", 6), "blank_row_after": 7,
                           "straight_liner": 10},
    "survey_titled.csv": {"header_row": 3, "out_of_range": (5, "IQA2", 0)},
    # respondent -> the earlier respondent whose address it repeats (as typed)
    "google_forms_resubmit.csv": {"same_email_as": {5: (1, "Teacher02@School.ac.th "),
                                                    9: (4, "teacher05@school.ac.th"),
                                                    10: (4, " TEACHER05@school.ac.th")},
                                  "no_email": (0, 3)},
}

TITLE = "แบบสอบถามเรื่อง การบริหารจัดการสถานศึกษาในยุคการศึกษา 4.0"
SCHOOL = "โรงเรียนบ้านหนองบัว สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"


def em40():
    import edu40

    return edu40.EM40


def answers(seed: int) -> pd.DataFrame:
    """12 x 42 answers on 1..5: a person level plus item noise, never one answer to every item."""
    inst = em40()
    rng = np.random.default_rng(seed)
    person = rng.normal(3.8, 0.6, size=(N, 1))
    raw = np.clip(np.rint(person + rng.normal(0, 0.7, size=(N, len(inst.item_codes)))), 1, 5).astype(int)
    for i in range(N):          # keep the planted straight-liners the only ones
        if len(set(raw[i])) == 1:
            raw[i, 0] = 3 if raw[i, 0] != 3 else 4
    return pd.DataFrame(raw, columns=inst.item_codes)


def google_forms(path: Path) -> pd.DataFrame:
    inst = em40()
    a = answers(SEED)
    plant = PLANTS[path.name]
    a.iloc[plant["straight_liner"]] = 4
    cols: dict[str, list] = {
        "ประทับเวลา": [f"{14 + i // 6}/6/2024, {9 + i % 6}:{(7 * i) % 60:02d}:{(13 * i) % 60:02d}" for i in range(N)],
        "ที่อยู่อีเมล": [f"teacher{i + 1:02d}@school.ac.th" for i in range(N)],
        "ตำแหน่ง": ["ครู"] * 8 + ["รองผู้อำนวยการ"] * 2 + ["ผู้อำนวยการ"] * 2,
    }
    for k, code in enumerate(inst.item_codes, start=1):
        text = inst.label(code, "th")
        factor = inst.factor_of(code)
        v = a[code]
        if factor == "EFF":      # a multiple-choice grid: "question [row]"
            header = f"{inst.label('EFF', 'th')} [{text}]"
            shown = v.map(WORDS)
        elif factor == "ACL":    # numbered question titles, answers "5 (มากที่สุด)"
            header = f"{k}. {text}"
            shown = v.map(lambda x: f"{x} ({WORDS[x]})")
        elif factor == "ATM":    # a grid whose rows carry Thai-digit numbers
            thai = str(k - 16).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
            header = f"ส่วนที่ 3 {inst.label('ATM', 'th')} [{thai}. {text}]"
            shown = v.astype(str)
            if code == "ATM2":   # the form fixed the codebook's typo (ปมเพาะ) and dropped the spaces
                header = f"ส่วนที่ 3 {inst.label('ATM', 'th')} [{text.replace('ปมเพาะ', 'บ่มเพาะ').replace(' ', '')}]"
        elif factor == "QMG":    # text copied from a web page: zero-width spaces, a no-break space
            header = "\u200b".join(text[i:i + 4] for i in range(0, len(text), 4)) + "\u00a0"
            shown = v.map(lambda x: f"{x} - {WORDS[x]}")
        elif factor == "HRM":    # "ข้อ 34 " and a trailing space
            header = f"ข้อ {k} {text} "
            shown = v.map(lambda x: f"({x}) {WORDS[x]}")
        else:                    # IQA: SARA AM typed as NIKHAHIT + SARA AA, spaces between words
            header = text.replace("\u0e33", "\u0e4d\u0e32")
            if code == "IQA1":
                header = "การพัฒนา คุณภาพ การศึกษา"
            shown = v.astype(str)
        cols[header] = list(shown)
    row, item = plant["blank_answer"]
    frame = pd.DataFrame(cols)
    col = next(c for c in frame.columns if "\u200b" in c and
               c.replace("\u200b", "").strip() == inst.label(item, "th"))
    frame.loc[row, col] = ""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
    return a


def workbook(path: Path) -> pd.DataFrame:
    inst = em40()
    a = answers(SEED + 1)
    plant = PLANTS[path.name]
    start = [dt.datetime(2024, 6, 20, 8, 0) + dt.timedelta(minutes=17 * i) for i in range(N)]
    took = [dt.timedelta(seconds=plant["speeders"].get(i, 300 + 41 * i)) for i in range(N)]
    responses = pd.concat([pd.DataFrame({"ประทับเวลา": [s + t for s, t in zip(start, took)],
                                         "เวลาเริ่มตอบ": start,
                                         "รหัส": [f"W{i + 1:02d}" for i in range(N)]}),
                           a, pd.DataFrame({"โรงเรียน": ["ประถมศึกษา"] * 6 + ["มัธยมศึกษา"] * 6})], axis=1)
    blank = plant["blank_row_after"]
    responses = pd.concat([responses.iloc[:blank], pd.DataFrame([{}]), responses.iloc[blank:]],
                          ignore_index=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame({"คำชี้แจง": ["แบบสอบถามการบริหารจัดการศึกษา 4.0",
                                   "ตอบทุกข้อ 5 = มากที่สุด ... 1 = น้อยที่สุด"]}).to_excel(
            xl, sheet_name="คำชี้แจง", index=False)
        responses.to_excel(xl, sheet_name="การตอบกลับแบบฟอร์ม 1", index=False)
        pd.DataFrame({"องค์ประกอบ": inst.factor_codes,
                      "ค่าเฉลี่ย": [round(float(a[inst.items_of(f)].to_numpy().mean()), 2)
                                   for f in inst.factor_codes]}).to_excel(xl, sheet_name="สรุปผล", index=False)
    return a


def spss(path: Path) -> pd.DataFrame:
    import pyreadstat

    inst = em40()
    a = answers(SEED + 2)
    plant = PLANTS[path.name]
    a.iloc[plant["straight_liner"]] = 5
    frame = a.copy()
    frame.columns = [f"Q{k}" for k in range(1, 43)]
    row, item = plant["user_missing"]
    frame.loc[row, f"Q{inst.item_codes.index(item) + 1}"] = 9
    frame.insert(0, "id", [f"S{i + 1:02d}" for i in range(N)])
    frame["position"] = [1] * 8 + [2] * 2 + [3] * 2
    frame["sex"] = [1, 2] * 6
    frame["duration"] = [plant["speeder"][1] if i == plant["speeder"][0] else 400 + 37 * i for i in range(N)]
    frame = frame.astype({c: float for c in frame.columns if c != "id"})
    likert = {1.0: "น้อยที่สุด", 2.0: "น้อย", 3.0: "ปานกลาง", 4.0: "มาก", 5.0: "มากที่สุด", 9.0: "ไม่ตอบ"}
    q = [f"Q{k}" for k in range(1, 43)]
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={**{f"Q{k}": inst.label(c, "th") for k, c in enumerate(inst.item_codes, start=1)},
                       "id": "รหัสผู้ตอบ", "position": "ตำแหน่ง", "sex": "เพศ",
                       "duration": "เวลาที่ใช้ตอบ (วินาที)"},
        variable_value_labels={**{c: likert for c in q},
                               "position": {1.0: "ครู", 2.0: "รองผู้อำนวยการ", 3.0: "ผู้อำนวยการ"},
                               "sex": {1.0: "ชาย", 2.0: "หญิง"}},
        missing_ranges={c: [9.0] for c in q},
        variable_measure={**{c: "ordinal" for c in q}, "position": "nominal", "sex": "nominal",
                          "duration": "scale"})
    return a


def tis620(path: Path) -> pd.DataFrame:
    a = answers(SEED + 3)
    plant = PLANTS[path.name]
    start = [dt.datetime(2024, 6, 15, 9, 0, 5) + dt.timedelta(minutes=23 * i) for i in range(N)]
    took = [dt.timedelta(seconds=plant["speeder"][1] if i == plant["speeder"][0] else 350 + 29 * i)
            for i in range(N)]

    def be(t: dt.datetime) -> str:   # Thai Windows short date: d/m/yyyy in Buddhist Era years
        return f"{t.day}/{t.month}/{t.year + 543} {t:%H:%M:%S}"

    frame = pd.concat([pd.DataFrame({"เลขที่": range(1, N + 1),
                                     "เวลาเริ่ม": [be(s) for s in start],
                                     "เวลาสิ้นสุด": [be(s + t) for s, t in zip(start, took)],
                                     "ตำแหน่ง": ["ครู"] * 9 + ["ผู้อำนวยการ"] * 3}),
                       a.apply(lambda c: c.map(WORDS))], axis=1)
    frame.to_csv(path, index=False, encoding="cp874", lineterminator="\r\n")
    return a


def titled_workbook(path: Path) -> pd.DataFrame:
    from openpyxl.styles import Alignment, Font

    inst = em40()
    a = answers(SEED + 4)
    plant = PLANTS[path.name]
    a.iloc[plant["straight_liner"]] = 3
    shown = a.astype(object)
    row, item, value = plant["out_of_range"]
    shown.loc[row, item] = value
    shown.columns = [f"{k}. {inst.label(c, 'th')}" for k, c in enumerate(inst.item_codes, start=1)]
    table = pd.concat([pd.DataFrame({"เลขที่": range(1, N + 1),
                                     "ตำแหน่ง": ["ครู"] * 9 + ["รองผู้อำนวยการ"] * 3}), shown], axis=1)
    blank = plant["blank_row_after"] + 1
    table = pd.concat([table.iloc[:blank], pd.DataFrame([{}]), table.iloc[blank:]], ignore_index=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        table.to_excel(xl, sheet_name="ข้อมูล", index=False, startrow=plant["header_row"] - 1)
        ws = xl.sheets["ข้อมูล"]
        ws["A1"], ws["A2"] = TITLE, SCHOOL
        ws["A1"].font = Font(bold=True, size=16)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=12)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=12)
        ws["A1"].alignment = ws["A2"].alignment = Alignment(horizontal="center")
    return a


def titled_csv(path: Path) -> pd.DataFrame:
    a = answers(SEED + 5)
    plant = PLANTS[path.name]
    shown = a.astype(object)
    row, item, value = plant["out_of_range"]
    shown.loc[row, item] = value
    table = pd.concat([pd.DataFrame({"รหัส": [f"T{i + 1:02d}" for i in range(N)]}), shown], axis=1)
    pad = "," * (table.shape[1] - 1)
    lines = [f"รายงานผลการสำรวจ {TITLE}{pad}", pad]          # Excel pads every row to the table's width
    assert len(lines) == plant["header_row"] - 1
    body = table.to_csv(index=False, lineterminator="\r\n")
    path.write_bytes(("\r\n".join(lines) + "\r\n" + body).encode("utf-8-sig"))
    return a


def google_forms_resubmit(path: Path) -> pd.DataFrame:
    inst = em40()
    a = answers(SEED + 6)
    plant = PLANTS[path.name]
    email = [f"teacher{i + 1:02d}@school.ac.th" for i in range(N)]
    for i, (_, typed) in plant["same_email_as"].items():
        email[i] = typed
    for i in plant["no_email"]:
        email[i] = ""
    cols: dict[str, list] = {
        "Timestamp": [f"6/{17 + i // 5}/2024 {9 + i % 5}:{(11 * i) % 60:02d}:{(17 * i) % 60:02d}" for i in range(N)],
        "Email Address": email,
    }
    for code in inst.item_codes:
        cols[f"{inst.label(inst.factor_of(code), 'th')} [{inst.label(code, 'th')}]"] = list(a[code].map(WORDS))
    pd.DataFrame(cols).to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
    return a


def main() -> None:
    truth = {"google_forms_th.csv": google_forms(HERE / "google_forms_th.csv"),
             "survey_workbook.xlsx": workbook(HERE / "survey_workbook.xlsx"),
             "survey_spss_th.sav": spss(HERE / "survey_spss_th.sav"),
             "survey_tis620.csv": tis620(HERE / "survey_tis620.csv"),
             "survey_titled.xlsx": titled_workbook(HERE / "survey_titled.xlsx"),
             "survey_titled.csv": titled_csv(HERE / "survey_titled.csv"),
             "google_forms_resubmit.csv": google_forms_resubmit(HERE / "google_forms_resubmit.csv")}
    # The answers each file encodes, as numbers (before the planted blank, user-missing and
    # out-of-range cells).
    expected = pd.concat([a.assign(file=name, respondent=range(N))[["file", "respondent", *a.columns]]
                          for name, a in truth.items()], ignore_index=True)
    expected.to_csv(HERE / "expected_answers.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
