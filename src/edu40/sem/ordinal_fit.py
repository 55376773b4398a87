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
from scipy import stats as sps

from .data import SEMDataError, _check_columns, _numeric
from .ordinal import DeltaRAMModel, WLSEstimation, estimator_settings, group_data
from .polychoric import ordinal_statistics, pair_index
from .robust import block_diag, cfi, robust_rmsea_block, scaled_test, tli, ug_matrix
from .spec import ModelSpecError, _roles, build_spec
from .start import start_values
from .syntax import parse_model

__all__ = ["fit_ordinal", "ordered_variables", "ORDINAL_INDEX_NAMES"]

ORDINAL_INDEX_NAMES = [
    "npar", "nobs", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
    "chisq.scaling.factor", "chisq.shift.parameter", "cmin/df", "baseline.chisq", "baseline.df",
    "baseline.pvalue", "baseline.chisq.scaled", "baseline.df.scaled", "baseline.pvalue.scaled",
    "baseline.chisq.scaling.factor", "cfi", "tli", "nfi", "ifi", "rfi", "cfi.scaled", "tli.scaled",
    "nfi.scaled", "ifi.scaled", "rfi.scaled", "cfi.robust", "tli.robust", "gfi", "agfi", "pgfi", "rmr",
    "srmr", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "rmsea.pvalue", "rmsea.scaled",
    "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled", "rmsea.pvalue.scaled", "rmsea.robust",
    "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "rmsea.pvalue.robust", "aic", "bic", "logl",
    "unrestricted.logl"]


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


# --- fit measures ------------------------------------------------------------------------------------
def ordinal_indices(est: WLSEstimation, theta, D, E_inv, test_kind, npar, ndat):
    G = len(est.stats)
    N = est.N - G              # lavaan's N for the RMSEA of least-squares estimators (lav_utils_get_ntotal)
    f = est.f
    group_vals = est.group_values(theta)
    n = np.array([st.n for st in est.stats], float)
    T = float((n - 1) @ group_vals)
    df = ndat - npar
    out = {"npar": npar, "nobs": est.N, "chisq": T, "df": df,
           "pvalue": float(sps.chi2.sf(T, df)) if df > 0 else np.nan, "cmin/df": T / df if df > 0 else np.nan}
    # baseline: thresholds (and means, variances) free, correlations 0
    Tb, Db = 0.0, []
    n_pairs = 0
    for gi, st in enumerate(est.stats):
        s = est.obs[gi]
        m1 = len(s) - len(pair_index(st.p)[0])
        e = np.concatenate([np.zeros(m1), s[m1:]])
        Tb += (n[gi] - 1) * (float(e @ est._weighted(gi, e)) if est.W[gi].ndim == 1 else
                             _baseline_wls(est, gi, m1))
        Dg = np.zeros((len(s), m1))
        Dg[:m1] = np.eye(m1)
        Db.append(Dg)
        n_pairs += len(s) - m1
    dfb = n_pairs
    out.update({"baseline.chisq": Tb, "baseline.df": dfb, "baseline.pvalue": float(sps.chi2.sf(Tb, dfb))})
    if est.discrepancy == "ULS":     # the ULS statistic has no known distribution (lavaan: NA)
        out["pvalue"] = out["baseline.pvalue"] = np.nan
    scaled = test_kind != "standard"
    if scaled:
        UG = ug_matrix(est.W, D, E_inv, est.gamma, f)
        test = scaled_test(T, df, UG, test_kind)
        if all(np.ndim(W) == 1 for W in est.W):
            # diagonal weights: the baseline reproduces the univariate statistics exactly, so U is V on
            # the correlations and 0 elsewhere; UΓ is block-diagonal with blocks f_g V_rr Γ_rr / f_g
            UGb = block_diag([est.W[g][-(len(est.obs[g]) - Db[g].shape[1]):][:, None]
                              * est.gamma[g][Db[g].shape[1]:, Db[g].shape[1]:] for g in range(G)])
        else:
            Eb = block_diag([f[g] * (Db[g].T @ (_mat(est.W[g]) @ Db[g])) for g in range(G)])
            Db_all = [np.hstack([np.zeros((len(Db[g]), sum(d.shape[1] for d in Db[:g]))), Db[g],
                                 np.zeros((len(Db[g]), sum(d.shape[1] for d in Db[g + 1:])))])
                      for g in range(G)]
            UGb = ug_matrix(est.W, Db_all, np.linalg.inv(Eb), est.gamma, f)
        test_b = scaled_test(Tb, dfb, UGb, test_kind)
        out.update({"chisq.scaled": test["stat"], "df.scaled": test["df"], "pvalue.scaled": test["pvalue"],
                    "chisq.scaling.factor": test["scaling.factor"],
                    "chisq.shift.parameter": test["shift.parameter"],
                    "baseline.chisq.scaled": test_b["stat"], "baseline.df.scaled": test_b["df"],
                    "baseline.pvalue.scaled": test_b["pvalue"],
                    "baseline.chisq.scaling.factor": test_b["scaling.factor"]})
    out.update(_incremental(T, df, Tb, dfb, ""))
    if scaled:
        out.update(_incremental(out["chisq.scaled"], df, out["baseline.chisq.scaled"], dfb, ".scaled"))
        out.update(scaled_rmsea(T, test, N, G))
        rob = catml_robust(est, theta, D, E_inv, df, dfb)
        out["cfi.robust"] = cfi(rob["XX3"], df, rob["XX3.null"], dfb, rob["c"], rob["c.null"])
        out["tli.robust"] = tli(rob["XX3"], df, rob["XX3.null"], dfb, rob["c"], rob["c.null"])
        out.update(robust_rmsea_block(rob["XX3"], rob["df3"], N, G, rob["c"], ".robust",
                                      X2_scaled=rob["XX3"] / rob["c"]))
    out.update(robust_rmsea_block(T, df, N, G))
    out.update(_residual_indices(est, theta, n, df))
    for k in ("aic", "bic", "logl", "unrestricted.logl"):
        out[k] = np.nan
    names = [k for k in ORDINAL_INDEX_NAMES if k in out]
    series = pd.Series({k: out[k] for k in names}, name="value", dtype=float)
    moments = []
    for gi, st in enumerate(est.stats):
        sigma, mu, *_ = est.model.moments(theta, gi)
        d = est.model.scales(theta, gi)
        moments.append({"S": st.cov, "sigma": sigma * np.outer(d, d), "mu": mu,
                        "mean": group_data(st).mean, "n": st.n})
    return series, {"groups": moments}


