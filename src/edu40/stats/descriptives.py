"""Descriptive statistics: the "mean, S.D., level" table and frequency tables.

Thai survey reports describe each factor and each item by n, mean, standard
deviation and the Likert level of the mean (4.51-5.00 มากที่สุด ...), ranked
within the factor; and the respondents by frequency and percentage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..core.i18n import check_language, pick
from ._inputs import NAN_POLICIES, StatsInputError, check_choice, numeric_frame, to_float
from ..io.loader import Survey
from ..io.scales import LikertScale

__all__ = ["describe", "frequencies"]

_DESCRIBE_COLUMNS = ["variable", "label", "kind", "factor", "n", "missing", "mean", "sd", "min", "max",
                     "skewness", "kurtosis", "level", "rank"]


def _as_scale(scale) -> LikertScale | None:
    if scale is None or isinstance(scale, LikertScale):
        return scale
    return LikertScale(int(scale))


def _column_stats(s: pd.Series, *, shape: bool, where: str) -> dict:
    v = s.dropna().to_numpy(dtype=float)
    n = len(v)
    if n == 0:
        raise StatsInputError(f"{where}: no answers (all missing)")
    if n < 3:
        raise StatsInputError(f"{where}: only {n} answer(s); at least 3 are needed for a standard deviation "
                              f"that means anything")
    row = {"n": n, "missing": int(len(s) - n), "mean": float(v.mean()), "sd": float(v.std(ddof=1)),
           "min": float(v.min()), "max": float(v.max())}
    if shape:
        if n < 4:
            raise StatsInputError(f"{where}: {n} answers; sample kurtosis needs at least 4. "
                                  f"Pass shape=False to report mean and S.D. only")
        if row["sd"] == 0:
            raise StatsInputError(f"{where}: every answer is {v[0]:g}, so skewness and kurtosis are undefined "
                                  f"(0/0). Pass shape=False to report mean and S.D. only")
        # G1 and G2 (bias-corrected; SPSS, SAS, psych::describe(type = 2))
        row["skewness"] = float(stats.skew(v, bias=False))
        row["kurtosis"] = float(stats.kurtosis(v, fisher=True, bias=False))
    return row


def _describe_block(frame: pd.DataFrame, meta: list[tuple], scale, shape, lang, where: str) -> pd.DataFrame:
    """Statistics for each (column, label, kind, factor) in ``meta``; ranks within kind x factor."""
    rows = []
    for col, label, kind, factor in meta:
        row = {"variable": col, "label": label, "kind": kind, "factor": factor}
        row.update(_column_stats(frame[col], shape=shape, where=f"{where}column '{col}'"))
        rows.append(row)
    out = pd.DataFrame(rows)
    if scale is not None:
        out["level"] = [scale.level(m, lang) for m in out["mean"]]
    # Rank 1 = highest mean; items within their factor, factors among factors.
    rank = pd.Series(pd.NA, index=out.index, dtype="Int64")
    rankable = out["kind"] != "total"
    keys = out["factor"].where(out["kind"] == "item", "__factors__").fillna("__items__")
    ranked = out[rankable].groupby(keys[rankable], sort=False)["mean"].rank(ascending=False, method="min")
    rank[rankable] = ranked.astype("int64")
    out["rank"] = rank
    return out[[c for c in _DESCRIBE_COLUMNS if c in out.columns]]


def _survey_parts(survey: Survey, lang):
    inst = survey.instrument
    items = survey.items
    scores = survey.factor_scores()
    total = items.mean(axis=1, skipna=True)
    frame = pd.concat([items, scores, total.rename("overall")], axis=1)
    meta = []
    for fac in scores.columns:
        meta.append((fac, inst.label(fac, lang), "factor", fac))
    meta.append(("overall", pick("ภาพรวม", "overall", lang), "total", pd.NA))
    for item in items.columns:
        meta.append((item, inst.label(item, lang), "item", inst.factor_of(item)))
    return frame, meta


def describe(x, by: str | None = None, *, columns=None, scale=None, shape: bool = True,
             nan_policy: str = "pairwise", lang: str | None = None) -> pd.DataFrame:
    """Mean, S.D. and Likert level of each item and factor: the descriptive table of Thai reports.

    Parameters
    ----------
    x : Survey, DataFrame or Series
        A :class:`~edu40.Survey` gives one row per factor (factor score = mean
        of the respondent's answered items of that factor, as
        :meth:`Survey.factor_scores`), one ``overall`` row (mean of all
        answered items) and one row per item.  A DataFrame gives one row per
        numeric column (``kind = "item"``, no factors).
    by : str, optional
        Grouping column (``"role"``, ``"region"`` ...): the table is repeated
        per group, with the group in the first column ``group``.  Rows whose
        group is missing are left out.
    columns : list of str, optional
        Columns of a DataFrame to describe (default: all; all must be numeric);
        for a Survey, the items, factors or ``"overall"`` to keep (ranks are
        then among the rows kept).
    scale : LikertScale or int, optional
        Scale whose bands give ``level``.  Default: the survey's scale; for a
        DataFrame no ``level`` column unless a scale is given.
    shape : bool
        Report skewness and kurtosis (needs n >= 4 and a non-constant column).
    nan_policy : {"pairwise", "listwise"}
        ``"pairwise"`` (default): each row uses the respondents who answered
        that item (a factor: at least one of its items).  ``"listwise"``: only
        respondents who answered every item of the survey (every described
        column of a DataFrame), as SPSS DESCRIPTIVES /MISSING=LISTWISE.
    lang : {None, "th", "en"}
        Language of ``label``, ``level`` and ``overall``; default the session's.

    Returns
    -------
    DataFrame
        ``[group], variable, label, kind, factor, n, missing, mean, sd, min,
        max, skewness, kurtosis, [level], rank``.  ``sd`` has divisor n - 1.
        ``skewness`` is G1 = g1 sqrt(n(n-1))/(n-2) and ``kurtosis`` the excess
        G2 = ((n+1) g2 + 6)(n-1)/((n-2)(n-3)), with g1 = m3/m2^1.5 and
        g2 = m4/m2^2 - 3: the bias-corrected sample statistics that SPSS
        reports (Joanes & Gill, 1998, type 2; ``psych::describe(x, type = 2)``).
        ``rank`` is 1 for the highest mean: items within their factor, factors
        among the factors (ties share the lower rank).  ``level`` reads the
        mean rounded to two decimals, as printed (:meth:`LikertScale.level`).

    References
    ----------
    Joanes, D. N., & Gill, C. A. (1998). Comparing measures of sample skewness
    and kurtosis. *The Statistician*, 47(1), 183-189.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> t = edu40.describe(survey, lang="en")
    >>> t.loc[t.kind == "factor", ["variable", "mean", "sd", "level", "rank"]].round(2).head(2)
      variable  mean    sd level  rank
    0      EFF  3.98  0.87  high     3
    1      ACL  3.94  0.88  high     4
    """
    lang = check_language(lang)
    scale = _as_scale(scale)
    if isinstance(x, Survey):
        frame, meta = _survey_parts(x, lang)
        if columns is not None:
            wanted = [columns] if isinstance(columns, str) else list(columns)
            known = [m[0] for m in meta]
            unknown = [c for c in wanted if c not in known]
            if unknown:
                raise StatsInputError(f"describe: {unknown} are neither items nor factors of the survey "
                                      f"(nor 'overall')")
            meta = [m for m in meta if m[0] in wanted]
        scale = scale or x.scale
        if by is not None and by not in x.data.columns:
            raise StatsInputError(f"by={by!r} is not a column of the survey; columns: {x.other_columns}")
        groups = x.data[by] if by is not None else None
    else:
        if isinstance(x, pd.DataFrame) and by is not None:
            if by not in x.columns:
                raise StatsInputError(f"by={by!r} is not a column; columns: {list(x.columns)}")
            groups = x[by]
            if columns is None:
                columns = [c for c in x.columns if c != by]
        else:
            groups = None
        frame = numeric_frame(x, columns, what="describe")
        meta = [(c, c, "item", pd.NA) for c in frame.columns]
    check_choice("nan_policy", nan_policy, NAN_POLICIES)
    if nan_policy == "listwise":
        keep = (x.items if isinstance(x, Survey) else frame).notna().all(axis=1).to_numpy()
        if not keep.any():
            raise StatsInputError("describe: no respondent answered every item; listwise deletion leaves nothing")
        frame = frame[keep]
        groups = groups[keep] if groups is not None else None
    if groups is None:
        return _describe_block(frame, meta, scale, shape, lang, "")
    parts = []
    for g in _group_levels(groups):
        block = _describe_block(frame[(groups == g).to_numpy()], meta, scale, shape, lang, f"group {by}={g!r}, ")
        block.insert(0, "group", g)
        parts.append(block)
    if not parts:
        raise StatsInputError(f"by={by!r}: the column has no non-missing values")
    return pd.concat(parts, ignore_index=True)


def _group_levels(groups: pd.Series) -> list:
    if isinstance(groups.dtype, pd.CategoricalDtype):
        return [g for g in groups.cat.categories if (groups == g).any()]
    return sorted(groups.dropna().unique(), key=lambda v: (str(type(v)), v))


def frequencies(x, columns=None, *, scale=None, lang: str | None = None) -> pd.DataFrame:
    """Frequency and percentage of each answer, with missing shown: the SPSS FREQUENCIES table.

    Parameters
    ----------
    x : Survey, DataFrame or Series
        A Survey gives its items (or ``columns`` of ``survey.data``, e.g.
        ``["role", "region"]`` for the respondents' profile table).
    columns : list of str, optional
        Columns to tabulate.  Numeric or text/categorical columns.
    scale : LikertScale or int, optional
        For numeric Likert columns: list every scale point, also unused ones,
        with its anchor label.  Default: the survey's scale for its items.
    lang : {None, "th", "en"}
        Thai or English labels; ``None`` (default): the session language (:func:`edu40.set_language`).

    Returns
    -------
    DataFrame
        ``variable, value, label, missing, count, percent, valid_percent,
        cumulative_percent``; one row per value, then one ``missing = True``
        row per variable (its ``valid_percent`` and ``cumulative_percent``
        are empty, as in SPSS).  ``value`` is numeric: the scale point or
        number (``Int64`` when every value is whole, else ``float64``;
        ``<NA>`` for text answers and the missing row); ``label`` is text:
        the anchor label of a scale point, the answer of a text or
        categorical column, the number as written for other numbers, or
        "missing" / "ไม่ตอบ (สูญหาย)".  ``percent`` is of all rows,
        ``valid_percent`` of answered rows.

    Notes
    -----
    Agrees with R ``table(x, useNA = "always")``, ``100 * prop.table(table(x))``
    (valid percent) and SPSS FREQUENCIES.

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> f = edu40.frequencies(survey, ["role"], lang="en")
    >>> f[["label", "count", "percent"]].round(2)
                 label  count  percent
    0  deputy_director     84    10.88
    1         director    153    19.82
    2          teacher    535    69.30
    3          missing      0     0.00
    >>> edu40.frequencies(survey, ["EFF1"], lang="en")[["value", "label", "count"]].head(2)
       value   label  count
    0      1  lowest     11
    1      2     low     64
    """
    lang = check_language(lang)
    scale = _as_scale(scale)
    if isinstance(x, Survey):
        data = x.items if columns is None else x.data
        item_cols = set(x.item_columns)
        survey_scale = scale or x.scale
    else:
        data = x.to_frame() if isinstance(x, pd.Series) else x
        item_cols, survey_scale = set(), scale
        if not isinstance(data, pd.DataFrame):
            data = numeric_frame(x, what="frequencies")
    cols = list(data.columns) if columns is None else ([columns] if isinstance(columns, str) else list(columns))
    absent = [c for c in cols if c not in data.columns]
    if absent:
        raise StatsInputError(f"frequencies: column(s) {absent} not found; available: {list(data.columns)}")
    parts = [_frequency_table(data[c], str(c), survey_scale if (c in item_cols or scale is not None) else None,
                              lang) for c in cols]
    return pd.concat(parts, ignore_index=True)


def _frequency_table(s: pd.Series, name: str, scale, lang) -> pd.DataFrame:
    total = len(s)
    if total == 0:
        raise StatsInputError(f"frequencies: column '{name}' is empty")
    numeric = pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
    if scale is not None:
        v = to_float(s, name)
        off = v.dropna()[~v.dropna().isin(scale.values)]
        if len(off):
            raise StatsInputError(f"frequencies: column '{name}' has value {off.iloc[0]:g}, which is not a point "
                                  f"of the {scale.points}-point scale {scale.values}")
        values = list(scale.values)
        labels = list(scale.labels(lang))
        counts = [int((v == val).sum()) for val in values]
        n_missing = int(v.isna().sum())
    else:
        valid = s.dropna()
        if isinstance(s.dtype, pd.CategoricalDtype):
            values = list(s.cat.categories)
        elif numeric:
            values = sorted(valid.unique())
            values = [int(u) if float(u).is_integer() else float(u) for u in values]
        else:
            values = sorted(valid.unique(), key=str)
        labels = [str(u) for u in values]
        counts = [int((valid == val).sum()) for val in values]
        n_missing = int(s.isna().sum())
    n_valid = total - n_missing
    count = np.array(counts, dtype="int64")
    valid_pct = count / n_valid * 100 if n_valid else np.full(len(count), np.nan)
    # Numbers in one numeric column, words in another: no column mixes the two.
    if scale is not None or (numeric and not isinstance(s.dtype, pd.CategoricalDtype)):
        whole = all(float(u).is_integer() for u in values)
        value = (pd.array([int(u) for u in values] + [None], dtype="Int64") if whole
                 else np.append(np.asarray(values, dtype=float), np.nan))
    else:
        value = pd.array([None] * (len(values) + 1), dtype="Int64")
    out = pd.DataFrame({
        "variable": name,
        "value": value,
        "label": pd.Series(labels + [pick("ไม่ตอบ (สูญหาย)", "missing", lang)], dtype=str),
        "missing": [False] * len(values) + [True],
        "count": np.append(count, n_missing).astype("int64"),
        "percent": np.append(count, n_missing) / total * 100,
        "valid_percent": np.append(valid_pct, np.nan),
        "cumulative_percent": np.append(np.cumsum(valid_pct), np.nan),
    })
    return out
