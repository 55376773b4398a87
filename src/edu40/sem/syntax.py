"""lavaan model syntax: the common language of SEM users.

Supported (the part of lavaan's syntax that survey models use):

========================  ==================================================
``f =~ x1 + x2 + x3``     latent variable measured by indicators
``y ~ x1 + f``            regression
``x1 ~~ x2``              (residual) variance or covariance
``y ~ 1``                 intercept / mean
``ind := a*b``            defined parameter (a function of labels)
``a == b``                equality constraint between labelled parameters
``u | t1 + t2``           thresholds of an ordered variable (``ordered=``)
``u ~*~ u``               scale of an ordered variable's latent response
========================  ==================================================

Modifiers before a right-hand variable, joined by ``*``: a number fixes the
parameter (``1*x1``), a name labels it (``a*x1``; equal labels mean equal
parameters), ``NA`` frees it (``NA*x1``), ``start(0.5)`` sets its starting
value, and ``c(...)`` gives one modifier per group (``c(a1, a2)*x1``).
Comments start with ``#`` or ``!``; statements end at a newline or ``;``; a
statement continues on the next line when the line ends with an operator or
``+``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Term", "ParsedModel", "parse_model", "ModelSyntaxError"]

_OPERATORS = ["~*~", "=~", "~~", ":=", "==", "<", ">", "~", "|"]
_NAME = r"[A-Za-z_.][A-Za-z0-9_.]*"


class ModelSyntaxError(ValueError):
    """Model syntax that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Modifier:
    """One modifier: ``fixed`` value, ``label``, ``free`` (NA) or ``start`` value."""

    fixed: float | None = None
    label: str | None = None
    free: bool = False
    start: float | None = None


@dataclass(frozen=True)
class Term:
    """One parameter statement: ``lhs op rhs`` with per-group modifiers.

    ``modifiers`` is a tuple with one :class:`Modifier` per group given in
    ``c(...)``, or a single one that applies to every group.
    """

    lhs: str
    op: str
    rhs: str
    modifiers: tuple = ()
    line: int = 0


@dataclass(frozen=True)
class ParsedModel:
    terms: tuple
    definitions: tuple = ()      # (name, expression, line)
    constraints: tuple = ()      # (lhs, op, rhs, line)
    text: str = field(default="", repr=False)


def _statements(text: str):
    """Split into (line number, statement), joining continued lines."""
    pending, start_line = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"[#!]", raw, maxsplit=1)[0]
        for part in line.split(";"):
            part = part.strip()
            if not part:
                continue
            if pending:
                pending += " " + part
            else:
                pending, start_line = part, number
            if re.search(r"(=~|~~|~|\+|\*|:=|==)\s*$", pending):
                continue  # the statement goes on on the next line
            yield start_line, pending
            pending = ""
    if pending:
        raise ModelSyntaxError(f"line {start_line}: statement ends with an operator: {pending!r}")


def _split_operator(statement: str, line: int):
    for op in _OPERATORS:
        # "~" must not match inside "=~" or "~~": search with look-arounds
        if op == "~":
            m = re.search(r"(?<![=~])~(?![~])", statement)
        else:
            m = re.search(re.escape(op), statement)
        if m:
            return statement[:m.start()].strip(), op, statement[m.end():].strip()
    raise ModelSyntaxError(f"line {line}: no operator (=~, ~, ~~, :=, ==) in {statement!r}")


def _number(token: str):
    try:
        return float(token)
    except ValueError:
        return None


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def _parse_single_modifier(token: str, line: int) -> Modifier:
    token = token.strip()
    if token in ("NA", "na"):
        return Modifier(free=True)
    m = re.fullmatch(r"start\(\s*([^)]+)\s*\)", token)
    if m:
        value = _number(m.group(1))
        if value is None:
            raise ModelSyntaxError(f"line {line}: start() needs a number, got {m.group(1)!r}")
        return Modifier(start=value)
    value = _number(token)
    if value is not None:
        return Modifier(fixed=value)
    if re.fullmatch(_NAME, token):
        return Modifier(label=token)
    raise ModelSyntaxError(f"line {line}: cannot read modifier {token!r} (a number, a label, NA, "
                           f"start(value) or c(...) is expected)")


def _merge(mods) -> Modifier:
    fixed = label = start = None
    free = False
    for m in mods:
        fixed = m.fixed if m.fixed is not None else fixed
        label = m.label if m.label is not None else label
        start = m.start if m.start is not None else start
        free = free or m.free
    if free and fixed is not None:
        raise ModelSyntaxError("a parameter cannot be both fixed and free (NA)")
    return Modifier(fixed=fixed, label=label, free=free, start=start)


def _combine(a: tuple, b: tuple, line: int) -> tuple:
    """Modifiers of the same term given twice: merged group by group."""
    if not a or not b:
        return a or b
    if len(a) != len(b) and 1 not in (len(a), len(b)):
        raise ModelSyntaxError(f"line {line}: c(...) modifiers of different lengths")
    n = max(len(a), len(b))
    a = a * n if len(a) == 1 else a
    b = b * n if len(b) == 1 else b
    try:
        return tuple(_merge([x, y]) for x, y in zip(a, b))
    except ModelSyntaxError as exc:
        raise ModelSyntaxError(f"line {line}: {exc}") from None