def scaled_rmsea(T, test, N, G):
    """rmsea.scaled as lavaan: the scaled statistic with df (scaled-and-shifted), or the unscaled
    statistic with df = tr(UΓ) (Satorra-Bentler, Yuan-Bentler)."""
    if test["test"] == "scaled.shifted":
        block = robust_rmsea_block(test["stat"], test["df"], N, G)
    else:
        tr = test.get("trace.UGamma", np.nan)
        block = robust_rmsea_block(T, tr, N, G) if np.isfinite(tr) and tr > 0 else \
            robust_rmsea_block(np.nan, test["df"], N, G)
    return {f"{k}.scaled": v for k, v in block.items()}


def _mat(W):
    return np.diag(W) if np.ndim(W) == 1 else W


def _baseline_wls(est, gi, m1):
    """Full-WLS baseline: the univariate statistics re-estimated with the correlations at 0."""
    W = est.W[gi]
    s = est.obs[gi]
    Wtt, Wtc = W[:m1, :m1], W[:m1, m1:]
    shift = np.linalg.solve(Wtt, Wtc @ s[m1:])       # the best univariate statistics given r = 0
    e = np.concatenate([-shift, s[m1:]])
    return float(e @ W @ e)


def _incremental(T, df, Tb, dfb, suffix):
    out = {f"cfi{suffix}": cfi(T, df, Tb, dfb), f"tli{suffix}": tli(T, df, Tb, dfb)}
    out[f"nfi{suffix}"] = (Tb - T) / Tb if Tb > 0 else np.nan
    out[f"ifi{suffix}"] = (Tb - T) / (Tb - df) if Tb != df else np.nan
    out[f"rfi{suffix}"] = ((Tb / dfb - T / df) / (Tb / dfb)) if df > 0 and dfb > 0 and Tb > 0 else np.nan
    return out


