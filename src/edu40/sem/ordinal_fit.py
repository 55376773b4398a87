"""``edu40.fit(..., ordered=, estimator="WLSMV")``: the categorical path, from data to SEMResult.

Data checks (every one names the column, the value and what to do), the
sample statistics of :mod:`edu40.sem.polychoric`, the estimation of
:mod:`edu40.sem.ordinal`, and the fit measures of lavaan's ``fitMeasures``
for a categorical model:

* ``chisq`` = Σ_g (n_g - 1) F̂_g (standard), ``chisq.scaled`` etc. (scaled-and-shifted for
  WLSMV/ULSMV, Satorra-Bentler for WLSM/ULSM), the baseline (independence)
  model: thresholds free, correlations 0, so T_B = Σ_g (n_g - 1) Σ_pairs w r²;
* ``cfi``/``tli``/``nfi``/``ifi``/``rfi`` and their ``.scaled`` versions;
  ``cfi.robust``/``tli.robust``/``rmsea.robust`` from the ML discrepancy of
  the correlation structure at the estimates (Savalei, 2021; lavaan's
  ``lav_fit_catml_dwls``; only when every variable is ordered);
* ``gfi`` = 1 - e'We / s'Ws over all sample statistics (lavaan ``lav_fit_gfi``);
* ``srmr``: root mean square of the residual correlations below the diagonal;
  ``rmr`` adds the threshold residuals (lavaan ``lav_residuals_summary``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import SEMDataError, _check_columns, _numeric
from .ordinal import DeltaRAMModel, WLSEstimation, estimator_settings, group_data
from .ordinal_measures import ORDINAL_INDEX_NAMES, ordinal_indices
from .polychoric import ordinal_statistics
from .spec import ModelSpecError, _roles, build_spec
from .start import start_values
from .syntax import parse_model

__all__ = ["fit_ordinal", "ordered_variables", "ORDINAL_INDEX_NAMES"]


def ordered_variables(model, data_columns, ordered) -> list:
    """The model's observed variables named by ``ordered`` (True: all of them)."""
    ov, lv, _ = _roles(parse_model(model) if isinstance(model, str) else model)
    if ordered is True:
        return list(ov)
    if isinstance(ordered, str):
        ordered = [ordered]
    ordered = list(ordered)
    unknown = [v for v in ordered if v not in ov]
    if unknown:
        raise ModelSpecError(f"ordered= names {unknown}, which are not observed variables of the model "
                             f"({ov[:10]}{' ...' if len(ov) > 10 else ''})")
    return [v for v in ov if v in ordered]


def _levels(frame: pd.DataFrame, ordered: list, group, min_count: int, where="the data") -> dict:
    levels = {}
    for v in ordered:
        col = frame[v]
        counts = col.value_counts()
        if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.ordered:
            counts = counts.reindex([c for c in col.cat.categories if counts.get(c, 0) > 0])
        elif pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            counts = counts.sort_index()
        else:
            raise SEMDataError(
                f"ordered column {v!r} holds text (e.g. {col.dropna().iloc[0]!r}) whose order edu40 cannot "
                f"know; load the file with edu40.load_survey (Likert words become 1-5) or make the column an "
                f"ordered pandas Categorical")
        if len(counts) < 2:
            raise SEMDataError(
                f"ordered column {v!r} has {len(counts)} category in {where} "
                f"({', '.join(map(str, counts.index)) or 'no answers'}): at least 2 are needed for "
                f"thresholds and correlations. Drop it from the model")
        rare = counts[counts < min_count]
        if len(rare):
            detail = ", ".join(f"value {k!r} given by {int(c)} respondent(s)" for k, c in rare.items())
            raise SEMDataError(
                f"ordered column {v!r}: {detail} (fewer than min_count={min_count}); a threshold cannot be "
                f"estimated from so few answers and its two-way tables get empty cells. Merge the category "
                f"with its neighbour (e.g. data[{v!r}].replace({{{rare.index[0]!r}: "
                f"{counts.index[1] if rare.index[0] == counts.index[0] else counts.index[-2]!r}}})), or pass "
                f"min_count=1 to keep it as lavaan does")
        # whole-number answers read as floats (a column with missing values) are shown as integers
        levels[v] = [int(k) if isinstance(k, float) and k.is_integer() else k for k in counts.index]
    if group is not None:
        for lab, sub in frame.groupby(group, sort=False):
            for v in ordered:
                seen = set(sub[v].unique())
                absent = [k for k in levels[v] if k not in seen]
                if absent:
                    raise SEMDataError(
                        f"ordered column {v!r}: category {absent} never occurs in group {lab!r} "
                        f"({len(sub)} rows), so its thresholds cannot be estimated there (lavaan stops "
                        f"here too). Merge the category with a neighbour in all groups")
    return levels


