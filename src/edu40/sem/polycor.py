"""``edu40.polychoric``: the polychoric correlation matrix of Likert items, with its evidence.

The correlations a factor analysis of ordered answers rests on (Olsson,
1979; formulas in :mod:`edu40.sem.polychoric` and docs/methods.md), as lavaan
``lavCor(data, ordered = names(data))`` and psych ``polychoric(data, correct
= 0)`` compute them; with continuous columns (``ordered=`` a subset) the
polyserial and Pearson correlations join them, as ``lavCor(data, ordered =)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.blocks import heading, table, text, warning
from ..core.i18n import check_language, pick
from ..core.reportable import Reportable
from .data import SEMDataError, _check_columns
from .polychoric import OrdinalStats, ordinal_statistics, pair_index

__all__ = ["polychoric", "PolychoricResult"]


@dataclass(frozen=True, eq=False)
class PolychoricResult(Reportable):
    """Polychoric (and polyserial / Pearson) correlations of a set of items.

    Attributes
    ----------
    correlation : DataFrame
        The correlation matrix.
    thresholds : Series
        Thresholds named as lavaan (``"ACL1|t1"``; means of continuous columns as ``"x|mean"``).
    kind : DataFrame
        ``"polychoric"``, ``"polyserial"`` or ``"pearson"`` for each pair.
    n : int or DataFrame
        Rows used (listwise), or the rows of each pair (pairwise).
    zero_cells : DataFrame
        Pairs whose two-way table has empty cells: ``var1, var2, n_empty, cells``.
    excluded : int
        Rows left out for missing answers (listwise).
    """

    correlation: pd.DataFrame
    thresholds: pd.Series
    kind: pd.DataFrame = field(repr=False)
    n: object = 0
    zero_cells: pd.DataFrame = field(default=None, repr=False)
    excluded: int = 0
    missing: str = "listwise"
    not_positive_definite: float | None = None
    _stats: OrdinalStats = field(default=None, repr=False)

    def nacov(self) -> pd.DataFrame:
        """N times the asymptotic covariance matrix of thresholds and correlations (lavaan's
        ``lavInspect(fit, "gamma")``; listwise data only)."""
        if self.missing != "listwise":
            raise ValueError("the asymptotic covariance is computed for complete (listwise) data only")
        st = self._stats
        names = list(self.thresholds.index) + [f"{v}~~{v}" for v in np.array(st.names)[st.numeric]]
        i, j = pair_index(st.p)
        names += [f"{st.names[b]}~~{st.names[a]}" for a, b in zip(i, j)]
        return pd.DataFrame(st.nacov(), index=names, columns=names)

    def to_frame(self) -> pd.DataFrame:
        """The correlation matrix."""
        return self.correlation

    def summary(self, lang=None, decimals: int = 3) -> str:
        lang = check_language(lang)
        lines = [pick(f"สหสัมพันธ์โพลีคอริกของ {len(self.correlation)} ตัวแปร (N = {self._n_text()})",
                      f"Polychoric correlations of {len(self.correlation)} variables (N = {self._n_text()})", lang)]
        lines += [self._warning_text(w, lang) for w in self._warnings()]
        lines.append(self.correlation.round(decimals).to_string())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _n_text(self):
        return str(self.n) if np.isscalar(self.n) else f"{int(self.n.to_numpy().min())}-{int(self.n.to_numpy().max())}"

    def _warnings(self):
        out = []
        if self.zero_cells is not None and len(self.zero_cells):
            out.append(("zero", len(self.zero_cells)))
        if self.not_positive_definite is not None:
            out.append(("npd", self.not_positive_definite))
        return out

    def _warning_text(self, w, lang):
        if w[0] == "zero":
            first = ", ".join(f"{a}×{b}" for a, b in zip(self.zero_cells["var1"][:5], self.zero_cells["var2"][:5]))
            return pick(f"ตารางไขว้ {w[1]} คู่มีช่องที่ไม่มีผู้ตอบ (เช่น {first}); ดู .zero_cells",
                        f"{w[1]} two-way table(s) have empty cells (e.g. {first}); see .zero_cells", lang)
        return pick(f"เมทริกซ์สหสัมพันธ์ไม่เป็นบวกแน่นอน (ค่าเฉพาะต่ำสุด {w[1]:.3g})",
                    f"the correlation matrix is not positive definite (smallest eigenvalue {w[1]:.3g})", lang)

    def report_blocks(self, lang=None) -> list:
        lang = check_language(lang)
        blocks = [heading(pick("สหสัมพันธ์โพลีคอริก", "Polychoric correlations", lang))]
        blocks += [warning(self._warning_text(w, lang)) for w in self._warnings()]
        blocks.append(text(pick(
            f"N = {self._n_text()} ({'ตัดแถวที่ตอบไม่ครบ' if self.missing == 'listwise' else 'ใช้ข้อมูลเป็นคู่'}"
            f"{f', ตัดออก {self.excluded} แถว' if self.excluded else ''}); ประมาณค่าสองขั้นตอน (Olsson, 1979)",
            f"N = {self._n_text()} ({self.missing}{f', {self.excluded} rows excluded' if self.excluded else ''}); "
            f"two-step estimates (Olsson, 1979)", lang)))
        shown = self.correlation.copy()
        values = shown.to_numpy(float).copy()
        values[np.triu_indices(len(values), 1)] = np.nan
        blocks.append(table(pd.DataFrame(values, index=shown.index, columns=shown.columns),
                            pick("เมทริกซ์สหสัมพันธ์", "Correlation matrix", lang)))
        th = self.thresholds.rename_axis(pick("ตัวแปร|จุดตัด", "variable|threshold", lang)).reset_index()
        th.columns = [th.columns[0], pick("ค่า", "value", lang)]
        blocks.append(table(th, pick("จุดตัด (thresholds)", "Thresholds", lang)))
        return blocks


def polychoric(data, columns=None, *, ordered=None, missing: str = "listwise", correct: float = 0.0,
               min_count: int = 1) -> PolychoricResult:
    """Polychoric correlations of ordered items (polyserial / Pearson with continuous columns).

    Parameters
    ----------
    data : DataFrame or Survey
    columns : list of str, optional
        Default: a Survey's instrument items, or every numeric column.
    ordered : list of str, optional
        The ordered columns (default: all ``columns``); the others are continuous.
    missing : {"listwise", "pairwise"}
        Complete rows only (lavaan's default), or each pair's complete rows (psych's
        default; thresholds from each column's answers).
    correct : float
        Added to empty cells of two-way tables before estimating ρ (psych's ``correct``;
        0, no correction, is lavaan's choice and the default).
    min_count : int
        The fewest answers a category may have; rarer categories stop with an error.

    Returns
    -------
    PolychoricResult

    Notes
    -----
    Two-step ML (Olsson, 1979): thresholds τ_k = Φ⁻¹(cumulative proportion), then for each
    pair ρ maximising Σ n_ab log π_ab(ρ) with the thresholds fixed.  Equal to
    ``lavaan::lavCor(data, ordered = names(data))`` (to about 1e-7) and
    ``psych::polychoric(data, correct = 0, smooth = FALSE)$rho`` (to psych's optimiser
    tolerance, about 1e-4).

    Examples
    --------
    >>> import edu40
    >>> survey = edu40.datasets.load_em40_survey()
    >>> r = edu40.polychoric(survey, ["ACL1", "ACL2", "ACL3"])
    >>> r.correlation.shape
    (3, 3)
    >>> round(float(r.correlation.loc["ACL1", "ACL2"]), 2) > round(float(survey.data[["ACL1", "ACL2"]].corr().iloc[0, 1]), 2)
    True
    """
    if hasattr(data, "data") and hasattr(data, "instrument"):
        if columns is None:
            columns = [c for c in data.instrument.item_codes if c in data.data.columns]
        data = data.data
    if not isinstance(data, pd.DataFrame):
        raise SEMDataError(f"data must be a pandas DataFrame or an edu40 Survey, not {type(data).__name__}")
    if columns is None:
        columns = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    columns = list(columns)
    _check_columns(data, columns, "the data")
    if len(columns) < 2:
        raise SEMDataError(f"polychoric correlations need at least 2 columns, got {columns}")
    if missing not in ("listwise", "pairwise"):
        raise ValueError(f"missing must be 'listwise' or 'pairwise', not {missing!r}")
    ordered = columns if ordered is None else [c for c in columns if c in set(ordered)]
    frame = data[columns]
    excluded = 0
    if missing == "listwise":
        keep = ~frame.isna().any(axis=1)
        excluded = int((~keep).sum())
        frame = frame[keep]
    from .ordinal_fit import _codes, _levels
    levels = _levels(frame, ordered, None, min_count)
    is_ord = np.array([c in levels for c in columns])
    X = np.column_stack([_codes(frame[c], levels.get(c)) for c in columns])
    lev = [list(range(len(levels[c]))) if c in levels else None for c in columns]
    st = ordinal_statistics(X, columns, is_ord, lev, correct=correct)
    st.zero_cells = [(a, b, [(levels[a][x], levels[b][y]) for x, y in cells]) for a, b, cells in st.zero_cells]
    th_names, th_values = [], []
    for c, t in zip(columns, st.thresholds):
        if c in levels:
            th_names += [f"{c}|t{k + 1}" for k in range(len(t))]
        else:
            th_names.append(f"{c}|mean")
        th_values += list(t)
    kind = pd.DataFrame("pearson", index=columns, columns=columns)
    for a in range(len(columns)):
        for b in range(len(columns)):
            if is_ord[a] and is_ord[b]:
                kind.iat[a, b] = "polychoric"
            elif is_ord[a] or is_ord[b]:
                kind.iat[a, b] = "polyserial"
    if missing == "pairwise":
        ok = (~np.isnan(X)).astype(float)
        n = pd.DataFrame(ok.T @ ok, index=columns, columns=columns).astype(int)
    else:
        n = len(frame)
    zero = pd.DataFrame([{"var1": a, "var2": b, "n_empty": len(cells),
                          "cells": "; ".join(f"{a}={x} & {b}={y}" for x, y in cells)}
                         for a, b, cells in st.zero_cells], columns=["var1", "var2", "n_empty", "cells"])
    smallest = float(np.linalg.eigvalsh(st.cor)[0])
    return PolychoricResult(correlation=pd.DataFrame(st.cor, index=columns, columns=columns),
                            thresholds=pd.Series(th_values, index=th_names, name="threshold"),
                            kind=kind, n=n, zero_cells=zero, excluded=excluded, missing=missing,
                            not_positive_definite=smallest if smallest < np.sqrt(np.finfo(float).eps) else None,
                            _stats=st)
