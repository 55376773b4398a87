"""``engine="semopy"``: the same model estimated by semopy, reported by edu40.

edu40 writes its parameter table (lavaan's defaults already applied: marker
loadings or ``std_lv``, residual variances, covariances of exogenous factors,
fixed.x covariates at their sample moments, equality labels) as a semopy
description in which every free parameter is named after its place in the
table (``edu40_p7``), so parameters that edu40 holds equal share one semopy
name, and every fixed value is written as a number.  semopy's ``Model``
minimises its ``MLW`` objective -- the normal-theory ML discrepancy
F = log|Sigma| + tr(S Sigma^-1) - log|S| - p -- on the covariance matrix that
edu40's own engine uses (divisor n, or n - 1 with ``likelihood="wishart"``).

Its estimates are mapped back into edu40's parameter vector; standard errors,
fit indices, the standardized solution, modification indices and reports are
then computed by edu40 at those estimates (expected information, as lavaan),
so both engines give the same kind of result and differ only where the
optimizers stop.  Two settings of semopy are changed, and why:

* the SLSQP tolerance is tightened from scipy's default (ftol 1e-6, which
  left estimates 0.001 (HS 1939) to 0.01 (Political Democracy) from lavaan's
  optimum) to 1e-12;
* semopy starts from edu40's starting values (lavaan's rules), not its own:
  with ``std_lv`` semopy starts every loading at 0, a saddle point where its
  SLSQP does not move (the HS 1939 model then ran for minutes);
* semopy bounds variances at 0; the bounds are lifted, as lavaan and edu40
  do not bound them, so that a negative variance (a Heywood case) is seen and
  reported instead of hidden at 0.

What the semopy engine does not take (each is a clear error): several groups,
a mean structure (FIML, ``~ 1``), estimators other than ML.
"""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from .engine import FitOutcome

__all__ = ["estimate", "semopy_description", "to_semopy", "description_of", "ENGINES"]

ENGINES = ("edu40", "semopy")
_PREFIX = "edu40_p"
_OPTIONS = {"ftol": 1e-12, "maxiter": 10000}


def _number(v: float) -> str:
    return f"{float(v):.17g}"


def check_supported(spec, *, estimator: str, missing: str, n_groups: int, meanstructure: bool) -> None:
    """Refuse what semopy's ``Model`` cannot estimate, saying what to use instead."""
    if n_groups > 1:
        raise ValueError("engine='semopy' fits a single group: semopy's Model has no multiple-group estimator with "
                         "equality constraints across groups; use engine='edu40' for group=")
    if missing == "fiml":
        raise ValueError("engine='semopy' does not do missing='fiml': FIML needs a mean structure, which semopy's "
                         "Model does not estimate; use engine='edu40' (or missing='listwise')")
    if meanstructure or (spec.table["op"] == "~1").any():
        raise ValueError("engine='semopy' estimates covariance structures only: semopy's Model has no intercepts "
                         "or means ('~ 1'); use engine='edu40'")
    if str(estimator).upper() != "ML":
        raise ValueError(f"engine='semopy' is used here with estimator='ML' only (semopy's MLW objective), not "
                         f"{estimator!r}; use engine='edu40'")


def semopy_description(spec, group: int = 0) -> str:
    """The parameter table of one group as a semopy description (free parameters named, fixed ones as numbers)."""
    t = spec.table[spec.table["group"] == group]
    lines = []
    for row in t.itertuples():
        if row.op not in ("=~", "~", "~~"):
            continue
        mult = f"{_PREFIX}{row.free}" if row.free > 0 else _number(row.value)
        lines.append(f"{row.lhs} {row.op} {mult}*{row.rhs}")
    return "\n".join(lines)


def _locations(model):
    """(name, operator, lhs, rhs) of every semopy parameter, read from its matrices."""
    out = {}
    kinds = {}
    for i, mx in enumerate(model.matrices):
        if mx is model.mx_lambda or mx is model.mx_beta:
            kinds[i] = "~"
        elif mx is model.mx_psi or mx is model.mx_theta:
            kinds[i] = "~~"
    for name, param in model.parameters.items():
        loc = param.locations[0]
        n = next(i for i, mx in enumerate(model.matrices) if mx is loc.matrix)
        rows, cols = model.names[n]
        out[name] = (kinds.get(n, "?"), rows[loc.indices[0]], cols[loc.indices[1]])
    return out


