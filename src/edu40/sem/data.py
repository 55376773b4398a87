"""Sample moments for estimation, with every exclusion counted and every bad input explained."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import GroupData
from .patterns import group_patterns, pairwise_moments

__all__ = ["prepare_data", "prepare_cov", "SEMDataError", "Preparation"]


class SEMDataError(ValueError):
    """Data that cannot support the model: missing columns, singular covariance, too few rows."""


@dataclass
class Preparation:
    groups: list
    n_total: int
    rows_read: int
    excluded: list          # (reason, count)
    group_column: str | None


def _check_columns(frame: pd.DataFrame, names: list, where: str) -> None:
    missing = [v for v in names if v not in frame.columns]
    if missing:
        hints = []
        for v in missing:
            close = difflib.get_close_matches(v, [str(c) for c in frame.columns], n=1)
            hints.append(f"{v!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise SEMDataError(f"the model names {len(missing)} variable(s) not in {where}: "
                           f"{', '.join(hints)}. Rename the columns or fix the model syntax; the "
                           f"columns are {list(frame.columns)[:15]}{' ...' if frame.shape[1] > 15 else ''}.")


def _numeric(frame: pd.DataFrame, names: list) -> np.ndarray:
    for v in names:
        col = frame[v]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
            example = bad.iloc[0] if len(bad) else col.iloc[0]
            raise SEMDataError(f"column {v!r} is not numeric (e.g. value {example!r} at index "
                               f"{bad.index[0] if len(bad) else col.index[0]}); load the file with "
                               f"edu40.load_survey, which reads Likert words as numbers")
    return frame[names].to_numpy(dtype=float)


def check_covariance(cov: np.ndarray, names: list, where: str) -> None:
    """Explain a singular or indefinite covariance matrix by its columns."""
    var = np.diag(cov)
    flat = [n for n, v in zip(names, var) if not v > 1e-12]
    if flat:
        raise SEMDataError(f"{where}: {flat} have zero variance (every respondent gave the same "
                           f"answer); drop them from the model")
    sd = np.sqrt(var)
    corr = cov / np.outer(sd, sd)
    vals, vecs = np.linalg.eigh(corr)
    if vals[0] < 1e-10:
        v = vecs[:, 0]
        involved = [names[i] for i in np.argsort(-np.abs(v)) if abs(v[i]) > 0.1][:6]
        pairs = [(names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))
                 if abs(corr[i, j]) > 1 - 1e-8]
        detail = (f"{pairs[0][0]} and {pairs[0][1]} are perfectly correlated (a duplicated column?)"
                  if pairs else f"the variables {involved} are linearly dependent")
        raise SEMDataError(f"{where}: the sample covariance matrix is singular: {detail}. Remove a "
                           f"redundant variable, or check the rows used (too few rows for "
                           f"{len(names)} variables?)")


def prepare_data(data: pd.DataFrame, ov: list, *, group=None, missing="listwise",
                 likelihood="normal") -> Preparation:
    """Group-wise sample moments (listwise) or missing-data patterns (FIML)."""
    if not isinstance(data, pd.DataFrame):
        raise SEMDataError(f"data must be a pandas DataFrame or an edu40 Survey, not {type(data).__name__}")
    _check_columns(data, ov + ([group] if group else []), "the data")
    rows_read = len(data)
    excluded = []
    if group:
        no_group = data[group].isna()
        if no_group.any():
            excluded.append((f"no value in the group column {group!r}", int(no_group.sum())))
            data = data[~no_group]
        labels = list(dict.fromkeys(data[group].tolist()))   # order of appearance, as lavaan
    else:
        labels = ["all"]
    X_all = _numeric(data, ov)
    keys = data[group].to_numpy() if group else None      # one group: no per-row labels needed
    # rows are copied only when some are excluded (a national file is hundreds of MB)
    if missing == "listwise":
        complete = ~np.isnan(X_all).any(axis=1)
        if not complete.all():
            excluded.append(("missing answers (listwise deletion; missing='fiml' keeps these rows)",
                             int((~complete).sum())))
            X_all = X_all[complete]
            keys = keys[complete] if keys is not None else None
    else:
        empty = np.isnan(X_all).all(axis=1)
        if empty.any():
            excluded.append(("no variable of the model answered", int(empty.sum())))
            X_all = X_all[~empty]
            keys = keys[~empty] if keys is not None else None
    groups = []
    for lab in labels:
        X = X_all[keys == lab] if keys is not None else X_all
        n = len(X)
        where = f"group {lab!r}" if group else "the data"
        if n < 2:
            raise SEMDataError(f"{where} has {n} usable row(s); at least 2 (and more than the number "
                               f"of variables, {len(ov)}) are needed")
        if missing == "listwise":
            if n <= len(ov):
                raise SEMDataError(f"{where} has {n} usable rows for {len(ov)} variables: the sample "
                                   f"covariance matrix is singular. More rows are needed (or fewer "
                                   f"variables, or missing='fiml' if rows were lost to missing answers)")
            mean, cov = centred_moments(X, n - 1 if likelihood == "wishart" else n)
            check_covariance(cov, ov, where)
            groups.append(GroupData(lab, n, cov, mean, None, X))
        else:
            groups.append(_fiml_group(lab, X, ov, where))
    return Preparation(groups, sum(g.n for g in groups), rows_read, excluded, group)


# rows per block of the centred cross-product: the centred copy of a block stays in the cache
# and a million-row file needs no second copy of its rows
_BLOCK = 32768


def centred_moments(X, divisor):
    """Means and ``(X - xbar)'(X - xbar) / divisor``, centred block by block."""
    mean = X.mean(axis=0)
    cov = np.zeros((X.shape[1], X.shape[1]))
    for start in range(0, len(X), _BLOCK):
        Xc = X[start:start + _BLOCK] - mean
        cov += Xc.T @ Xc
    return mean, cov / divisor