def _residual_indices(est, theta, n, df):
    N = n.sum()
    gfi_g, srmr, rmr = [], 0.0, 0.0
    for gi, st in enumerate(est.stats):
        implied, _ = est.implied(theta, gi, jacobian=False)
        s = est.obs[gi]
        e = s - implied
        gfi_g.append(1 - float(e @ est._weighted(gi, e)) / float(s @ est._weighted(gi, s)))
        pi, pj = pair_index(st.p)
        pairs = e[len(s) - len(pi):]
        th = e[:len(st.th_owner)][st.ordered[st.th_owner]]       # thresholds, not means
        # lavaan averages over the p(p+1)/2 elements of the correlation matrix (the diagonal's
        # residuals are 0) and, for rmr, the thresholds too
        srmr += n[gi] / N * np.sqrt(np.sum((pairs / np.sqrt(st.var[pi] * st.var[pj])) ** 2)
                                    / (len(pi) + st.p))
        rmr += n[gi] / N * np.sqrt((np.sum(pairs ** 2) + np.sum(th ** 2)) / (len(pi) + st.p + len(th)))
    gfi = float(n @ np.array(gfi_g) / N)
    nel = sum(len(o) for o in est.obs)
    return {"gfi": gfi, "agfi": 1 - (nel / df) * (1 - gfi) if df > 0 else np.nan,
            "pgfi": (df / nel) * gfi, "srmr": srmr, "rmr": rmr}


def catml_robust(est, theta, D, E_inv, df, dfb) -> dict:
    """Savalei's (2021) robust CFI/RMSEA ingredients: the ML fit of the correlation structure at the
    DWLS estimates and its scaling, as lavaan's ``lav_fit_catml_dwls``; NaN with continuous variables
    or a non-positive-definite polychoric matrix."""
    nan = {"XX3": np.nan, "df3": np.nan, "c": np.nan, "XX3.null": np.nan, "c.null": np.nan}
    if any((~st.ordered).any() for st in est.stats):
        return nan
    # lavaan builds the ML fit from the parameter table without thresholds and intercepts; with
    # those held equal across groups its equality constraints break and it gives NA: so do we
    t = est.spec.table
    dropped = t[t["op"].isin(["|", "~1"]) & (t["free"] > 0)]
    if dropped["free"].duplicated().any():
        return nan
    f = est.f
    XX3 = XX3_null = 0.0
    V, Wc, Dc, Gc = [], [], [], []
    for gi, st in enumerate(est.stats):
        R = st.cor
        if np.linalg.eigvalsh(R)[0] < np.sqrt(np.finfo(float).eps):
            return nan
        sigma, *_ = est.model.moments(theta, gi)
        d = est.model.scales(theta, gi)
        S = sigma * np.outer(d, d)
        W = np.linalg.inv(S)
        p = st.p
        XX3 += st.n * (np.linalg.slogdet(S)[1] + np.trace(R @ W) - np.linalg.slogdet(R)[1] - p)
        XX3_null += st.n * (-np.linalg.slogdet(R)[1])
        pi, pj = pair_index(p)
        # normal-theory information of the correlations (off-diagonal elements only)
        V.append(W[np.ix_(pi, pi)] * W[np.ix_(pj, pj)] + W[np.ix_(pi, pj)] * W[np.ix_(pj, pi)])
        m1 = len(est.obs[gi]) - len(pi)
        Wc.append(f[gi] * _mat(est.W[gi])[m1:, m1:])
        Dc.append(D[gi][m1:])
        Gc.append(est.gamma[gi][m1:, m1:] / f[gi])
    V_all = block_diag([f[g] * V[g] for g in range(len(V))])
    W_all = block_diag(Wc)
    G_all = block_diag(Gc)
    D_all = np.vstack(Dc)
    WiU = np.eye(len(W_all)) - D_all @ E_inv @ D_all.T @ W_all
    ks = float(np.sum((WiU.T @ V_all @ WiU) * G_all.T))
    n_th_params = len({int(r.free) for r in est.spec.table.itertuples() if r.free > 0 and r.op in ("|", "~1")})
    df3 = len(W_all) - (est.q - n_th_params)
    c = ks / df3 if df3 > 0 else np.nan        # a saturated model has no scaling to estimate
    c_null = float(np.trace(G_all)) / dfb
    return {"XX3": XX3, "df3": df3, "c": c, "XX3.null": XX3_null, "c.null": c_null}