def fit_ordinal(model, data, *, ordered, estimator="WLSMV", group=None, std_lv=False,
                group_equal=(), group_partial=(), min_count=2, start=None, missing="listwise",
                parameterization="delta"):
    """Fit ``model`` to ``data`` by DWLS / WLS / ULS with ordered indicators; returns an SEMResult."""
    from .result import SEMResult

    discrepancy, se_kind, test_kind = estimator_settings(estimator)
    if not isinstance(data, pd.DataFrame):
        raise SEMDataError(f"estimator={estimator!r} needs raw data (a DataFrame or Survey), not "
                           f"{type(data).__name__}")
    parsed = parse_model(model)
    ov, _, roles = _roles(parsed)
    ordered = ordered_variables(parsed, data.columns, ordered) if ordered else []
    if roles["ov.x"] and ordered:
        raise ModelSpecError(f"observed predictors {roles['ov.x']} with ordered indicators need lavaan's "
                             f"conditional.x; edu40 does not do this yet. Model the predictors as "
                             f"indicators of a latent variable or fit by ML")
    _check_columns(data, ov + ([group] if group else []), "the data")
    rows_read = len(data)
    excluded = []
    frame = data
    if group:
        no_group = frame[group].isna()
        if no_group.any():
            excluded.append((f"no value in the group column {group!r}", int(no_group.sum())))
            frame = frame[~no_group]
    values = frame[ov]
    numeric = [v for v in ov if v not in ordered]
    _numeric(frame, numeric)
    if missing == "pairwise":
        if values[numeric].isna().any().any():
            bad = [v for v in numeric if values[v].isna().any()]
            raise SEMDataError(f"missing='pairwise' leaves out missing answers of ordered items only; the "
                               f"continuous variable(s) {bad} have missing values. Use missing='listwise' "
                               f"or declare them ordered")
        empty = values.isna().all(axis=1)
        if empty.any():
            excluded.append(("no answer to any item of the model", int(empty.sum())))
            frame = frame[~empty]
    else:
        incomplete = values.isna().any(axis=1)
        if incomplete.any():
            excluded.append(("missing answers (listwise deletion, as lavaan's default for categorical data)",
                             int(incomplete.sum())))
            frame = frame[~incomplete]
    levels = _levels(frame, ordered, group, min_count)
    labels = list(dict.fromkeys(frame[group].tolist())) if group else ["all"]
    spec = build_spec(parsed, n_groups=len(labels), group_labels=labels if group else None,
                      meanstructure=True, std_lv=std_lv, fixed_x=True, group_equal=tuple(group_equal),
                      group_partial=tuple(group_partial),
                      ordered={v: len(levels[v]) - 1 for v in ordered}, parameterization=parameterization)
    is_ord = np.array([v in ordered for v in spec.ov])
    lev = [list(range(len(levels[v]))) if v in levels else None for v in spec.ov]
    stats = []
    for lab in labels:
        sub = frame[frame[group] == lab] if group else frame
        X = np.column_stack([_codes(sub[v], levels.get(v)) for v in spec.ov])
        st = ordinal_statistics(X, spec.ov, is_ord, lev)
        st.label = lab
        # empty cells named by the answers themselves, not their codes
        st.zero_cells = [(a, b, [(levels[a][x], levels[b][y]) for x, y in cells])
                         for a, b, cells in st.zero_cells]
        stats.append(st)
    groups = [group_data(st) for st in stats]
    npar = spec.n_free
    ndat = sum(len(st.obs_vector()) for st in stats)
    if npar > ndat:
        raise ModelSpecError(f"the model has {npar} free parameters but the data give only {ndat} sample "
                             f"statistics (thresholds and correlations): it is not identified")
    model_ram = DeltaRAMModel(spec, groups, weights=[st.n for st in stats])
    est = WLSEstimation(spec, model_ram, stats, discrepancy)
    theta0 = np.asarray(start, float) if start is not None else _start(spec, groups, stats)
    outcome = est.fit(theta0)
    vcov, singular, E_inv, D = est.vcov(outcome.theta, se_kind)
    indices, moments = ordinal_indices(est, outcome.theta, D, E_inv, test_kind, npar, ndat)
    warnings = _data_warnings(stats)
    return SEMResult(model=model, fit_indices=indices, converged=outcome.converged,
                     iterations=outcome.iterations, optimizer_message=outcome.message,
                     estimator=estimator.upper(), likelihood="normal", missing=missing,
                     excluded=tuple(excluded), rows_read=rows_read, group=group, _spec=spec,
                     _model=model_ram, _theta=outcome.theta, _vcov=vcov, _moments=moments,
                     _prep=_Prep(groups, stats), _singular_information=singular,
                     _extra_warnings=warnings)


