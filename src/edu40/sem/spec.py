"""From syntax to a parameter table with lavaan's defaults.

The defaults are those of lavaan's ``sem()``/``cfa()`` so that npar, df and
every estimate line up with lavaan (Rosseel, 2012):

* the first indicator of each latent variable has its loading fixed to 1
  (``std_lv=True`` instead frees it and fixes latent variances to 1);
* residual variances of observed and latent variables are free;
* exogenous latent variables covary (``auto.cov.lv.x``), as do the residuals
  of purely dependent variables (``auto.cov.y``);
* observed exogenous predictors keep their sample (co)variances and means
  (``fixed.x = TRUE``): fixed, not counted as parameters;
* with a mean structure (FIML or several groups) observed intercepts are
  free and latent means fixed to 0, or free in groups 2.. when intercepts
  are held equal across groups (scalar invariance).

Variable roles follow lavaan's ``lavNames``: ``lv.x`` latent variables that
are neither indicators nor outcomes; ``ov.y``/``lv.y`` outcomes that are not
predictors or indicators; ``ov.x`` observed predictors that are not outcomes
or indicators.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from .syntax import Modifier, ParsedModel, parse_model

__all__ = ["ModelSpec", "ModelSpecError", "build_spec", "GROUP_EQUAL_KINDS"]

GROUP_EQUAL_KINDS = ("loadings", "intercepts", "means", "residuals", "residual.covariances",
                     "lv.variances", "lv.covariances", "regressions", "thresholds")


class ModelSpecError(ValueError):
    """A model that cannot be estimated as written (names, identification)."""


@dataclass
class ModelSpec:
    """Variables, roles and the parameter table of a model.

    ``table`` has one row per parameter per group: ``lhs, op, rhs, group,
    user, free`` (0 = fixed, k = k-th free parameter, shared across rows with
    the same label), ``value`` (fixed value or NaN), ``label``, ``start``,
    ``exo`` (fixed.x rows, filled from the data).
    """

    parsed: ParsedModel
    ov: list
    lv: list
    roles: dict
    table: pd.DataFrame
    n_groups: int
    meanstructure: bool
    std_lv: bool
    definitions: tuple = ()
    group_labels: list = field(default_factory=list)
    ordered: tuple = ()          # ordered (categorical) observed variables
    parameterization: str = "delta"   # of ordered variables: "delta" (scales) or "theta" (residual variances)

    @property
    def n_free(self) -> int:
        return int(self.table["free"].max()) if (self.table["free"] > 0).any() else 0

    @property
    def variables(self) -> list:
        """RAM variable order: observed first, then latent."""
        return self.ov + self.lv


def _roles(parsed: ParsedModel):
    order: list[str] = []

    def see(name):
        if name and name not in order:
            order.append(name)

    lv, ind, eqs_y, eqs_x = [], [], [], []
    for t in parsed.terms:
        see(t.lhs)
        if t.op != "|":          # the right side of a threshold statement names a threshold
            see(t.rhs)
        if t.op == "=~":
            if t.lhs not in lv:
                lv.append(t.lhs)
            if t.rhs not in ind:
                ind.append(t.rhs)
        elif t.op == "~":
            eqs_y.append(t.lhs)
            eqs_x.append(t.rhs)
    ov_all = [v for v in order if v not in lv]
    ov_x = [v for v in dict.fromkeys(eqs_x) if v not in lv and v not in ind and v not in eqs_y]
    ov_y = [v for v in dict.fromkeys(eqs_y) if v not in ind and v not in eqs_x and v not in lv]
    lv_y = [v for v in lv if v in eqs_y and v not in ind and v not in eqs_x]
    lv_x = [v for v in lv if v not in ind and v not in eqs_y]
    # lavaan lists the exogenous covariates last among the observed variables
    ov = [v for v in ov_all if v not in ov_x] + ov_x
    return ov, lv, {"ov.x": ov_x, "ov.y": ov_y, "lv.y": lv_y, "lv.x": lv_x, "ov.ind": ind,
                    "eqs.y": list(dict.fromkeys(eqs_y)), "eqs.x": list(dict.fromkeys(eqs_x))}


def _modifier_for(term, group: int, n_groups: int) -> Modifier:
    mods = term.modifiers
    if not mods:
        return Modifier()
    if len(mods) == 1:
        return mods[0]
    if len(mods) != n_groups:
        raise ModelSpecError(f"line {term.line}: c(...) has {len(mods)} values for "
                             f"{n_groups} group(s) in '{term.lhs} {term.op} {term.rhs}'")
    return mods[group]


def _key(lhs, op, rhs):
    if op == "~~" and rhs < lhs:
        lhs, rhs = rhs, lhs
    return lhs, op, rhs


def build_spec(model, *, n_groups: int = 1, group_labels=None, meanstructure: bool = False,
               std_lv: bool = False, fixed_x: bool = True, group_equal=(),
               group_partial=(), orthogonal: bool = False, ordered=None,
               parameterization: str = "delta") -> ModelSpec:
    """Parse ``model`` (lavaan syntax) and build its parameter table.

    ``ordered`` maps each ordered observed variable to its number of
    thresholds; as lavaan's delta parameterization, such a variable gets
    free thresholds ``u | t1 ...``, an intercept fixed at 0, a scale
    ``u ~*~ u`` fixed at 1, and a residual variance that is not a parameter
    (the rest of its latent response's unit variance, set by the estimator).
    In the theta parameterization the residual variance is a parameter fixed
    at 1 and the scale follows from it.
    """
    if parameterization not in ("delta", "theta"):
        raise ModelSpecError(f"parameterization must be 'delta' or 'theta', not {parameterization!r}")
    theta = parameterization == "theta"
    ordered = dict(ordered or {})
    parsed = model if isinstance(model, ParsedModel) else parse_model(model)
    ov, lv, roles = _roles(parsed)
    if not ov:
        raise ModelSpecError("the model has no observed variable")
    bad = [k for k in group_equal if k not in GROUP_EQUAL_KINDS]
    if bad:
        raise ModelSpecError(f"unknown group_equal {bad}; choose from {list(GROUP_EQUAL_KINDS)}")
    ov_x = roles["ov.x"] if fixed_x else []
    ov_nox = [v for v in ov if v not in ov_x]
    rows: list[dict] = []
    seen: dict = {}

    def add(g, lhs, op, rhs, *, user, mod=Modifier(), fixed=None, exo=False, line=0):
        key = (g,) + _key(lhs, op, rhs)
        if key in seen:
            if user:
                raise ModelSpecError(f"line {line}: '{lhs} {op} {rhs}' is specified twice")
            return
        value = mod.fixed if mod.fixed is not None else fixed
        if mod.free:
            value = None
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "group": g, "user": user,
                     "value": np.nan if value is None else float(value), "label": mod.label or "",
                     "start": np.nan if mod.start is None else mod.start, "exo": exo,
                     "explicit": mod.fixed is not None or mod.free, "line": line})
        seen[key] = len(rows) - 1

    for g in range(n_groups):
        first_indicator: dict = {}
        for t in parsed.terms:
            mod = _modifier_for(t, g, n_groups)
            if t.op == "=~" and t.lhs not in first_indicator:
                first_indicator[t.lhs] = t.rhs
                if not std_lv and mod.fixed is None and not mod.free:
                    mod = Modifier(fixed=1.0, label=mod.label, start=mod.start)
            if t.op == "~1" and t.lhs in ov_x:
                raise ModelSpecError(f"line {t.line}: {t.lhs} is an exogenous covariate whose mean is "
                                     f"taken from the data (fixed.x); remove '{t.lhs} ~ 1'")
            add(g, t.lhs, t.op, t.rhs, user=True, mod=mod, line=t.line)
        # equal thresholds free the scales (delta) or the residual variances (theta) of groups 2, 3 ...
        free_scales = g > 0 and "thresholds" in group_equal
        for v in ov_nox:
            if v in ordered:
                for k in range(1, ordered[v] + 1):
                    add(g, v, "|", f"t{k}", user=False)
                add(g, v, "~~", v, user=False, fixed=None if theta and free_scales else 1.0)
        # (residual) variances
        for v in ov_nox:
            add(g, v, "~~", v, user=False)
        # lavaan frees in groups 2, 3 ... what equal parameters make identified again
        # (lav_partable_flat): the factor variances when std.lv fixes them and loadings are equal
        free_lv_var = g > 0 and "loadings" in group_equal and "lv.variances" not in group_equal
        for f in lv:
            add(g, f, "~~", f, user=False, fixed=1.0 if std_lv and not free_lv_var else None)
        for a, b in combinations(roles["lv.x"], 2):
            add(g, a, "~~", b, user=False, fixed=0.0 if orthogonal else None)
        for a, b in combinations(roles["lv.y"] + roles["ov.y"], 2):
            add(g, a, "~~", b, user=False, fixed=0.0 if orthogonal else None)
        for i, a in enumerate(ov_x):
            for b in ov_x[i:]:
                add(g, a, "~~", b, user=False, fixed=0.0, exo=True)
        for v in ov_nox:
            if v in ordered:
                add(g, v, "~*~", v, user=False, fixed=None if free_scales and not theta else 1.0)
        if meanstructure:
            for v in ov_nox:
                add(g, v, "~1", "", user=False, fixed=0.0 if v in ordered else None)
            for v in ov_x:
                add(g, v, "~1", "", user=False, fixed=0.0, exo=True)
            # ... and the factor means when intercepts or thresholds are equal, unless means are too
            free_means = (g > 0 and ("intercepts" in group_equal or "thresholds" in group_equal)
                          and "means" not in group_equal)
            for f in lv:
                add(g, f, "~1", "", user=False, fixed=None if free_means else 0.0)
    table = pd.DataFrame(rows)
    # a user's fixed value overrides std_lv's variance of 1 only where given
    _check_names(parsed, table, ov, lv)
    _check_identification(table, lv, roles, std_lv)
    _apply_group_equal(table, ov, lv, group_equal, group_partial, n_groups)
    _assign_free(table, parsed)
    definitions = _check_definitions(parsed, table)
    return ModelSpec(parsed=parsed, ov=ov, lv=lv, roles=roles, table=table.drop(columns="explicit"),
                     n_groups=n_groups, meanstructure=meanstructure, std_lv=std_lv,
                     definitions=definitions, group_labels=list(group_labels or range(n_groups)),
                     ordered=tuple(v for v in ov if v in ordered), parameterization=parameterization)


def _check_names(parsed, table, ov, lv):
    for t in parsed.terms:
        if t.op == "~~" and (t.lhs in lv) != (t.rhs in lv):
            raise ModelSpecError(f"line {t.line}: '{t.lhs} ~~ {t.rhs}' joins a latent and an observed "
                                 f"variable; covariances are between two latent or two observed variables")


def _check_identification(table, lv, roles, std_lv):
    first = table[table["group"] == 0]
    indicators: dict = {}
    variance: dict = {}      # variable -> (explicitly set, value) of its (residual) variance
    for op, lhs, rhs, explicit, value in zip(first["op"], first["lhs"], first["rhs"],
                                             first["explicit"], first["value"]):
        if op == "=~":
            indicators.setdefault(lhs, []).append(rhs)
        elif op == "~~" and lhs == rhs:
            variance.setdefault(lhs, (explicit, value))
    for f in lv:
        ind = indicators.get(f, [])
        if len(ind) == 1:
            x = ind[0]
            resid, fvar = variance.get(x), variance.get(f)
            fixed_resid = resid is not None and resid[0] and not np.isnan(resid[1])
            fixed_fvar = fvar is not None and not np.isnan(fvar[1]) and not std_lv and fvar[0]
            if not (fixed_resid or fixed_fvar):
                raise ModelSpecError(
                    f"latent variable {f} has a single indicator ({x}) and nothing fixed: its variance "
                    f"and {x}'s residual variance cannot both be estimated (under-identified). Fix "
                    f"{x}'s residual variance, e.g. '{x} ~~ 0*{x}' (measured without error) or "
                    f"'{x} ~~ 0.2*{x}' (from its reliability), or give {f} more indicators.")
        if len(ind) == 2 and f in roles["lv.x"] and len(roles["lv.x"]) == 1 and not roles["eqs.y"]:
            raise ModelSpecError(
                f"latent variable {f} has only two indicators and nothing else in the model: it is "
                f"under-identified. Give it a third indicator, or fix both loadings equal "
                f"(e.g. '{f} =~ a*x1 + a*x2').")


def _equal_kind(row, ov, lv) -> str | None:
    op, lhs, rhs = row["op"], row["lhs"], row["rhs"]
    if op == "=~":
        return "loadings"
    if op == "~":
        return "regressions"
    if op == "~1":
        return "intercepts" if lhs in ov else "means"
    if op == "|":
        return "thresholds"
    if op == "~~":
        if lhs in lv:
            return "lv.variances" if lhs == rhs else "lv.covariances"
        return "residuals" if lhs == rhs else "residual.covariances"
    return None


def _apply_group_equal(table, ov, lv, group_equal, group_partial, n_groups):
    if n_groups < 2 or not group_equal:
        return
    partial = {_key(*_split_partial(p)) for p in group_partial}
    for i, row in table.iterrows():
        if row["exo"] or not np.isnan(row["value"]) or row["label"]:
            continue
        kind = _equal_kind(row, ov, lv)
        if kind in group_equal and _key(row["lhs"], row["op"], row["rhs"]) not in partial:
            table.at[i, "label"] = f".{row['lhs']}{row['op']}{row['rhs']}."


def _split_partial(text: str):
    for op in ("=~", "~~", "~1", "~"):
        if op in text:
            lhs, rhs = text.split(op, 1)
            return lhs.strip(), op, rhs.strip()
    raise ModelSpecError(f"group_partial entry {text!r} is not of the form 'lhs op rhs'")


def _assign_free(table, parsed):
    """Number the free parameters; equal labels and == constraints share a number."""
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            a = parent[a]
        return a

    labels = set(table["label"]) - {""}
    for lhs, _, rhs, line in parsed.constraints:
        for side in (lhs, rhs):
            if side not in labels:
                raise ModelSpecError(f"line {line}: constraint '{lhs} == {rhs}' names {side!r}, which "
                                     f"is not a parameter label; label parameters with 'name*variable'")
        parent[find(lhs)] = find(rhs)
    free = np.zeros(len(table), dtype=int)
    index_of: dict = {}
    counter = 0
    # plain column arrays: DataFrame.iterrows builds a Series per row
    for i, (value, label) in enumerate(zip(table["value"].to_numpy(float), table["label"].tolist())):
        if not np.isnan(value):
            continue
        if label:
            key = find(label)
            if key not in index_of:
                counter += 1
                index_of[key] = counter
            free[i] = index_of[key]
        else:
            counter += 1
            free[i] = counter
    # a label both fixed somewhere and free elsewhere would silently break equality
    for label in labels:
        rows = table[table["label"] == label]
        if rows["value"].notna().any() and rows["value"].isna().any():
            raise ModelSpecError(f"label {label!r} is fixed in one place and free in another")
    table["free"] = free


_ALLOWED = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Add,
            ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def _check_definitions(parsed, table):
    labels = set(table["label"]) - {""}
    out = []
    defined = set()
    for name, expr, line in parsed.definitions:
        py = expr.replace("^", "**")
        try:
            tree = ast.parse(py, mode="eval")
        except SyntaxError:
            raise ModelSpecError(f"line {line}: cannot read the expression {expr!r}") from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise ModelSpecError(f"line {line}: only + - * / ^ of labels and numbers are allowed "
                                     f"in ':=' definitions, not {expr!r}")
            if isinstance(node, ast.Name) and node.id not in labels and node.id not in defined:
                raise ModelSpecError(f"line {line}: {node.id!r} in '{name} := {expr}' is not a label")
        defined.add(name)
        out.append((name, compile(tree, f"<{name}>", "eval"), expr))
    return tuple(out)