def build_model(spec, start=None):
    """A semopy Model of the table, with edu40's free parameters and nothing else free, variances unbounded.

    ``start``: starting values in edu40's parameter order (else semopy's own).
    """
    import semopy
    previous = logging.root.manager.disable
    # semopy logs "No fixed loadings" when std_lv frees every loading, which is intended here
    logging.disable(logging.WARNING)
    try:
        model = semopy.Model(semopy_description(spec))
    finally:
        logging.disable(previous)
    locs = _locations(model)
    extra = []
    for name, param in model.parameters.items():
        if name.startswith(_PREFIX):
            param.bound = (None, None)
            if start is not None:
                param.start = float(start[int(name[len(_PREFIX):]) - 1])
        elif param.active:
            # a default that semopy adds and lavaan's defaults do not: held at 0 as in edu40's model
            param.active, param.start = False, 0.0
            extra.append(locs[name])
    return model, extra


def _semopy_theta(model, n_free: int) -> np.ndarray:
    active = [name for name, p in model.parameters.items() if p.active]
    theta = np.full(n_free, np.nan)
    for name, value in zip(active, model.param_vals):
        if name.startswith(_PREFIX):
            theta[int(name[len(_PREFIX):]) - 1] = value
    return theta


def estimate(spec, prep, ram, start, *, estimator: str = "ML", missing: str = "listwise") -> FitOutcome:
    """Estimate with semopy from ``start`` (see the module docstring); the outcome in edu40's parameter order."""
    check_supported(spec, estimator=estimator, missing=missing, n_groups=len(prep.groups),
                    meanstructure=ram.meanstructure)
    import semopy
    model, extra = build_model(spec, start)
    g = prep.groups[0]
    cov = pd.DataFrame(g.cov, index=spec.ov, columns=spec.ov)
    res = model.fit(cov=cov, n_samples=g.n, obj="MLW", solver="SLSQP", options=dict(_OPTIONS))
    theta = _semopy_theta(model, spec.n_free)
    if np.isnan(theta).any():   # pragma: no cover - every free parameter is named in the description
        raise RuntimeError("semopy did not return every parameter of the model")
    f = ram.objective(theta)
    grad = ram.gradient(theta)
    gmax = float(np.max(np.abs(grad))) if len(grad) else 0.0
    converged = bool(res.success) and np.isfinite(f) and gmax < 1e-4
    note = f"semopy {semopy.__version__} (MLW, SLSQP): {res.message}; max |gradient| {gmax:.1e}"
    if extra:
        note += "; held at 0 as in lavaan: " + ", ".join(f"{a} {op} {b}" for op, a, b in extra)
    n_it = int(res.n_it) if res.n_it == res.n_it else 0
    return FitOutcome(theta, float(f), n_it, converged, note, grad)


def to_semopy(result):
    """A semopy Model of a fitted edu40 result, its parameters set to edu40's estimates.

    ``inspect()``, ``semopy.calc_stats`` and ``semopy.semplot`` then work on
    the solution; fitting it again (``model.fit(data)``) starts from it.
    """
    spec = result._spec
    check_supported(spec, estimator=result.estimator, missing=result.missing, n_groups=len(result._model.groups),
                    meanstructure=result._model.meanstructure)
    model, _ = build_model(spec)
    g = result._prep.groups[0]
    if g.raw is not None:
        data = pd.DataFrame(g.raw, columns=spec.ov)
        model.load(data=data, cov=pd.DataFrame(g.cov, index=spec.ov, columns=spec.ov))
    else:
        model.load(cov=pd.DataFrame(g.cov, index=spec.ov, columns=spec.ov), n_samples=g.n)
    active = [name for name, p in model.parameters.items() if p.active]
    values = np.array([result._theta[int(n[len(_PREFIX):]) - 1] for n in active])
    model.param_vals = values
    model.update_matrices(values)
    return model


def description_of(model) -> str:
    """The model syntax of a semopy Model (or a semopy description string) for edu40's parser."""
    desc = model if isinstance(model, str) else getattr(model, "description", None)
    if not isinstance(desc, str):
        raise TypeError("this semopy model carries no text description; pass its description string instead")
    commands = re.findall(r"^\s*([A-Z][A-Z_]+)\s*\(", desc, flags=re.MULTILINE)
    if commands:
        raise ValueError(f"the semopy description uses semopy's own command(s) {sorted(set(commands))}, which have "
                         f"no lavaan equivalent in edu40: write them as lavaan syntax (e.g. fixed values as "
                         f"'1*x1', equal parameters with a shared label 'a*x1 + a*x2') or remove them")
    return desc
