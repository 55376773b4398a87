"""Careless responding: straight-liners and speeders, flagged in the validation report.

Two screens of insufficient-effort responding, both reported row by row and
dropped only when the caller asks (``drop_straightliners=True``,
``drop_speeders=True`` in :func:`edu40.load_survey`):

- **Straight-lining** (the long-string index at its maximum; Johnson, 2005;
  Meade & Craig, 2012): one identical answer to every answered item, when at
  least ``min_items`` items were answered.
- **Speeding** (Huang, Curran, Keeney, Poposki & DeShon, 2012): completion
  time under ``min_seconds``, by default 2 seconds per item found in the
  file.  The time comes from a duration column (seconds, ``mm:ss`` or
  ``hh:mm:ss``; minutes when its header says so) or from a start and an end
  timestamp.  A Google Forms export records only when each form was sent
  (``Timestamp`` / ``ประทับเวลา``), not when it was opened: it cannot show a
  completion time, and the report says that speeding was not checked.

References
----------
Huang, J. L., Curran, P. G., Keeney, J., Poposki, E. M., & DeShon, R. P. (2012).
Detecting and deterring insufficient effort responding to surveys. *Journal of
Business and Psychology, 27*(1), 99-114.
Johnson, J. A. (2005). Ascertaining the validity of individual protocols from
web-based personality inventories. *Journal of Research in Personality, 39*(1), 103-129.
Meade, A. W., & Craig, S. B. (2012). Identifying careless responses in survey data.
*Psychological Methods, 17*(3), 437-455.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .scales import normalize_text
from .survey import _SCREENING_COLUMNS, SurveyInputError

__all__ = ["SECONDS_PER_ITEM", "find_timing", "completion_seconds", "straightliners"]

#: Default speeding threshold: seconds per item (Huang et al., 2012).
SECONDS_PER_ITEM = 2.0

# Header names (normalized, unit in brackets removed) of the columns that time a response.
_DURATION_NAMES = {"duration", "duration in seconds", "duration_seconds", "duration_sec", "duration_s",
                   "time taken", "time_taken", "completion time", "completion_time", "interviewtime",
                   "interview time", "total time", "response time", "ระยะเวลา", "เวลาที่ใช้",
                   "ระยะเวลาที่ใช้", "เวลาที่ใช้ตอบ", "ระยะเวลาในการตอบ", "เวลาในการตอบ"}
_START_NAMES = {"start", "starttime", "start time", "start_time", "startdate", "start date", "start_date",
                "started", "เวลาเริ่ม", "เวลาเริ่มต้น", "เริ่ม", "เวลาเริ่มทำ", "เวลาเริ่มตอบ"}
_END_NAMES = {"end", "endtime", "end time", "end_time", "enddate", "end date", "end_date", "submitdate",
              "submit date", "submitted", "completed", "เวลาสิ้นสุด", "สิ้นสุด", "เวลาส่ง", "เวลาเสร็จ",
              "เวลาส่งแบบสอบถาม"}
# Submission times: an end when a start column exists, else proof that only the end is known.
_SUBMIT_NAMES = {"timestamp", "ประทับเวลา", "เวลาประทับ"}
_UNITS = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "in seconds": 1.0, "วินาที": 1.0,
          "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "in minutes": 60.0, "นาที": 60.0,
          "h": 3600.0, "hour": 3600.0, "hours": 3600.0, "ชั่วโมง": 3600.0}


@dataclass(frozen=True)
class Timing:
    """Where the completion time comes from."""

    duration: str | None = None       # a duration column ...
    unit: float = 1.0                 # ... in seconds times this
    start: str | None = None          # or start and end timestamps
    end: str | None = None
    why_not: tuple[str, str] = ("", "")   # (en, th) when nothing times the responses

    @property
    def found(self) -> bool:
        return bool(self.duration or (self.start and self.end))

    def describe(self, lang: str = "en") -> str:
        if self.duration:
            unit = {1.0: ("seconds", "วินาที"), 60.0: ("minutes", "นาที"), 3600.0: ("hours", "ชั่วโมง")}.get(
                self.unit, (f"x {self.unit:g} s", f"x {self.unit:g} วินาที"))
            return (f"คอลัมน์ '{self.duration}' ({unit[1]})" if lang == "th"
                    else f"column '{self.duration}' ({unit[0]})")
        return (f"คอลัมน์ '{self.end}' ลบ '{self.start}'" if lang == "th"
                else f"column '{self.end}' minus '{self.start}'")


def _key_and_unit(header: str) -> tuple[str, float | None]:
    key = normalize_text(header)
    unit = None
    m = re.fullmatch(r"(.*?)\s*[(\[]\s*(.*?)\s*[)\]]", key)
    if m:
        key, inner = m.group(1), m.group(2)
        unit = _UNITS.get(inner, 1.0 if "sec" in inner or "วินาที" in inner else
                          60.0 if "min" in inner or "นาที" in inner else None)
    return key.strip(" :"), unit


def find_timing(columns, duration=None, source: str = "") -> Timing:
    """The columns that time each response: given (a name, or a ``(start, end)`` pair) or found by name.

    ``duration=False`` turns the speeding check off.
    """
    columns = list(columns)
    if duration is False:
        return Timing(why_not=("not checked: turned off (duration=False)", "ไม่ได้ตรวจ: ปิดการตรวจ (duration=False)"))
    if duration is not None:
        names = [duration] if isinstance(duration, str) else list(duration)
        if len(names) not in (1, 2):
            raise SurveyInputError(f"{source}: duration= takes a column name or a (start, end) pair of "
                                   f"columns, not {duration!r}")
        absent = [n for n in names if n not in columns]
        if absent:
            raise SurveyInputError(f"{source}: duration names column(s) {absent}, which are not in the file; "
                                   f"the columns are {columns}")
        if len(names) == 1:
            unit = _key_and_unit(names[0])[1] or 1.0
            return Timing(duration=names[0], unit=unit)
        return Timing(start=names[0], end=names[1])
    keyed = [(c, *_key_and_unit(c)) for c in columns]
    for col, key, unit in keyed:
        if key in _DURATION_NAMES:
            return Timing(duration=col, unit=unit or 1.0)
    start = next((c for c, k, _ in keyed if k in _START_NAMES), None)
    end = next((c for c, k, _ in keyed if k in _END_NAMES), None)
    submit = next((c for c, k, _ in keyed if k in _SUBMIT_NAMES), None)
    if start and (end or submit):
        return Timing(start=start, end=end or submit)
    if submit:
        return Timing(why_not=(
            f"not checked: the file has only the time each form was sent ('{submit}'; Google Forms records "
            f"no start time); pass duration= a duration column or (start, end) columns",
            f"ไม่ได้ตรวจ: ไฟล์มีเพียงเวลาที่ส่งแบบสอบถาม ('{submit}'; Google Forms ไม่บันทึกเวลาเริ่มตอบ); "
            f"ระบุ duration= เป็นคอลัมน์ระยะเวลา หรือคู่คอลัมน์ (เวลาเริ่ม, เวลาสิ้นสุด)"))
    return Timing(why_not=(
        "not checked: no duration or start/end time column; pass duration= to name one",
        "ไม่ได้ตรวจ: ไม่พบคอลัมน์ระยะเวลาหรือเวลาเริ่ม/สิ้นสุด; ระบุ duration= เพื่อกำหนดคอลัมน์"))


def _seconds_of_duration(col: pd.Series, unit: float) -> np.ndarray:
    # Numbers in one vectorized pass; only the other cells (mm:ss, times of day) one by one.
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return col.to_numpy(dtype=float, na_value=np.nan) * unit
    values = col.astype(object)
    if pd.api.types.is_string_dtype(col.dtype) and not (col.dtype == object):
        plain = values.notna()                     # a text column: every cell is a string
    else:
        plain = values.map(lambda v: isinstance(v, (int, float, np.integer, np.floating, str))
                           and not isinstance(v, (bool, np.bool_)))
    out = pd.to_numeric(values.where(plain), errors="coerce").to_numpy(dtype=float) * unit
    for i in np.flatnonzero(np.isnan(out) & values.notna().to_numpy()):
        out[i] = _one_duration(values.iat[i], unit)
    return out


def _one_duration(v, unit: float) -> float:
    if v is None or v is pd.NA or v is pd.NaT:
        return np.nan
    if isinstance(v, (bool, np.bool_)):
        return np.nan
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v) * unit
    if isinstance(v, (pd.Timedelta, _dt.timedelta, np.timedelta64)):
        return pd.Timedelta(v).total_seconds()
    if isinstance(v, _dt.time):   # Excel keeps a duration typed as a time of day
        return v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6
    text = normalize_text(v)
    if not text:
        return np.nan
    try:
        return float(text) * unit
    except ValueError:
        pass
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)", text)
    if m:
        h = float(m.group(1) or 0)
        return h * 3600 + float(m.group(2)) * 60 + float(m.group(3))
    return np.nan


_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_YEAR = re.compile(r"(?<!\d)(2[4-6]\d\d)(?!\d)")


def _timestamps(col: pd.Series) -> tuple[pd.Series, str]:
    """Datetimes of a column of timestamps, and a note on how ambiguous dates were read.

    Thai-locale exports write Buddhist Era years (2567 = 2024 CE); such years
    are read as CE by subtracting 543.  Dates written d/m/y or m/d/y are read
    day first unless a day above 12 in the second place says otherwise.
    """
    values = col.astype(object)
    is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    # vectorized string methods: a million timestamps take a second, not a minute
    text = pd.Series(values[is_text], dtype=object).str.strip()
    # dates repeat: look for Thai digits and Buddhist Era years in the distinct date parts only
    heads = pd.Series(text.str[:12].unique(), dtype=object)
    if len(heads) and heads.str.contains("[๐-๙]", regex=True).any():
        text = text.str.translate(_THAI_DIGITS)
        heads = heads.str.translate(_THAI_DIGITS)
    if len(heads) and heads.str.contains(r"(?<!\d)2[4-6]\d\d(?!\d)", regex=True).any():
        be = text.str.contains(r"(?<!\d)2[4-6]\d\d(?!\d)", regex=True)
        text[be] = text[be].str.replace(_YEAR, lambda m: str(int(m.group(1)) - 543), regex=True)
        heads = pd.Series(text.str[:12].unique(), dtype=object)
    note = ""
    parts = heads.str.extract(_DMY).dropna().astype(int) if len(heads) else pd.DataFrame()
    dayfirst = bool(len(parts))    # ISO dates (2024-06-15) have no order to choose
    if len(parts):
        if (parts[1] > 12).any() and not (parts[0] > 12).any():
            dayfirst = False
        elif not (parts[0] > 12).any():
            note = "day/month order ambiguous, read day first"
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if len(text):
        parsed = pd.to_datetime(text, dayfirst=dayfirst, errors="coerce")
        bad = parsed.isna() & (text != "")
        if bad.any():   # a few cells in another layout: read those one by one
            parsed[bad] = pd.to_datetime(text[bad], dayfirst=dayfirst, errors="coerce", format="mixed")
        out[is_text] = parsed.to_numpy()
    if (~is_text).any():
        out[~is_text] = pd.to_datetime(values[~is_text], errors="coerce").to_numpy()
    return out, note


def completion_seconds(frame: pd.DataFrame, timing: Timing):
    """Seconds each row took (NaN when unknown), a function giving the cells of rows as text, and a note."""
    if timing.duration:
        raw = frame[timing.duration].to_numpy(dtype=object)
        seconds = _seconds_of_duration(frame[timing.duration], timing.unit)

        def shown(idx):
            return np.array(["" if _blank(raw[i]) else str(raw[i]) for i in idx], dtype=object)
        return seconds, shown, ""
    start, note_s = _timestamps(frame[timing.start])
    end, note_e = _timestamps(frame[timing.end])
    seconds = (end - start).dt.total_seconds().to_numpy(dtype=float)
    a, b = frame[timing.start].to_numpy(dtype=object), frame[timing.end].to_numpy(dtype=object)

    def shown(idx):
        return np.array([f"{'' if _blank(a[i]) else a[i]} -> {'' if _blank(b[i]) else b[i]}" for i in idx],
                        dtype=object)
    return seconds, shown, note_s or note_e


def _blank(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))


def straightliners(values: np.ndarray, min_items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows with one identical answer to every answered item (at least ``min_items`` answered).

    Returns a mask of such rows, the answer they repeated and how many items they answered.
    """
    nan = np.isnan(values)
    answered = values.shape[1] - nan.sum(axis=1)
    some = answered > 0
    if nan.any():
        lo = np.where(nan, np.inf, values).min(axis=1)
        hi = np.where(nan, -np.inf, values).max(axis=1)
    else:   # the usual complete file: no temporaries
        lo, hi = values.min(axis=1), values.max(axis=1)
    flat = some & (answered >= min_items) & (lo == hi)
    return flat, np.where(some, lo, np.nan), answered


