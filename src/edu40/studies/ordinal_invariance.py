"""Invariance models for ordered items, as semTools' ``measEq.syntax`` writes them.

For ordered indicators the intercepts of continuous items are replaced by
thresholds, and what identifies each step changes with what is held equal
(Wu & Estabrook, 2016; delta parameterization, factors identified by unit
variances in the first group, ``ID.fac = "std.lv"``):

============  ===========================  =====================================================
step          held equal across groups      freed in groups 2.. (fixed in group 1)
============  ===========================  =====================================================
configural    nothing                       nothing: Δ = 1, ν = 0, α = 0, ψ = 1 in every group
thresholds    thresholds                    intercepts ν, scales Δ
metric        thresholds, loadings          intercepts ν, scales Δ, factor variances ψ
scalar        + intercepts (ν = 0)          scales Δ, factor variances ψ, factor means α
strict        + residual variances (theta)  factor variances ψ, factor means α
============  ===========================  =====================================================

In the theta parameterization the residual variances θ of the latent
responses take the place of the scales Δ (fixed at 1 in group 1, freed where
Δ is freed), and the strict step holds them equal (at 1) in every group; the
strict step exists only there.

:func:`step_syntax` writes the lavaan syntax of a step; fitted by
``edu40.fit(syntax, data, ordered=..., group=..., parameterization=...)`` it
equals ``cfa(measEq.syntax(model, ordered =, parameterization =, ID.fac =
"std.lv", ID.cat = "Wu.Estabrook.2016", group =, group.equal =), ...)``.

Reference: Wu, H., & Estabrook, R. (2016). Identification of confirmatory
factor analysis models of different levels of invariance for ordered
categorical outcomes. *Psychometrika, 81*, 1014-1045.
"""

from __future__ import annotations

from ..sem import ModelSpecError, parse_model

__all__ = ["ORDINAL_STEPS", "step_syntax"]

ORDINAL_STEPS = {"configural": (), "thresholds": ("thresholds",), "metric": ("thresholds", "loadings"),
                 "scalar": ("thresholds", "loadings", "intercepts"),
                 "strict": ("thresholds", "loadings", "intercepts", "residuals")}


def _c(values):
    return "c(" + ", ".join(values) + ")"


def step_syntax(model: str, n_groups: int, n_thresholds: dict, step: str,
                parameterization: str = "delta") -> str:
    """lavaan syntax of invariance ``step`` for a CFA of ordered items.

    ``n_thresholds`` maps each item to its number of thresholds (categories - 1);
    ``parameterization`` is lavaan's ("delta" or "theta"; "strict" needs "theta").
    """
    if step not in ORDINAL_STEPS:
        raise ValueError(f"step must be one of {list(ORDINAL_STEPS)} for ordered items, not {step!r}")
    if step == "strict" and parameterization != "theta":
        raise ValueError("strict invariance of ordered items holds the residual variances of the latent "
                         "responses equal; they are parameters only in the theta parameterization: "
                         "use parameterization='theta'")
    equal = ORDINAL_STEPS[step]
    parsed = parse_model(model)
    loads = [(t.lhs, t.rhs) for t in parsed.terms if t.op == "=~"]
    others = [t for t in parsed.terms if t.op != "=~"]
    if others:
        raise ModelSpecError(f"invariance of ordered items is tested on a measurement model (=~ only); "
                             f"the model has '{others[0].lhs} {others[0].op} {others[0].rhs}'")
    binary = [v for v, k in n_thresholds.items() if k < 2]
    if binary and step != "configural":
        raise ModelSpecError(f"items {binary} have two categories; their invariance steps need other "
                             f"identification (Wu & Estabrook, 2016) than edu40 writes. Test them apart")
    factors = list(dict.fromkeys(f for f, _ in loads))
    items = list(dict.fromkeys(x for _, x in loads))
    G = n_groups
    first_fixed = lambda fixed: _c([fixed] + ["NA"] * (G - 1))      # noqa: E731
    lines = []
    for f, x in loads:
        label = [f"lambda.{x}.{f}"] * G if "loadings" in equal else [f"lambda.{x}.{f}.g{g + 1}" for g in range(G)]
        lines.append(f"{f} =~ {_c(['NA'] * G)}*{x} + {_c(label)}*{x}")
    for x in items:
        for k in range(1, n_thresholds[x] + 1):
            label = [f"{x}.thr{k}"] * G if "thresholds" in equal else [f"{x}.thr{k}.g{g + 1}" for g in range(G)]
            lines.append(f"{x} | {_c(['NA'] * G)}*t{k} + {_c(label)}*t{k}")
    free_nu = "thresholds" in equal and "intercepts" not in equal
    for x in items:
        lines.append(f"{x} ~ {first_fixed('0') if free_nu else _c(['0'] * G)}*1")
        free_scale = "thresholds" in equal and "residuals" not in equal
        if parameterization == "theta":       # residual variances in place of the scales
            lines.append(f"{x} ~~ {first_fixed('1') if free_scale else _c(['1'] * G)}*{x}")
        else:
            lines.append(f"{x} ~*~ {first_fixed('1') if free_scale else _c(['1'] * G)}*{x}")
    for f in factors:
        lines.append(f"{f} ~ {first_fixed('0') if 'intercepts' in equal else _c(['0'] * G)}*1")
        lines.append(f"{f} ~~ {first_fixed('1') if 'loadings' in equal else _c(['1'] * G)}*{f}")
    for i, a in enumerate(factors):
        for b in factors[i + 1:]:
            lines.append(f"{a} ~~ {_c(['NA'] * G)}*{b}")
    return "\n".join(lines)