def _fiml_group(label, X, ov, where) -> GroupData:
    observed = ~np.isnan(X)
    counts = observed.sum(axis=0)
    few = [v for v, c in zip(ov, counts) if c < 2]
    if few:
        raise SEMDataError(f"{where}: {few} have fewer than 2 answers; FIML cannot estimate them")
    patterns = group_patterns(X)
    # pairwise moments for starting values and checks (from the patterns: no second pass over rows)
    mean, cov, _ = pairwise_moments(patterns, len(ov))
    if np.isnan(cov).any():
        i, j = np.argwhere(np.isnan(cov))[0]
        raise SEMDataError(f"{where}: {ov[i]} and {ov[j]} are never answered together; their "
                           f"covariance cannot be estimated")
    vals = np.linalg.eigvalsh(cov)
    if vals[0] <= 0:
        cov = cov + np.eye(len(ov)) * (abs(vals[0]) + 1e-3) * np.mean(np.diag(cov))
    check_covariance(cov, ov, where)
    return GroupData(label, len(X), cov, mean, patterns, X)


def prepare_cov(cov, ov: list, nobs, *, mean=None, sds=None, likelihood="normal",
                group_labels=None) -> Preparation:
    """Moments from covariance (or correlation + SDs) matrices and sample sizes.

    A published matrix is the unbiased (n - 1) covariance, as SPSS, AMOS and
    LISREL print it; for the normal likelihood it is rescaled by (n - 1) / n,
    as lavaan does.
    """
    covs = cov if isinstance(cov, (list, tuple)) else [cov]
    ns = list(nobs) if isinstance(nobs, (list, tuple)) else [nobs]
    means = mean if isinstance(mean, (list, tuple)) else [mean] * len(covs)
    sdl = sds if isinstance(sds, (list, tuple)) else [sds] * len(covs)
    if len(ns) != len(covs) or any(n is None for n in ns):
        raise SEMDataError("with cov=, give nobs= (the sample size; one per group for several groups)")
    labels = group_labels or (["all"] if len(covs) == 1 else list(range(1, len(covs) + 1)))
    groups = []
    for lab, c, n, m, sd in zip(labels, covs, ns, means, sdl):
        where = "the covariance matrix" if len(covs) == 1 else f"the covariance matrix of group {lab!r}"
        if not isinstance(c, pd.DataFrame):
            raise SEMDataError(f"{where} must be a DataFrame with variable names as index and columns")
        _check_columns(c, ov, where)
        c = c.loc[ov, ov].to_numpy(dtype=float)
        if not np.allclose(c, c.T, atol=1e-8):
            raise SEMDataError(f"{where} is not symmetric; give the full matrix (both triangles)")
        if sd is not None:
            sd = pd.Series(sd) if not isinstance(sd, pd.Series) else sd
            if not np.allclose(np.diag(c), 1.0):
                raise SEMDataError(f"sds= was given but {where} is not a correlation matrix "
                                   f"(its diagonal is not 1)")
            s = sd.loc[ov].to_numpy(float) if set(ov) <= set(sd.index.astype(str)) else np.asarray(sd, float)
            c = c * np.outer(s, s)
        n = int(n)
        if n <= len(ov):
            raise SEMDataError(f"nobs={n} is not larger than the {len(ov)} variables")
        check_covariance(c, ov, where)
        if likelihood == "normal":
            c = c * (n - 1) / n
        mu = (np.asarray(pd.Series(m).loc[ov] if isinstance(m, (pd.Series, dict)) else m, float)
              if m is not None else np.zeros(len(ov)))
        groups.append(GroupData(lab, n, c, mu, None, None))
    return Preparation(groups, sum(g.n for g in groups), sum(g.n for g in groups), [], None)


def fill_exogenous(spec, prep):
    """fixed.x: exogenous covariates keep their sample (co)variances and means."""
    t = spec.table
    if not t["exo"].any():
        return
    pos = {v: i for i, v in enumerate(spec.ov)}
    for i, row in t[t["exo"]].iterrows():
        g = prep.groups[row["group"]]
        if row["op"] == "~~":
            t.at[i, "value"] = g.cov[pos[row["lhs"]], pos[row["rhs"]]]
        elif row["op"] == "~1":
            t.at[i, "value"] = g.mean[pos[row["lhs"]]]