class _Prep:
    """What SEMResult reads from a preparation: the groups (polychoric matrices, no raw data)."""

    def __init__(self, groups, stats):
        self.groups = groups
        self.stats = stats
        self.n_total = sum(g.n for g in groups)


def _codes(col: pd.Series, levels) -> np.ndarray:
    """Continuous values as floats; ordered answers as their position 0..K-1 among the levels."""
    if levels is None:
        return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(col):
        values = col.to_numpy(dtype=float, na_value=np.nan)      # nullable Int64 columns too
        out = np.searchsorted(np.asarray(levels, float), values).astype(float)
        out[np.isnan(values)] = np.nan
        return out
    pos = {k: i for i, k in enumerate(levels)}
    return col.map(pos).to_numpy(float)


def _start(spec, groups, stats):
    theta = start_values(spec, groups)
    t = spec.table
    for gi, st in enumerate(stats):
        rows = t[(t["group"] == gi) & (t["free"] > 0)]
        for r in rows.itertuples():
            if r.op == "|" and np.isnan(r.start):
                v = st.names.index(r.lhs)
                theta[r.free - 1] = st.thresholds[v][int(r.rhs[1:]) - 1]
            elif r.op == "~*~" and np.isnan(r.start):
                theta[r.free - 1] = 1.0
    return theta


def _data_warnings(stats) -> tuple:
    from .diagnostics import SEMWarning

    out = []
    for st in stats:
        where = f" (group {st.label})" if len(stats) > 1 else ""
        zero = st.zero_cells
        n_tables = int(st.ordered.sum() * (st.ordered.sum() - 1) // 2)
        advice = ("the polychoric correlation rests on fewer answer combinations; with many such tables "
                  "merge rare categories or collect more data (lavaan's zero-cell warning)")
        advice_th = "สหสัมพันธ์โพลีคอริกอาศัยคำตอบที่น้อยลง หากมีหลายตาราง ให้รวมตัวเลือกที่มีผู้ตอบน้อยหรือเก็บข้อมูลเพิ่ม"
        if 0 < len(zero) <= 3:
            for a, b, cells in zero:
                shown = "; ".join(f"{a}={x} & {b}={y}" for x, y in cells[:6]) + (" ..." if len(cells) > 6 else "")
                out.append(SEMWarning("empty cells", f"{a} x {b}{where}",
                                      f"{len(cells)} empty cell(s) in the two-way table of {a} and {b}: {shown}",
                                      advice, f"ตารางไขว้ของ {a} กับ {b} มีช่องว่าง {len(cells)} ช่อง: {shown}",
                                      advice_th))
        elif zero:
            shown = "; ".join(f"{a} x {b} ({len(c)})" for a, b, c in zero[:5])
            out.append(SEMWarning(
                "empty cells", f"polychoric tables{where}",
                f"{len(zero)} of {n_tables} two-way tables have empty cells (number of empty cells: {shown} ...); "
                f"edu40.polychoric(data, items).zero_cells lists them all", advice,
                f"ตารางไขว้ {len(zero)} จาก {n_tables} ตารางมีช่องที่ไม่มีผู้ตอบ ({shown} ...); "
                f"ดูทั้งหมดได้ที่ edu40.polychoric(data, items).zero_cells", advice_th))
        smallest = float(np.linalg.eigvalsh(st.cor)[0])
        if smallest < np.sqrt(np.finfo(float).eps):
            out.append(SEMWarning(
                "non-positive-definite", f"polychoric matrix{where}",
                f"the matrix of polychoric correlations is not positive definite (smallest eigenvalue "
                f"{smallest:.3g}); the robust CFI, TLI and RMSEA cannot be computed (lavaan gives NA too), "
                f"the scaled ones are reported instead",
                "look for pairs of items correlated near 1 (redundant items) or categories with few answers",
                f"เมทริกซ์สหสัมพันธ์โพลีคอริกไม่เป็นบวกแน่นอน (ค่าเฉพาะต่ำสุด {smallest:.3g}) จึงคำนวณ CFI, TLI "
                f"และ RMSEA แบบโรบัสต์ไม่ได้ (lavaan ให้ NA เช่นกัน) รายงานแบบปรับแก้แทน",
                "ตรวจหาข้อคำถามที่สหสัมพันธ์กันใกล้ 1 หรือตัวเลือกที่มีผู้ตอบน้อย"))
        for a, b in st.not_converged:
            out.append(SEMWarning("non-convergence", f"{a} x {b}{where}",
                                  f"the correlation of {a} and {b} did not converge",
                                  "inspect their two-way table (edu40.polychoric)",
                                  f"การประมาณสหสัมพันธ์ของ {a} กับ {b} ไม่ลู่เข้า",
                                  "ตรวจสอบตารางไขว้ของทั้งสองตัวแปร (edu40.polychoric)"))
    return tuple(out)