def _secs(v: float) -> str:
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}"


def screen_responses(values: np.ndarray, keep: np.ndarray, frame: pd.DataFrame, timing: Timing, add_rows, *,
                     n_items: int, min_items: int, min_seconds: float | None, drop_straightliners: bool,
                     drop_speeders: bool, source: str = "") -> tuple[np.ndarray, pd.DataFrame]:
    """Flag straight-liners and speeders among the ``keep`` rows; returns the new ``keep`` and the counts.

    Every flagged row is recorded through ``add_rows`` (row, respondent,
    value, action), whether it is kept or excluded.
    """
    if drop_speeders and not timing.found:
        raise SurveyInputError(f"{source}: drop_speeders=True, but speeding cannot be checked: "
                               f"{timing.why_not[0].removeprefix('not checked: ')}.")
    keep = keep.copy()
    before = keep.copy()
    # -- straight-lining -------------------------------------------------------------------
    flat, repeated, answered = straightliners(values, min_items)
    flat &= before
    idx = np.flatnonzero(flat)
    what = [f"same answer to all {answered[i]} answered items" for i in idx]
    add_rows(idx, "", "", [f"{v:g}" for v in repeated[idx]], "straight_lining", "warning",
             [f"excluded ({w}; drop_straightliners=True)" if drop_straightliners else f"kept; {w}"
              for w in what])
    rows = [{"check": "straight_lining", "checked": True,
             "rule": f"the same answer to every answered item, at least {min_items} items answered",
             "rule_th": f"ตอบค่าเดียวกันทุกข้อที่ตอบ โดยตอบอย่างน้อย {min_items} ข้อ",
             "flagged": len(idx), "excluded": len(idx) if drop_straightliners else 0}]
    if drop_straightliners:
        keep[flat] = False
    # -- speeding ----------------------------------------------------------------------------
    if not timing.found:
        rows.append({"check": "speeding", "checked": False, "rule": timing.why_not[0],
                     "rule_th": timing.why_not[1], "flagged": 0, "excluded": 0})
        return keep, pd.DataFrame(rows, columns=_SCREENING_COLUMNS)
    seconds, shown, note = completion_seconds(frame, timing)
    if min_seconds is None:
        threshold = SECONDS_PER_ITEM * n_items
        why = f" = {SECONDS_PER_ITEM:g} s per item × {n_items} items (Huang et al., 2012)"
        why_th = f" = {SECONDS_PER_ITEM:g} วินาทีต่อข้อ × {n_items} ข้อ (Huang et al., 2012)"
    else:
        threshold = float(min_seconds)
        why = why_th = " (min_seconds)"
    unknown = before & ~(seconds >= 0)        # NaN (blank or unreadable) or an end before the start
    idx = np.flatnonzero(unknown)
    add_rows(idx, timing.duration or timing.end, "", shown(idx), "time_unknown", "warning",
             "kept; completion time unknown, not checked for speeding")
    fast = before & (seconds >= 0) & (seconds < threshold)
    idx = np.flatnonzero(fast)
    what = [f"completed in {_secs(seconds[i])} s, under the {threshold:g} s threshold" for i in idx]
    add_rows(idx, timing.duration or timing.end, "", [_secs(seconds[i]) for i in idx], "speeding", "warning",
             [f"excluded ({w}; drop_speeders=True)" if drop_speeders else f"kept; {w}" for w in what])
    if drop_speeders:
        keep[fast] = False
    extra = (f"; {note}" if note else "") + (f"; {int(unknown.sum())} without a readable time"
                                             if unknown.any() else "")
    extra_th = ("; อ่านวันที่แบบวัน/เดือน" if note else "") + (f"; อ่านเวลาไม่ได้ {int(unknown.sum())} ราย"
                                                          if unknown.any() else "")
    rows.append({"check": "speeding", "checked": True,
                 "rule": f"completed in under {threshold:g} s{why}; time from {timing.describe('en')}{extra}",
                 "rule_th": f"ใช้เวลาตอบน้อยกว่า {threshold:g} วินาที{why_th}; เวลาจาก{timing.describe('th')}"
                            f"{extra_th}",
                 "flagged": len(idx), "excluded": len(idx) if drop_speeders else 0})
    return keep, pd.DataFrame(rows, columns=_SCREENING_COLUMNS)
