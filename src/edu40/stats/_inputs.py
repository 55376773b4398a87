"""Input coercion shared by the statistics modules.

Every statistics function accepts a :class:`~edu40.io.loader.Survey`, a
DataFrame, a Series or a 1-d array, and must refuse input that would make a
result meaningless (a constant item, an all-missing column, too few cases)
with a message that names the column or group and says why -- never a NaN
passed off as a result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.loader import Survey

NAN_POLICIES = ("pairwise", "listwise")


class StatsInputError(ValueError):
    """Data that a statistic cannot be computed from; the message says which column or group and why."""


def check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, not {value!r}")


def check_confidence(confidence: float) -> float:
    if not 0 < float(confidence) < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence!r}")
    return float(confidence)


def to_float(s: pd.Series, name: str) -> pd.Series:
    """A numeric Series as float64 with NaN for missing; a clear error otherwise.

    Nullable ``Int64``/``Float64``/``boolean`` become float64.  Text columns are
    refused rather than guessed: Likert words belong to :func:`edu40.load_survey`.
    """
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return pd.Series(s.to_numpy(dtype=float, na_value=np.nan), index=s.index, name=name)
    raise StatsInputError(
        f"column '{name}' is not numeric (dtype {s.dtype}, e.g. {_first_value(s)!r}); "
        f"convert it with pandas.to_numeric, or read the file with edu40.load_survey, "
        f"which turns answers such as 'มากที่สุด' into scale points")


def _first_value(s: pd.Series):
    nonmissing = s.dropna()
    return nonmissing.iloc[0] if len(nonmissing) else None


def numeric_frame(x, columns=None, *, what: str = "data") -> pd.DataFrame:
    """Coerce ``x`` to a float DataFrame of the requested columns.

    A Survey gives its item columns (or ``columns`` from ``survey.data``); a
    Series or 1-d array becomes a one-column frame.  With ``columns=None`` a
    DataFrame must be all-numeric: a non-numeric column is an error naming it,
    so that an id or a demographic column is never silently averaged.
    """
    if isinstance(x, Survey):
        frame = x.items if columns is None else x.data
    elif isinstance(x, pd.DataFrame):
        frame = x
    elif isinstance(x, pd.Series):
        frame = x.to_frame(name=x.name if x.name is not None else "x")
    else:
        arr = np.asarray(x)
        if arr.ndim == 1:
            frame = pd.DataFrame({"x": arr})
        elif arr.ndim == 2:
            frame = pd.DataFrame(arr, columns=[f"x{i + 1}" for i in range(arr.shape[1])])
        else:
            raise StatsInputError(f"{what}: expected a table or a column of numbers, got {type(x).__name__}")
    if columns is not None:
        columns = [columns] if isinstance(columns, str) else list(columns)
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise StatsInputError(f"{what}: column(s) {absent} not found; available: {list(frame.columns)}")
        frame = frame[columns]
    if frame.shape[1] == 0:
        raise StatsInputError(f"{what}: no columns to analyse")
    if frame.columns.duplicated().any():
        dup = list(frame.columns[frame.columns.duplicated()])
        raise StatsInputError(f"{what}: duplicated column name(s) {dup}")
    return pd.DataFrame({str(c): to_float(frame[c], str(c)) for c in frame.columns}, index=frame.index)


def as_vector(x, name: str) -> np.ndarray:
    """A 1-d float array (NaN for missing) from a Series, list or array."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise StatsInputError(f"{name}: expected one column, got {x.shape[1]} ({list(x.columns)})")
        x = x.iloc[:, 0]
    if isinstance(x, pd.Series):
        return to_float(x, str(x.name) if x.name is not None else name).to_numpy(copy=True)
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise StatsInputError(f"{name}: expected a single column of numbers, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise StatsInputError(f"{name}: values are not numeric (e.g. {arr[0]!r})") from None
    return arr.astype(float, copy=True)


def check_columns(frame: pd.DataFrame, *, what: str, min_n: int = 3, min_columns: int = 1,
                  allow_constant: bool = False) -> None:
    """Refuse all-missing, too-short and (unless allowed) constant columns."""
    if frame.shape[1] < min_columns:
        raise StatsInputError(f"{what}: needs at least {min_columns} columns, got {frame.shape[1]} "
                              f"({list(frame.columns)})")
    for col in frame.columns:
        s = frame[col]
        n = int(s.notna().sum())
        if n == 0:
            raise StatsInputError(f"{what}: column '{col}' has no answers (all missing)")
        if n < min_n:
            raise StatsInputError(f"{what}: column '{col}' has {n} answer(s); at least {min_n} are needed")
        if not allow_constant and s.min() == s.max():
            raise StatsInputError(f"{what}: column '{col}' is constant (every answer is {s.min():g}); "
                                  f"its variance is 0, so the statistic is undefined. Drop the column.")


def apply_nan_policy(frame: pd.DataFrame, nan_policy: str, *, what: str) -> pd.DataFrame:
    """Listwise: keep complete rows only.  Pairwise: return the frame as is."""
    check_choice("nan_policy", nan_policy, NAN_POLICIES)
    if nan_policy == "listwise":
        complete = frame.dropna()
        if len(complete) == 0:
            raise StatsInputError(f"{what}: no respondent answered all of {list(frame.columns)}; "
                                  f"listwise deletion leaves nothing (try nan_policy='pairwise')")
        return complete
    return frame


def column_or_vector(data, key, name: str) -> np.ndarray:
    """``data[key]`` as a float array when ``data`` is a table and ``key`` a column name."""
    if isinstance(data, Survey):
        if key in data.instrument.factor_codes:
            return data.factor_scores()[key].to_numpy(dtype=float, na_value=np.nan, copy=True)
        data = data.data
    if key not in data.columns:
        raise StatsInputError(f"{name}: column {key!r} not found; available: {list(data.columns)}")
    return as_vector(data[key], str(key))


def survey_frame(data) -> pd.DataFrame:
    """A Survey's data with its factor scores appended (so ``dv='ACL'`` works)."""
    if isinstance(data, Survey):
        scores = data.factor_scores()
        extra = scores[[c for c in scores.columns if c not in data.data.columns]]
        return pd.concat([data.data, extra], axis=1)
    if isinstance(data, pd.DataFrame):
        return data
    raise StatsInputError(f"expected a DataFrame or a Survey, got {type(data).__name__}")
