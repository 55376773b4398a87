"""Load a questionnaire export and report exactly what came in and what was wrong.

Reads CSV (UTF-8, UTF-8 with BOM, TIS-620/cp874), Excel, SPSS ``.sav``
(value labels and user-missing codes honoured) and Google Forms exports
(question text as headers; answers such as ``"มากที่สุด"`` or
``"5 - มากที่สุด"``), finds the header row below any title lines, matches
columns to instrument items, and returns a :class:`Survey` whose
:attr:`Survey.validation` lists every problem with the row as the file shows
it (SPSS: case number), the column, the value and what was done.  No row is
dropped without a record.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from .instrument import EM40, Instrument
from .scales import MISSING_TOKENS, LikertScale, compact_text, normalize_text

from .duplicates import find_email_column, flag_duplicates
from .header import HeaderSearch, check_header_row, header_action, no_items_error
from .readers import _read
from .screening import find_timing, screen_responses
from .survey import (_FORM_META, _ID_NAMES, _PROBLEM_COLUMNS, Survey, SurveyInputError,
                     ValidationReport, empty_screening)

__all__ = ["load_survey", "Survey", "ValidationReport", "SurveyInputError"]

# ---------------------------------------------------------------------------
# Matching columns to items
# ---------------------------------------------------------------------------
# "1. ", "1) ", "(1) ", "ข้อ 1 ", "ข้อที่ 1. ", "1.2 ", "Q1. " before a question title; Thai digits are
# already Arabic after normalize_text.
_LEADING_NUMBER = re.compile(r"^(?:(?:ข้อ(?:ที่)?|q|no\.?)\s*)?[(\[]?\d+(?:\.\d+)*\s*[.):\]]?\s*")


def _header_variants(header: str) -> list[str]:
    """Texts under which a column header may name an item.

    The whole header; the text in brackets of a Google Forms grid header
    ``"question [row]"``; the text before the brackets; each without a
    leading question number.
    """
    h = normalize_text(header)
    out = [h]
    bracket = [b.strip() for b in re.findall(r"\[([^\]]+)\]", h)]
    out += bracket
    if bracket:
        out.append(re.sub(r"\s*\[[^\]]*\]\s*", " ", h).strip())
    out += [_LEADING_NUMBER.sub("", v, count=1) for v in list(out)]
    return [v for v in dict.fromkeys(out) if v]


def _match_columns(columns, instrument: Instrument, mapping: dict | None, source: str,
                   labels: dict | None = None, quick: bool = False):
    """Return (column -> item, column -> how it was matched).

    ``labels``: SPSS variable labels; a column whose name says nothing
    (``Q1``) is matched by its label as by a header.  ``quick``: mapping,
    code and exact text only, no errors (to score rows as header candidates).
    """
    items = instrument.item_codes
    by_code = {i.casefold(): i for i in items}
    texts: dict[str, list[str]] = {}
    for r in instrument.item_table.itertuples():
        for t in (r.text_th, r.text_en):
            if t:
                for key in dict.fromkeys((normalize_text(t), compact_text(t))):
                    texts.setdefault(key, []).append(r.item)
    labels = labels or {}
    matched: dict[str, str] = {}
    how: dict[str, str] = {}
    if mapping:
        for col, item in mapping.items():
            if quick and (col not in columns or item not in items):
                continue
            if col not in columns:
                raise SurveyInputError(f"{source}: mapping names column {col!r}, which is not in the "
                                       f"file; the columns are {list(columns)}")
            if item not in items:
                raise SurveyInputError(f"{source}: mapping sends column {col!r} to {item!r}, which is "
                                       f"not an item of {instrument.name}; items are {items}")
            matched[col], how[col] = item, "mapping"
    code_pattern = re.compile(r"^\[?([A-Za-z_][A-Za-z0-9_]*?)[\s_\-.]?(\d+)\]?(?:[\s.:)\]-]|$)")

    def by_text(header):
        for variant in _header_variants(header):
            for key in (variant, variant.replace(" ", "")):
                if key in texts and len(set(texts[key])) == 1:
                    return texts[key][0]
        return None

    for col in columns:
        if col in matched:
            continue
        key = normalize_text(col)
        if key in by_code:
            matched[col], how[col] = by_code[key], "code"
            continue
        m = code_pattern.match(key)
        if m and (m.group(1) + m.group(2)).casefold() in by_code:
            matched[col], how[col] = by_code[(m.group(1) + m.group(2)).casefold()], "code"
            continue
        found = by_text(col)
        if found:
            matched[col], how[col] = found, "text"
        elif col in labels and (found := by_text(labels[col])):
            matched[col], how[col] = found, "variable label"
    if quick:
        return matched, how
    # A long text cut short: SPSS keeps 255 bytes of a variable label (85 Thai characters in
    # UTF-8), and some export tools cut headers.  A long prefix of exactly one item text is that item.
    taken = set(matched.values())
    compact = {item_text: codes[0] for item_text, codes in texts.items()
               if " " not in item_text and len(set(codes)) == 1}
    for col in columns:
        if col in matched:
            continue
        for header, kind in [(col, "text")] + ([(labels[col], "variable label")] if col in labels else []):
            hits = {compact[t] for v in _header_variants(header) if len(v.replace(" ", "")) >= 20
                    for t in compact if t.startswith(v.replace(" ", "")) and compact[t] not in taken}
            if len(hits) == 1:
                matched[col], how[col] = hits.pop(), f"{kind} (cut short)"
                taken.add(matched[col])
                break
    # Fuzzy text for what is left: long headers only, one clear winner.
    for col in columns:
        if col in matched:
            continue
        best, best_score, via = None, 0.0, ""
        sources = [(col, "text")] + ([(labels[col], "variable label")] if col in labels else [])
        for header, kind in sources:
            for variant in _header_variants(header):
                variant = variant.replace(" ", "")
                if len(variant) < 6:
                    continue
                for item_text, codes in texts.items():
                    if " " in item_text or len(set(codes)) != 1 or codes[0] in taken:
                        continue
                    score = difflib.SequenceMatcher(None, variant, item_text).ratio()
                    if score > best_score:
                        best, best_score, via = codes[0], score, kind
        if best is not None and best_score >= 0.9:
            matched[col], how[col] = best, f"fuzzy {via} ({best_score:.2f})"
            taken.add(best)
    # Two columns for one item: refuse to guess.
    seen: dict[str, str] = {}
    for col, item in matched.items():
        if item in seen:
            raise SurveyInputError(
                f"{source}: columns {seen[item]!r} and {col!r} both match item {item}. Keep one, or "
                f"pass mapping={{column: item}} to say which column is {item}.")
        seen[item] = col
    return matched, how


# ---------------------------------------------------------------------------
# The loader
# ---------------------------------------------------------------------------
def load_survey(source, instrument: Instrument = EM40, *, mapping: dict | None = None,
                scale: LikertScale | int | None = None, id_column: str | None = None,
                on_invalid: str = "raise", duplicates: str = "flag", sheet=None,
                header_row: int | None = None, encoding: str | None = None, straightline_min_items: int = 10,
                duration=None, min_seconds: float | None = None,
                drop_straightliners: bool = False, drop_speeders: bool = False) -> Survey:
    """Read a questionnaire export, match it to an instrument, and validate it.

    Parameters
    ----------
    source : path or DataFrame
        ``.csv`` (UTF-8, UTF-8 with BOM, UTF-16 or TIS-620/cp874, detected
        and named in the report; delimiter detected), ``.xlsx``, SPSS
        ``.sav``, or a DataFrame.
    instrument : Instrument
        Default :data:`edu40.EM40`.
    mapping : dict, optional
        ``{file column: item code}`` for columns that neither carry the item
        code nor the item text.  Other columns are matched by code
        (``ACL1``, ``acl_1``, ``[ACL1] ...``) or by item text in Thai or
        English: Google Forms headers, including grid headers
        ``"Factor [item text]"`` and numbered titles ``"1. text"``, compared
        without case, spaces or zero-width characters; SPSS variable labels
        when the variable names are not item codes.
    scale : LikertScale or int, optional
        Default: the instrument's scale.
    id_column : str, optional
        Respondent id column; by default a column named ``respondent_id``,
        ``id``, ``รหัส`` ... if there is one, else ids are the row numbers.
    on_invalid : {"raise", "missing"}
        ``"raise"``: one :class:`SurveyInputError` naming the file and the
        first invalid cells (row, column, value) with the total count.
        ``"missing"``: invalid cells become missing, each recorded.
    duplicates : {"flag", "keep-first", "raise"}
        Repeated respondents: kept and flagged; later submissions excluded
        and recorded; or an error.  Compared by the respondent id column;
        without one, by the e-mail column of a Google Forms export
        (``Email Address``, ``ที่อยู่อีเมล``, ``อีเมล`` ...), ignoring case and
        spaces around the address; blank addresses are not compared.
    sheet : str or int, optional
        Excel sheet by name or position (0 = first; default: the first).  A
        sheet that is not in the workbook is an error listing the sheets; the
        report names the sheet read (``validation.sheet``).
    header_row : int, optional
        Row of the column headers in a CSV file or an Excel sheet, numbered
        as Excel shows it (1 = the first row).  Default: the first row,
        unless a later row among the first 20 names clearly more items (title
        lines such as ``"แบบสอบถามเรื่อง ..."`` above the table); the report
        then says which row was taken and how many lines above it were
        skipped.  Row numbers in the report stay those of the file.
    encoding : str, optional
        Force a text encoding (default: detect UTF-8 / UTF-16 / TIS-620; for
        SPSS, the encoding the file declares).
    straightline_min_items : int
        Flag respondents who gave one identical answer to at least this many
        items and to every item they answered (straight-liners).
    duration : str, (str, str) or False, optional
        What times each response, for the speeding check: a column of
        durations (seconds, ``mm:ss`` or ``hh:mm:ss``; minutes when its
        header says ``(นาที)`` / ``(minutes)``), or a ``(start, end)`` pair
        of timestamp columns.  Default: found by name (``Duration (in
        seconds)``, ``เวลาที่ใช้``, ``StartDate``/``EndDate``, ``start``/``end``
        ...); ``False`` turns the check off.  A Google Forms export has only
        the time each form was sent, so speeding is then reported as not
        checked.
    min_seconds : float, optional
        Speeders are respondents who took less than this many seconds.
        Default: 2 seconds per item found in the file (Huang et al., 2012).
    drop_straightliners, drop_speeders : bool
        Exclude the flagged rows (default: keep them).  Flagged rows are
        counted and each one is listed in ``validation.problems`` either way;
        ``validation.screening`` gives the counts.

    Returns
    -------
    Survey

    Examples
    --------
    >>> import edu40
    >>> s = edu40.load_survey(edu40.datasets.SURVEY_PATH)
    >>> len(s), s.validation.rows_read
    (772, 772)
    """
    if on_invalid not in ("raise", "missing"):
        raise ValueError(f"on_invalid must be 'raise' or 'missing', not {on_invalid!r}")
    if duplicates not in ("flag", "keep-first", "raise"):
        raise ValueError(f"duplicates must be 'flag', 'keep-first' or 'raise', not {duplicates!r}")
    header_row = check_header_row(header_row)
    if scale is None:
        scale = instrument.scale
    elif isinstance(scale, (int, np.integer)):
        scale = LikertScale(int(scale))
    def text_columns(header):
        try:
            found = _match_columns(header, instrument, mapping, "")[0]
        except SurveyInputError:
            found = {}
        return [c for c in header if c not in found]

    def header_score(cells):
        return len(set(_match_columns(cells, instrument, mapping, "", quick=True)[0].values()))

    table = _read(source, sheet, encoding, text_columns,
                  HeaderSearch(header_row, header_score, len(instrument.item_codes)))
    src = table.source
    frame = table.frame
    frame.columns = [str(c).strip() for c in frame.columns]
    dup_cols = [c for c in frame.columns[frame.columns.duplicated()]]
    if dup_cols:
        raise SurveyInputError(f"{src}: column name(s) {dup_cols} appear more than once; rename them.")
    problems: list = []   # dicts and DataFrames of problem records, in the order found

    def add(row, column, item, value, problem, severity, action, respondent=""):
        problems.append({"row": row, "respondent": respondent, "column": column, "item": item,
                         "value": "" if value is None else str(value), "problem": problem,
                         "severity": severity, "action": action})

    def add_rows(idx, column, item, value, problem, severity, action):
        """Record one problem per row in ``idx`` (vectorized; values may be arrays)."""
        if len(idx) == 0:
            return
        problems.append(pd.DataFrame({"row": rows[idx], "respondent": ids[idx], "column": column,
                                      "item": item, "value": value, "problem": problem,
                                      "severity": severity, "action": action}))

    matched, how = _match_columns(list(frame.columns), instrument, mapping, src, table.column_labels)
    if not matched:
        raise no_items_error(table, list(frame.columns), instrument, header_row)
    if table.header_row and table.header_row > 1:
        add(table.header_row, "", "", table.above, "header_row", "info",
            header_action(table.header_row, header_row))
    timing = find_timing([c for c in frame.columns if c not in matched], duration, src)
    item_cols = [c for c in frame.columns if c in matched]

    # Respondent ids.
    if id_column is None:
        lowered = {normalize_text(c): c for c in frame.columns if c not in matched}
        id_column = next((lowered[n] for n in _ID_NAMES if n in lowered), None)
    elif id_column not in frame.columns:
        raise SurveyInputError(f"{src}: id_column {id_column!r} is not a column; columns are "
                               f"{list(frame.columns)}")
    rows = np.asarray(table.rows)
    ids = (frame[id_column].astype(str).str.strip().to_numpy(dtype=object) if id_column
           else np.array([str(r) for r in rows], dtype=object))

    # Parse answers column by column: each distinct raw value is read once.
    values = np.full((len(frame), len(item_cols)), np.nan)
    action_bad = "set to missing" if on_invalid == "missing" else "rejected"
    for j, col in enumerate(item_cols):
        item = matched[col]
        raw = frame[col]
        labels = table.value_labels.get(col, {})
        missing_codes = table.user_missing.get(col, [])
        recode = _label_recode(labels, scale, missing_codes)
        if recode:
            add(np.nan, col, item, "", "value_labels", "info",
                f"codes recoded by their value labels: {recode}")
        blank = _blank_mask(raw)
        # "NA" (R's write.csv), "#N/A" (Excel), "-": missing answers, not invalid ones; said once a column
        coded = blank & raw.notna().to_numpy()
        if coded.any():
            texts = raw[coded].astype(str)
            codes = [c for c in pd.unique(texts) if c.strip()]
            if codes:
                add(np.nan, col, item, ", ".join(codes), "missing_code", "info",
                    f"{int(texts.isin(codes).sum())} cells read as missing answers")
        if missing_codes:
            num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            user = ~blank & np.any([(num >= lo) & (num <= hi) for lo, hi in missing_codes], axis=0)
            idx = np.flatnonzero(user)
            add_rows(idx, col, item, [_fmt(v) for v in num[idx]], "user_missing", "info",
                     "treated as missing (SPSS user-missing code)")
            blank |= user
        present = ~blank
        parsed_of = {}
        for u in pd.unique(raw[present]):
            v = scale.parse(u)
            if v is not None and recode and v in recode:
                v = recode[v]
            parsed_of[u] = v
        # map() turns None into NaN, so unreadable answers get their own lookup
        kept = raw[present]
        unreadable = kept.map({u: v is None for u, v in parsed_of.items()}).to_numpy(dtype=bool)
        numeric = kept.map({u: np.nan if v is None else float(v) for u, v in parsed_of.items()}
                           ).to_numpy(dtype=float)
        pos = np.flatnonzero(present)
        valid = ~unreadable & np.isin(numeric, scale.values)
        values[pos[valid], j] = numeric[valid]
        bad_text = pos[unreadable]
        add_rows(bad_text, col, item, raw.to_numpy(dtype=object)[bad_text].astype(str), "unparseable",
                 "error", action_bad)
        off = pos[~unreadable & ~valid]
        add_rows(off, col, item, [_fmt(v) for v in raw.to_numpy(dtype=object)[off]], "out_of_range",
                 "error", action_bad + f" (scale is {scale.minimum}-{scale.maximum})")

    n_errors = sum(_count_errors(p) for p in problems)
    if n_errors and on_invalid == "raise":
        report = _build_report(table, frame, problems, matched, how, instrument, len(frame),
                               pd.DataFrame(values, columns=[matched[c] for c in item_cols]))
        raise SurveyInputError(_error_message(src, report.problems, table.row_label, scale), report)

    items = pd.DataFrame(values, columns=[matched[c] for c in item_cols])
    keep = np.ones(len(frame), dtype=bool)

    # Rows without a single answer are excluded, each recorded.
    answered = (~np.isnan(values)).sum(axis=1)
    empty = np.flatnonzero(answered == 0)
    keep[empty] = False
    add_rows(empty, "", "", "", "empty_row", "warning", "excluded (no item answered)")

    # Double submissions: the same respondent id, or (no id column) the same e-mail address.
    email_column = None if id_column else find_email_column([c for c in frame.columns if c not in matched])
    flag_duplicates(frame, ids, id_column, email_column, keep, rows, duplicates, add_rows, src, table.row_label)

    # Straight-liners and speeders among the rows kept so far: flagged, excluded only if asked.
    keep, screening = screen_responses(
        values, keep, frame, timing, add_rows, n_items=len(item_cols), min_items=straightline_min_items,
        min_seconds=min_seconds, drop_straightliners=drop_straightliners, drop_speeders=drop_speeders,
        source=src)

    # Missing answers per respondent (kept rows with some but not all answers).
    partial = np.flatnonzero(keep & (answered < len(item_cols)))
    if len(partial):
        cols_arr = np.array(item_cols, dtype=object)
        items_arr = np.array(list(items.columns), dtype=object)
        miss = np.isnan(values[partial])
        add_rows(partial, [", ".join(cols_arr[m]) for m in miss], [", ".join(items_arr[m]) for m in miss],
                 "", "missing", "warning", [f"kept; {int(m.sum())} item(s) unanswered" for m in miss])

    # Instrument items absent from the file; columns that are not items.
    found = set(matched.values())
    for item in instrument.item_codes:
        if item not in found:
            add(np.nan, "", item, "", "absent_item", "warning",
                "not in the file; analyses needing it will say so", "")
    for col in frame.columns:
        if col in matched:
            continue
        kind = ("respondent id column" if col == id_column else
                "form metadata column; e-mail address, checked for double submissions" if col == email_column
                else "form metadata column" if normalize_text(col) in _FORM_META else "other column")
        add(np.nan, col, "", "", "unknown_column", "info", f"kept as-is ({kind})", "")

    # Reverse-keyed items: recode so that high always means more of the factor.
    for item in instrument.reverse_items:
        if item in items.columns:
            n = int(items[item].notna().sum())
            items[item] = scale.minimum + scale.maximum - items[item]
            add(np.nan, next(c for c in item_cols if matched[c] == item), item, "", "reverse_recoded",
                "info", f"{n} answers recoded as {scale.minimum + scale.maximum} - x", "")

    order = [i for i in instrument.item_codes if i in items.columns]
    others = frame[[c for c in frame.columns if c not in matched]].reset_index(drop=True)
    others = pd.DataFrame({c: (others[c].astype(object).where(others[c].notna(), None) if c == id_column
                               else _labelled(others[c], table, c, add) if table.value_labels.get(c)
                               else _maybe_numeric(others[c])) for c in others.columns})
    data = pd.concat([others[[id_column]] if id_column else others.iloc[:, :0],
                      items[order],
                      others.drop(columns=[id_column]) if id_column else others], axis=1)
    data = data[keep].reset_index(drop=True)
    report = _build_report(table, frame, problems, matched, how, instrument, int(keep.sum()),
                           items[order][keep], screening)
    return Survey(data=data, instrument=instrument, scale=scale, validation=report,
                  id_column=id_column)


def _count_errors(p) -> int:
    if isinstance(p, dict):
        return int(p["severity"] == "error")
    return int((p["severity"] == "error").sum())


def _build_report(table, frame, problems, matched, how, instrument, rows_kept, items,
                  screening=None) -> ValidationReport:
    parts = [p if isinstance(p, pd.DataFrame) else pd.DataFrame([p]) for p in problems]
    prob = (pd.concat(parts, ignore_index=True)[_PROBLEM_COLUMNS] if parts
            else pd.DataFrame(columns=_PROBLEM_COLUMNS))
    prob["value"] = prob["value"].astype(str).where(prob["value"].notna(), "")
    if not prob.empty:
        prob["row"] = prob["row"].astype("Float64").astype("Int64")
    cmap = pd.DataFrame([{"column": c, "item": matched.get(c, ""),
                          "matched_by": how.get(c, "not matched")} for c in frame.columns])
    n = len(items)
    miss = items.isna().sum()
    missing_by_item = pd.DataFrame({"item": miss.index, "n_missing": miss.to_numpy(),
                                    "pct_missing": (100 * miss / n).round(2).to_numpy() if n else 0.0})
    return ValidationReport(source=table.source, file_format=table.file_format,
                            encoding=table.encoding, rows_read=len(frame), rows_kept=rows_kept,
                            n_items=len(instrument), n_items_found=len(set(matched.values())),
                            problems=prob, column_map=cmap, missing_by_item=missing_by_item,
                            row_label=table.row_label, sheet=table.sheet, sheets=table.sheets,
                            encoding_detected=table.encoding_detected, header_row=table.header_row,
                            screening=screening if screening is not None else empty_screening())


def _error_message(src: str, problems: pd.DataFrame, row_label: str, scale: LikertScale,
                   show: int = 5) -> str:
    errors = problems[problems["severity"] == "error"].to_dict("records")
    cols = list(dict.fromkeys(p["column"] for p in errors))
    lines = [f"{src}: {len(errors)} invalid answer(s) in column(s) {', '.join(cols[:8])}"
             f"{' ...' if len(cols) > 8 else ''}:"]
    for p in errors[:show]:
        what = (f"is outside the scale {scale.minimum}-{scale.maximum}" if p["problem"] == "out_of_range"
                else f"cannot be read as a scale point ({scale.minimum}-{scale.maximum} or an anchor "
                     f"word such as {scale.labels_th[-1]!r})")
        lines.append(f"  {row_label} {p['row']}, column '{p['column']}' (respondent {p['respondent']}): "
                     f"value {p['value']!r} {what}")
    if len(errors) > show:
        lines.append(f"  ... and {len(errors) - show} more (all are in the exception's .report.problems)")
    lines.append("Correct these cells in the file, or load with on_invalid='missing' to treat them as "
                 "missing answers (each one is then recorded in survey.validation).")
    return "\n".join(lines)


def _label_recode(labels: dict, scale: LikertScale, missing_codes=()) -> dict:
    """Map SPSS codes to scale points when value labels say so (e.g. 1 = มากที่สุด).

    Labels of user-missing codes (9 = "ไม่ตอบ") are not scale anchors and are skipped.
    """
    if not labels:
        return {}
    recode = {}
    for code, label in labels.items():
        if any(lo <= code <= hi for lo, hi in missing_codes):
            continue
        point = scale.parse(label)
        if point is None or not scale.is_valid(point):
            return {}  # labels that are not scale anchors: trust the codes
        recode[code] = point
    if all(float(k) == v for k, v in recode.items()):
        return {}
    return {(int(k) if float(k).is_integer() else k): v for k, v in recode.items()}


def _labelled(col: pd.Series, table, name: str, add) -> pd.Series:
    """An SPSS column of codes shown by its value labels (1 -> "ครู"), as a categorical in code order.

    User-missing codes become missing; a column with codes that have no
    label keeps its codes, and the report says why.
    """
    labels = table.value_labels[name]
    missing = table.user_missing.get(name, [])
    num = pd.to_numeric(col, errors="coerce")
    present = ~pd.Series(_blank_mask(col), index=col.index)
    user = present & np.any([(num >= lo) & (num <= hi) for lo, hi in missing] or [np.zeros(len(col), bool)],
                            axis=0)
    codes = num[present & ~user]
    unlabelled = sorted({_fmt(v) for v in codes if v not in labels})
    if codes.isna().any() or unlabelled:
        add(np.nan, name, "", "", "value_labels", "info",
            f"kept as codes: {unlabelled or 'text'} have no value label")
        return _maybe_numeric(col)
    order = [labels[k] for k in sorted(labels) if not any(lo <= k <= hi for lo, hi in missing)]
    shown = pd.Series(pd.Categorical(num.where(present & ~user).map(labels), categories=list(dict.fromkeys(order))),
                      index=col.index)
    add(np.nan, name, "", "", "value_labels", "info",
        f"codes shown by their value labels: {dict((_fmt(k), v) for k, v in labels.items())}")
    return shown


# A cell that is blank or says "no answer" (MISSING_TOKENS), around any spaces and invisible marks;
# one vectorized match instead of normalize_text on each of a million cells.
_BLANK_CELL = (r"[\s\u200b\u200c\u200d\u2060\u00ad\ufeff\u200e\u200f]*(?:"
               + "|".join(re.escape(t) for t in sorted(MISSING_TOKENS, key=len, reverse=True) if t)
               + r")?[\s\u200b\u200c\u200d\u2060\u00ad\ufeff\u200e\u200f]*")


def _blank_mask(col: pd.Series) -> np.ndarray:
    """True where a cell is missing: NaN/None/NA, empty text, or a missing token such as "NA"."""
    blank = col.isna().to_numpy(copy=True)
    if _is_text(col):
        text = col[~blank]
        is_str = text.map(type).eq(str).to_numpy()
        if is_str.any():
            hit = text[is_str].astype(str).str.fullmatch(_BLANK_CELL, case=False).to_numpy(dtype=bool)
            pos = np.flatnonzero(~blank)[is_str]
            blank[pos[hit]] = True
    return blank


def _fmt(value) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col.dtype)


def _maybe_numeric(col: pd.Series) -> pd.Series:
    """Turn a text column numeric if every non-empty cell is a number."""
    if not _is_text(col):
        return col
    col = col.astype(object)
    blank = pd.Series(_blank_mask(col), index=col.index)
    converted = pd.to_numeric(col.where(~blank), errors="coerce")
    if converted[~blank].notna().all() and (~blank).any():
        return converted
    return col.where(~blank, None)
