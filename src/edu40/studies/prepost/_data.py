"""Reading, matching and checking the scores of a pre/post comparison.

Everything here is about *who* is analysed and *what* their scores are; the
statistics live in :mod:`.indices` and :mod:`.report`.  Rules:

* a bad cell (text in a score column, a value above the full score, a
  negative score, anything but 0/1 in an item column, a rating off the
  satisfaction scale) stops the analysis with an error naming the
  participant (id, or the row as the file shows it), the column and the value;
* a participant who cannot be paired (id in one file only, no pre or no post
  total) is excluded *and listed* with the reason -- never dropped silently.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...stats._inputs import StatsInputError
from ...io.readers import _read

__all__ = ["PrePostInputError", "Scores", "resolve_columns", "assemble"]


class PrePostInputError(StatsInputError):
    """Pre/post data that cannot be analysed; the message names participant, column and value."""


# ---------------------------------------------------------------------------
# Column specifications: a total column, item lists, globs and ranges
# ---------------------------------------------------------------------------
def resolve_columns(columns, spec, what: str, source: str = "") -> tuple[str, list[str]]:
    """Resolve a column specification against the column names of a table.

    Returns ``(kind, names)`` with ``kind`` ``"total"`` (one existing column
    named as a string) or ``"items"`` (a list, a comma list ``"a,b,c"``, a
    glob ``"pre_K*"`` or an inclusive range ``"pre_K01:pre_K25"``, in the
    table's column order for globs and ranges).
    """
    columns = [str(c) for c in columns]
    where = f" in {source}" if source else ""
    if isinstance(spec, (list, tuple, pd.Index)):
        names = [str(s) for s in spec]
        if not names:
            raise PrePostInputError(f"{what}: the list of item columns is empty")
        absent = [n for n in names if n not in columns]
        if absent:
            raise PrePostInputError(f"{what}: column(s) {absent} not found{where}{_suggest(absent[0], columns)}")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PrePostInputError(f"{what}: column(s) {dup} listed twice")
        return "items", names
    if not isinstance(spec, str) or not spec.strip():
        raise PrePostInputError(f"{what}: give a column name, a list of item columns, a pattern such as "
                                f"'pre_K*' or a range such as 'pre_K01:pre_K25' (got {spec!r})")
    spec = spec.strip()
    if spec in columns:
        return "total", [spec]
    if "," in spec:
        return resolve_columns(columns, [s.strip() for s in spec.split(",") if s.strip()], what, source)
    if any(ch in spec for ch in "*?["):
        names = [c for c in columns if fnmatch.fnmatchcase(c, spec)]
        if not names:
            raise PrePostInputError(f"{what}: no column matches the pattern {spec!r}{where}; "
                                    f"columns: {columns}")
        return "items", names
    if ":" in spec:
        first, last = (s.strip() for s in spec.split(":", 1))
        for end in (first, last):
            if end not in columns:
                raise PrePostInputError(f"{what}: range {spec!r}: column {end!r} not found{where}"
                                        f"{_suggest(end, columns)}")
        i, j = columns.index(first), columns.index(last)
        if j < i:
            raise PrePostInputError(f"{what}: range {spec!r} runs backwards ({last!r} comes before {first!r})")
        return "items", columns[i:j + 1]
    raise PrePostInputError(f"{what}: column {spec!r} not found{where}{_suggest(spec, columns)}")


def _suggest(name: str, columns: list[str]) -> str:
    close = difflib.get_close_matches(name, columns, n=3)
    return f"; did you mean {close}?" if close else f"; columns: {columns[:12]}{' ...' if len(columns) > 12 else ''}"


# ---------------------------------------------------------------------------
# Cells to numbers, with the participant named on failure
# ---------------------------------------------------------------------------
def _to_number(value) -> float | None:
    """A cell as float (NaN if blank), or None if it is not a number."""
    if value is None or value is pd.NA:
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return np.nan
        try:
            return float(text)
        except ValueError:
            return None
    try:
        if pd.isna(value):
            return np.nan
    except (TypeError, ValueError):
        pass
    return None


@dataclass
class _Source:
    """One table (file or DataFrame) with the participant label of every row."""

    frame: pd.DataFrame
    who: list[str]               # participant label for messages: id, or "row 7" / "index 5"
    keys: list[str] | None       # normalised id, or None without id
    name: str                    # file name or "<DataFrame>"
    user_missing: dict = field(default_factory=dict)

    def numeric(self, col: str, what: str) -> np.ndarray:
        raw = self.frame[col].tolist()
        out = np.empty(len(raw), dtype=float)
        ranges = self.user_missing.get(col, [])
        for i, v in enumerate(raw):
            x = _to_number(v)
            if x is None:
                raise PrePostInputError(
                    f"{self.name}: participant {self.who[i]}, column '{col}' ({what}): value {v!r} is not a "
                    f"number. Correct the cell, or leave it blank if the answer is missing.")
            if ranges and not np.isnan(x) and any(lo <= x <= hi for lo, hi in ranges):
                x = np.nan   # an SPSS user-missing code is missing, not a score
            out[i] = x
        return out


def _id_key(value) -> str | None:
    x = _to_number(value)
    if x is not None and not isinstance(value, str):
        if np.isnan(x):
            return None
        return str(int(x)) if float(x).is_integer() else repr(x)
    text = str(value).strip()
    return text or None


def read_source(data, id: str | None, what: str) -> _Source:
    """Read a DataFrame or a .csv/.xlsx/.sav file; label participants by id or row."""
    if not isinstance(data, pd.DataFrame) and not isinstance(data, (str, bytes)) and not hasattr(data, "__fspath__"):
        raise PrePostInputError(f"{what}: expected a DataFrame or the path of a .csv, .xlsx or .sav file, "
                                f"got {type(data).__name__}")
    table = _read(data, None, None)
    frame = table.frame
    frame.columns = [str(c) for c in frame.columns]
    rows = [f"{table.row_label} {r}" for r in table.rows]
    if id is None:
        return _Source(frame, rows, None, table.source, table.user_missing)
    if id not in frame.columns:
        raise PrePostInputError(f"{what}: id column {id!r} not found in {table.source}"
                                f"{_suggest(id, list(frame.columns))}")
    keys = [_id_key(v) for v in frame[id].tolist()]
    blank = [rows[i] for i, k in enumerate(keys) if k is None]
    if blank:
        raise PrePostInputError(f"{table.source}: {len(blank)} row(s) without an id in column {id!r} "
                                f"({', '.join(blank[:5])}); every participant needs an id to be matched")
    seen: dict[str, str] = {}
    for k, r in zip(keys, rows):
        if k in seen:
            raise PrePostInputError(f"{table.source}: id {k!r} appears twice in column {id!r} ({seen[k]} and {r}); "
                                    f"ids must be unique")
        seen[k] = r
    return _Source(frame, list(keys), keys, table.source, table.user_missing)


# ---------------------------------------------------------------------------
# Scores of one side (pre or post)
# ---------------------------------------------------------------------------
@dataclass
class _Side:
    kind: str                     # "total" or "items"
    columns: list[str]
    total: np.ndarray             # NaN where the total cannot be computed
    items: pd.DataFrame | None    # 0/1 answers (NaN blank), one row per participant of the source
    blank: list                   # why the total is missing, per participant: (English, Thai), or None


def _score_side(src: _Source, spec, full_score, what: str) -> _Side:
    kind, cols = resolve_columns(src.frame.columns, spec, what, src.name)
    values = {c: src.numeric(c, what) for c in cols}
    n = len(src.frame)
    if kind == "total":
        x = values[cols[0]]
        _check_range(src, cols[0], x, 0, full_score, what, "score")
        blank = [None if not np.isnan(v) else (f"'{cols[0]}' is blank", f"คอลัมน์ '{cols[0]}' ว่าง") for v in x]
        return _Side(kind, cols, x, None, blank)
    items = pd.DataFrame(values)
    for c in cols:
        v = items[c].to_numpy()
        bad = np.flatnonzero(~np.isnan(v) & (v != 0) & (v != 1))
        if len(bad):
            i = bad[0]
            more = f" (and {len(bad) - 1} more cell(s) in this column)" if len(bad) > 1 else ""
            raise PrePostInputError(
                f"{src.name}: participant {src.who[i]}, column '{c}' ({what} item): value {_fmt(v[i])} is not "
                f"0 or 1{more}. Item columns hold 1 = correct, 0 = wrong; if '{c}' is a total score, give it "
                f"as a single column name instead of a list or a pattern.")
    miss = items.isna().to_numpy()
    total = np.where(miss.any(axis=1), np.nan, np.nan_to_num(items.to_numpy()).sum(axis=1))
    blank = []
    for i in range(n):
        k = int(miss[i].sum())
        if k == 0:
            blank.append(None)
        elif k == len(cols):
            blank.append((f"all {k} items blank", f"ไม่ได้ตอบทั้ง {k} ข้อ"))
        else:
            names = [c for c, m in zip(cols, miss[i]) if m]
            listed = f"{', '.join(names[:6])}{' ...' if k > 6 else ''}"
            blank.append((f"{k} item(s) blank: {listed}", f"ไม่ได้ตอบ {k} ข้อ: {listed}"))
    return _Side(kind, cols, total, items, blank)


def _check_range(src: _Source, col: str, x: np.ndarray, low: float, high: float | None, what: str,
                 noun: str) -> None:
    bad_low = np.flatnonzero(x < low)
    if len(bad_low):
        i = bad_low[0]
        raise PrePostInputError(f"{src.name}: participant {src.who[i]}, column '{col}' ({what}): {noun} "
                                f"{_fmt(x[i])} is below {low:g}. Correct the cell.")
    if high is not None:
        bad_high = np.flatnonzero(x > high + 1e-9)
        if len(bad_high):
            i = bad_high[0]
            raise PrePostInputError(f"{src.name}: participant {src.who[i]}, column '{col}' ({what}): {noun} "
                                    f"{_fmt(x[i])} is above the full score {high:g}. Correct the cell, or give "
                                    f"the right full score.")


def _fmt(v: float) -> str:
    return f"{v:g}" if np.isfinite(v) else str(v)


# ---------------------------------------------------------------------------
# Putting both sides together
# ---------------------------------------------------------------------------
@dataclass
class Scores:
    """The matched data of a pre/post comparison (internal; the report exposes tables)."""

    table: pd.DataFrame            # one row per analysed participant: participant, pre, post, [process], [satisfaction items]
    pre_items: pd.DataFrame | None     # analysed participants' 0/1 answers (index = participant)
    post_items: pd.DataFrame | None
    exclusions: pd.DataFrame       # participant, reason, detail, detail_th
    n_read_pre: int
    n_read_post: int
    full_score: float
    pre_columns: list[str]
    post_columns: list[str]
    pre_kind: str
    post_kind: str
    process_columns: list[str] | None
    process_full: float | None
    satisfaction_columns: list[str] | None
    sources: tuple[str, str]
    id: str | None


EXCLUSION_REASONS = {
    # code: (English, Thai)
    "not_in_post": ("id not in the post-test data", "ไม่พบรหัสนี้ในข้อมูลหลังอบรม"),
    "not_in_pre": ("id not in the pre-test data", "ไม่พบรหัสนี้ในข้อมูลก่อนอบรม"),
    "no_pre": ("no pre-test score", "ไม่มีคะแนนก่อนอบรม"),
    "no_post": ("no post-test score", "ไม่มีคะแนนหลังอบรม"),
    "no_pre_post": ("no pre-test and no post-test score", "ไม่มีคะแนนทั้งก่อนและหลังอบรม"),
}


def _full_score(pre: _Side, post: _Side, full_score) -> float:
    items = [(what, side) for what, side in (("pre", pre), ("post", post)) if side.kind == "items"]
    if len(items) == 2 and len(pre.columns) != len(post.columns):
        raise PrePostInputError(
            f"the pre-test has {len(pre.columns)} item columns and the post-test {len(post.columns)}; "
            f"a pre/post comparison uses the same test twice. Check the column lists")
    if full_score is None:
        if not items:
            raise PrePostInputError("pre and post are total-score columns: give full_score= (the maximum possible "
                                    "score), needed for the effectiveness index and the normalized gain")
        return float(len(items[0][1].columns))
    f = float(full_score)
    if not np.isfinite(f) or f <= 0:
        raise PrePostInputError(f"full_score must be a positive number, not {full_score!r}")
    for what, side in items:
        # 0/1 items give at most one point each: another full score would distort E.I. and the gains
        if f != len(side.columns):
            raise PrePostInputError(f"{what}: {len(side.columns)} items scored 0/1 give a full score of "
                                    f"{len(side.columns)}, not full_score={f:g}. Leave full_score out, or give "
                                    f"a total-score column if the test has other points")
    return f


def assemble(data, pre, post, *, id=None, post_data=None, full_score=None, satisfaction=None,
             process=None, process_full=None, satisfaction_range: tuple[int, int] | None = None) -> Scores:
    """Read, match and check; return the analysed participants and everyone excluded."""
    if post_data is not None and id is None:
        raise PrePostInputError("the post-test is in a second table (post_data=): give id= the column that "
                                "identifies each participant in both tables")
    src_pre = read_source(data, id, "pre-test data")
    src_post = read_source(post_data, id, "post-test data") if post_data is not None else src_pre
    # Score columns whose full score is known only after both sides are resolved: check ranges after.
    side_pre = _score_side(src_pre, pre, None, "pre")
    side_post = _score_side(src_post, post, None, "post")
    overlap = set(side_pre.columns) & set(side_post.columns)
    if overlap and src_post is src_pre:
        raise PrePostInputError(f"pre and post name the same column(s) {sorted(overlap)}")
    full = _full_score(side_pre, side_post, full_score)
    for side, src, what in ((side_pre, src_pre, "pre"), (side_post, src_post, "post")):
        _check_range(src, side.columns[0] if side.kind == "total" else f"{side.columns[0]}..{side.columns[-1]}",
                     side.total, 0, full, what, "score" if side.kind == "total" else "total score")

    # Who is in which table: (label, row in the pre table, row in the post table).
    if src_post is src_pre:
        order = [(w, i, i) for i, w in enumerate(src_pre.who)]
    else:
        pos_pre = {k: i for i, k in enumerate(src_pre.keys)}
        pos_post = {k: i for i, k in enumerate(src_post.keys)}
        order = [(k, i, pos_post.get(k)) for i, k in enumerate(src_pre.keys)]
        order += [(k, None, j) for j, k in enumerate(src_post.keys) if k not in pos_pre]

    excluded, kept = [], []
    for k, i, j in order:
        if j is None:
            excluded.append((k, "not_in_post", f"in {src_pre.name} only", f"มีเฉพาะใน {src_pre.name}"))
            continue
        if i is None:
            excluded.append((k, "not_in_pre", f"in {src_post.name} only", f"มีเฉพาะใน {src_post.name}"))
            continue
        a, b = side_pre.blank[i], side_post.blank[j]
        if a and b:
            excluded.append((k, "no_pre_post", f"pre: {a[0]}; post: {b[0]}", f"ก่อน: {a[1]}; หลัง: {b[1]}"))
        elif a:
            excluded.append((k, "no_pre", *a))
        elif b:
            excluded.append((k, "no_post", *b))
        else:
            kept.append((k, i, j))
    exclusions = pd.DataFrame(excluded, columns=["participant", "reason", "detail", "detail_th"])
    if len(kept) < 3:
        raise PrePostInputError(f"{len(kept)} participant(s) have both a pre-test and a post-test score "
                                f"({len(exclusions)} excluded: {exclusions['reason'].value_counts().to_dict()}); "
                                f"a paired comparison needs at least 3")
    ii = np.array([i for _, i, _ in kept])
    jj = np.array([j for _, _, j in kept])
    who = [k for k, _, _ in kept]
    table = pd.DataFrame({"participant": who, "pre": side_pre.total[ii], "post": side_post.total[jj]})

    def pick_source(spec, what):
        """Process/satisfaction columns: from whichever table holds them (an error if both do)."""
        cols_pre = list(src_pre.frame.columns)
        if src_post is src_pre:
            return src_pre, ii, resolve_columns(cols_pre, spec, what, src_pre.name)
        cols_post = list(src_post.frame.columns)
        try:
            found_post = resolve_columns(cols_post, spec, what, src_post.name)
        except PrePostInputError:
            found_post = None
        try:
            found_pre = resolve_columns(cols_pre, spec, what, src_pre.name)
        except PrePostInputError:
            found_pre = None
        if found_post and found_pre:
            raise PrePostInputError(f"{what}: {spec!r} is in both tables ({src_pre.name} and {src_post.name}); "
                                    f"keep it in one, or rename one of them")
        if found_post:
            return src_post, jj, found_post
        if found_pre:
            return src_pre, ii, found_pre
        return src_pre, ii, resolve_columns(cols_pre + cols_post, spec, what, f"{src_pre.name} or {src_post.name}")

    process_cols = proc_full = None
    if process is not None:
        if process_full is None:
            raise PrePostInputError("process= needs process_full= (the maximum process score) for E1")
        proc_full = float(process_full)
        if not np.isfinite(proc_full) or proc_full <= 0:
            raise PrePostInputError(f"process_full must be a positive number, not {process_full!r}")
        src, rows, (_, process_cols) = pick_source(process, "process")
        vals = np.column_stack([src.numeric(c, "process") for c in process_cols])
        for c, v in zip(process_cols, vals.T):
            _check_range(src, c, v, 0, None, "process", "score")
        score = np.where(np.isnan(vals).any(axis=1), np.nan, np.nan_to_num(vals).sum(axis=1))
        _check_range(src, "+".join(process_cols) if len(process_cols) > 1 else process_cols[0], score, 0,
                     proc_full, "process", "score")
        table["process"] = score[rows]

    sat_cols = None
    if satisfaction is not None:
        src, rows, (_, sat_cols) = pick_source(satisfaction, "satisfaction")
        lo, hi = satisfaction_range
        for c in sat_cols:
            v = src.numeric(c, "satisfaction")
            bad = np.flatnonzero(~np.isnan(v) & ((v < lo) | (v > hi)))
            if len(bad):
                i = bad[0]
                raise PrePostInputError(
                    f"{src.name}: participant {src.who[i]}, column '{c}' (satisfaction): value {_fmt(v[i])} is "
                    f"outside the scale {lo}-{hi}. Correct the cell, or give the right scale.")
            table[c] = v[rows]

    def analysed_items(side: _Side, rows) -> pd.DataFrame | None:
        if side.items is None:
            return None
        out = side.items.iloc[rows].reset_index(drop=True)
        out.index = pd.Index(who, name="participant")
        return out

    return Scores(table=table, pre_items=analysed_items(side_pre, ii), post_items=analysed_items(side_post, jj),
                  exclusions=exclusions, n_read_pre=len(src_pre.frame), n_read_post=len(src_post.frame),
                  full_score=full, pre_columns=side_pre.columns, post_columns=side_post.columns,
                  pre_kind=side_pre.kind, post_kind=side_post.kind, process_columns=process_cols,
                  process_full=proc_full, satisfaction_columns=sat_cols, sources=(src_pre.name, src_post.name),
                  id=id)