def _parse_modifiers(parts: list[str], line: int) -> tuple:
    """Combine chained modifiers (``start(1)*a*x``); expand ``c(...)`` per group."""
    per_group: list[list[Modifier]] | None = None
    common: list[Modifier] = []
    for part in parts:
        part = part.strip()
        m = re.fullmatch(r"c\((.*)\)", part)
        if m:
            items = [_parse_single_modifier(t, line) for t in _split_top(m.group(1), ",")]
            if per_group is None:
                per_group = [[i] for i in items]
            elif len(per_group) != len(items):
                raise ModelSyntaxError(f"line {line}: c(...) modifiers of different lengths")
            else:
                for g, i in zip(per_group, items):
                    g.append(i)
        else:
            common.append(_parse_single_modifier(part, line))
    if per_group is None:
        return (_merge(common),) if common else ()
    return tuple(_merge(common + g) for g in per_group)


def _parse_rhs_terms(rhs: str, line: int):
    """Yield (variable, modifiers) for ``a*x1 + 1*x2 + x3``."""
    for chunk in _split_top(rhs, "+"):
        chunk = chunk.strip()
        if not chunk:
            raise ModelSyntaxError(f"line {line}: empty term in {rhs!r}")
        parts = _split_top(chunk, "*")
        var = parts[-1].strip()
        if var != "1" and not re.fullmatch(_NAME, var):
            raise ModelSyntaxError(f"line {line}: {var!r} is not a variable name")
        yield var, _parse_modifiers(parts[:-1], line)


def parse_model(text: str) -> ParsedModel:
    """Parse lavaan syntax into terms, definitions and constraints.

    Examples
    --------
    >>> m = parse_model("F =~ 1*x1 + a*x2 + x3\\nF ~~ F")
    >>> [(t.lhs, t.op, t.rhs) for t in m.terms]
    [('F', '=~', 'x1'), ('F', '=~', 'x2'), ('F', '=~', 'x3'), ('F', '~~', 'F')]
    """
    if not isinstance(text, str) or not text.strip():
        raise ModelSyntaxError("the model is empty; give lavaan syntax such as 'F =~ x1 + x2 + x3'")
    terms, definitions, constraints = [], [], []
    for line, statement in _statements(text):
        lhs, op, rhs = _split_operator(statement, line)
        if op == ":=":
            if not re.fullmatch(_NAME, lhs):
                raise ModelSyntaxError(f"line {line}: {lhs!r} is not a valid name for a defined parameter")
            definitions.append((lhs, rhs, line))
            continue
        if op in ("==", "<", ">"):
            if op != "==":
                raise ModelSyntaxError(
                    f"line {line}: inequality constraints ({statement!r}) are not supported; "
                    f"edu40 supports equality constraints (a == b) between labels")
            constraints.append((lhs, op, rhs, line))
            continue
        if op == "|":
            found: dict = {}
            for var, mods in _parse_rhs_terms(rhs, line):
                if not re.fullmatch(r"t[1-9][0-9]*", var):
                    raise ModelSyntaxError(f"line {line}: thresholds are named t1, t2, ... "
                                           f"('{lhs} | t1 + t2'), not {var!r}")
                found[var] = _combine(found[var], mods, line) if var in found else mods
            terms += [Term(lhs.strip(), "|", var, mods, line) for var, mods in found.items()]
            continue
        if not lhs or not rhs:
            raise ModelSyntaxError(f"line {line}: {statement!r} needs a left and a right side")
        lhs_names = [s.strip() for s in _split_top(lhs, "+")]
        for name in lhs_names:
            if not re.fullmatch(_NAME, name):
                raise ModelSyntaxError(f"line {line}: {name!r} is not a variable name")
        statement_terms: dict = {}
        for var, mods in _parse_rhs_terms(rhs, line):
            for name in lhs_names:
                if var == "1":
                    if op != "~":
                        raise ModelSyntaxError(f"line {line}: '1' only makes sense as 'y ~ 1'")
                    key = (name, "~1", "")
                else:
                    if op == "=~" and var == name:
                        raise ModelSyntaxError(f"line {line}: {name} cannot be its own indicator")
                    key = (name, op, var)
                # lavaan merges the modifiers of a term written twice in one statement
                # ("f =~ c(NA, NA)*x1 + c(l1, l2)*x1", as semTools' measEq.syntax writes)
                statement_terms[key] = (_combine(statement_terms[key], mods, line)
                                        if key in statement_terms else mods)
        terms += [Term(*key, mods, line) for key, mods in statement_terms.items()]
    if not terms:
        raise ModelSyntaxError("the model has no =~, ~ or ~~ statement")
    return ParsedModel(tuple(terms), tuple(definitions), tuple(constraints), text)
