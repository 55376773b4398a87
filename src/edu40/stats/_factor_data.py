"""The correlation matrix behind factor analysis, with the checks that make it usable.

Exploratory factor analysis, its adequacy tests and the number-of-factors
criteria all start from the item correlation matrix.  This module builds it
once, from a Survey, a DataFrame of item answers or a published correlation
matrix, and refuses what would make the analysis meaningless -- each refusal
names the items and says what to do:

- a constant item (variance 0: its correlations are undefined);
- fewer respondents than items (the matrix is then singular);
- a singular matrix (an item is a copy, a reversal or a sum of others), with
  the items that are linearly dependent;
- a pairwise matrix that is not positive definite.

Missing answers: ``nan_policy="listwise"`` keeps complete rows and counts the
rows left out; ``"pairwise"`` correlates each pair over the rows that answered
both (``psych``'s default, ``use = "pairwise"``).  No row is dropped unsaid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.i18n import check_language
from ..io.loader import Survey
from ._inputs import StatsInputError, check_choice, check_columns, numeric_frame

__all__ = ["FactorData", "factor_data", "collinear_items"]

# Relative size of the smallest eigenvalue below which the matrix counts as singular: the
# determinant of a correlation matrix of 40 Likert items is often 1e-20 and still usable.
_SINGULAR = 1e-10


@dataclass(frozen=True, eq=False)
class FactorData:
    """An item correlation matrix ready for factoring, and where it came from.

    ``n_obs`` is the sample size the test statistics use: the complete rows
    (listwise) or, as ``psych``, the number of rows read (pairwise);
    ``pair_counts`` holds the respondents behind each correlation (pairwise).
    ``raw`` keeps the item answers used, ``answers`` every row read (both None
    for a matrix input).
    """

    corr: np.ndarray
    items: list
    n_obs: int
    nan_policy: str
    rows_read: int
    excluded: int = 0
    pair_counts: np.ndarray | None = None
    raw: pd.DataFrame | None = field(default=None, repr=False)
    answers: pd.DataFrame | None = field(default=None, repr=False)
    labels: dict = field(default_factory=dict)
    instrument: object = None

    @property
    def p(self) -> int:
        return len(self.items)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.corr, index=self.items, columns=self.items)

    def min_pairwise_n(self) -> int:
        return int(self.pair_counts.min()) if self.pair_counts is not None else self.n_obs

    def rows_note(self, lang: str | None = None) -> str:
        """One sentence on the rows used, for reports."""
        th = check_language(lang) == "th"
        if self.raw is None:
            return (f"วิเคราะห์จากเมทริกซ์สหสัมพันธ์ n = {self.n_obs}" if th else
                    f"analysed from a correlation matrix, n = {self.n_obs}")
        if self.nan_policy == "listwise":
            if th:
                return (f"ใช้ผู้ตอบ {self.n_obs} คนที่ตอบครบทุกข้อ จาก {self.rows_read} แถว"
                        + (f" (ตัดออก {self.excluded} แถวที่ตอบไม่ครบ)" if self.excluded else ""))
            return (f"{self.n_obs} of {self.rows_read} rows used (complete answers)"
                    + (f"; {self.excluded} row(s) with a missing answer left out (listwise)" if self.excluded else ""))
        low = self.min_pairwise_n()
        if th:
            return (f"สหสัมพันธ์แบบรายคู่ (pairwise) จาก {self.rows_read} แถว; แต่ละคู่มีผู้ตอบอย่างน้อย {low} คน")
        return (f"pairwise correlations over {self.rows_read} rows; every pair answered by at least {low} "
                f"respondents (n = {self.n_obs} in the test statistics, as psych)")


def _is_correlation_matrix(x) -> bool:
    if not isinstance(x, pd.DataFrame) or x.shape[0] != x.shape[1] or x.shape[0] < 2:
        return False
    if list(map(str, x.index)) != list(map(str, x.columns)):
        return False
    try:
        a = x.to_numpy(dtype=float)
    except (TypeError, ValueError):
        return False
    return bool(np.allclose(np.diag(a), 1.0) and np.allclose(a, a.T) and np.all(np.abs(a) <= 1 + 1e-12))


def _labels(x) -> tuple[dict, object]:
    if isinstance(x, Survey):
        inst = x.instrument
        cols = x.item_columns
        return {lang: {c: inst.label(c, lang) for c in cols} for lang in ("th", "en")}, inst
    return {}, None


def collinear_items(corr: np.ndarray, items: list) -> list[list[str]]:
    """Groups of items that are linearly dependent (one eigenvector per near-zero eigenvalue).

    An item whose weight in the eigenvector of a (near-)zero eigenvalue is
    large takes part in the dependency: ``v' R v = 0`` says that the
    weighted sum of those standardized items is constant.
    """
    vals, vecs = np.linalg.eigh(corr)
    groups = []
    for k in np.flatnonzero(vals < _SINGULAR * max(vals[-1], 1.0)):
        v = vecs[:, k]
        involved = [items[i] for i in np.argsort(-np.abs(v)) if abs(v[i]) > 0.1]
        groups.append(involved)
    return groups


def _check_singular(corr, items, what):
    groups = collinear_items(corr, items)
    if not groups:
        return
    perfect = [f"{items[i]} and {items[j]} (r = {corr[i, j]:+.3f})" for i in range(len(items))
               for j in range(i + 1, len(items)) if abs(corr[i, j]) > 1 - 1e-8]
    detail = "; ".join(", ".join(g) for g in groups)
    hint = f" Identical or reversed copies: {'; '.join(perfect)}." if perfect else ""
    raise StatsInputError(
        f"{what}: the item correlation matrix is singular (determinant 0): the items {detail} are linearly "
        f"dependent -- one is a copy, a reversal or a sum of the others (e.g. a total score kept among the "
        f"items).{hint} Drop one item of each group and run again.")


def factor_data(x, *, items=None, nan_policy: str = "listwise", n_obs: int | None = None,
                what: str = "efa") -> FactorData:
    """Check the data and build the item correlation matrix (see the module docstring).

    Parameters
    ----------
    x : Survey, DataFrame or correlation matrix
        Item answers (a Survey gives its instrument items), or a square
        correlation matrix with ``n_obs``.
    items : list of str, optional
        Columns to analyse (default: all columns, which must be numeric).
    nan_policy : {"listwise", "pairwise"}
    n_obs : int, optional
        Sample size of a correlation-matrix input.
    """
    check_choice("nan_policy", nan_policy, ("listwise", "pairwise"))
    if n_obs is not None or _is_correlation_matrix(x):
        if not _is_correlation_matrix(x):
            raise StatsInputError(f"{what}: n_obs= is given, so x must be a square correlation matrix with "
                                  f"item names as both index and columns and 1 on the diagonal")
        if n_obs is None:
            raise StatsInputError(f"{what}: x looks like a correlation matrix; give its sample size as n_obs=")
        corr = x.to_numpy(dtype=float)
        names = [str(c) for c in x.columns]
        if items is not None:
            idx = [names.index(i) for i in items]
            corr, names = corr[np.ix_(idx, idx)], list(items)
        n_obs = int(n_obs)
        if n_obs <= len(names):
            raise StatsInputError(f"{what}: n_obs = {n_obs} for {len(names)} items; factor analysis needs more "
                                  f"respondents than items")
        _check_singular(corr, names, what)
        return FactorData(corr=corr, items=names, n_obs=n_obs, nan_policy="matrix", rows_read=n_obs)
    labels, inst = _labels(x)
    frame = numeric_frame(x, items, what=what)
    if frame.shape[1] < 3:
        raise StatsInputError(f"{what}: factor analysis needs at least 3 items, got {frame.shape[1]} "
                              f"({list(frame.columns)})")
    rows_read = len(frame)
    check_columns(frame, what=what, min_n=3)
    p = frame.shape[1]
    if nan_policy == "listwise":
        used = frame.dropna()
        n = len(used)
        if n <= p:
            raise StatsInputError(
                f"{what}: {n} respondent(s) answered all {p} items ({rows_read - n} of {rows_read} rows have a "
                f"missing answer); factor analysis needs more complete rows than items (at least {p + 1}; "
                f"common advice is 5-10 per item and 200 or more). Collect more data, analyse fewer items, "
                f"or use nan_policy='pairwise'")
        check_columns(used, what=f"{what} (complete rows)", min_n=3)
        corr = np.corrcoef(used.to_numpy(dtype=float), rowvar=False)
        counts = None
        n_obs_used = n
    else:
        used = frame
        ok = frame.notna().to_numpy(dtype=float)
        counts = ok.T @ ok
        low = int(counts.min())
        if low <= 2:
            i, j = np.unravel_index(np.argmin(counts), counts.shape)
            raise StatsInputError(f"{what}: only {low} respondent(s) answered both {frame.columns[i]} and "
                                  f"{frame.columns[j]}; their correlation cannot be estimated")
        if rows_read <= p:
            raise StatsInputError(f"{what}: {rows_read} rows for {p} items; factor analysis needs more "
                                  f"respondents than items (common advice: 5-10 per item, 200 or more)")
        corr = frame.corr(min_periods=3).to_numpy()
        n_obs_used = rows_read   # psych: n.obs = nrow(x) also with use = "pairwise"
    names = [str(c) for c in frame.columns]
    _check_singular(corr, names, what)
    if nan_policy == "pairwise" and np.linalg.eigvalsh(corr)[0] <= 0:
        raise StatsInputError(
            f"{what}: the pairwise correlation matrix is not positive definite (smallest eigenvalue "
            f"{np.linalg.eigvalsh(corr)[0]:.2e}): pairs answered by different respondents do not fit together. "
            f"Use nan_policy='listwise'")
    return FactorData(corr=corr, items=names, n_obs=n_obs_used, nan_policy=nan_policy, rows_read=rows_read,
                      excluded=rows_read - len(used) if nan_policy == "listwise" else 0,
                      pair_counts=counts, raw=used, answers=frame, labels=labels, instrument=inst)
