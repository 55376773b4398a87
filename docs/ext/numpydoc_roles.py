"""Griffe extension for the docs site: numpydoc roles (:func:`x`, :class:`x` ...) become links.

edu40's docstrings use the numpydoc roles that Jupyter's ``help()`` and Sphinx
read naturally; mkdocstrings renders Markdown, where a role would show as
literal text (``:func:`load_survey```).  This extension, loaded by
mkdocstrings while it builds the site (``mkdocs.yml``: ``extensions``),
rewrites each role in the docstring it has loaded -- never the source -- into
an mkdocs-autorefs cross-reference when the name resolves to an edu40 object,
or into plain code otherwise (``numpy.histogram_bin_edges``).  References are
``optional``: an object that resolves but is not rendered on any page shows as
code instead of breaking the ``--strict`` build.

It also shows each parameter's default as the signature has it.  Griffe's
numpy parser gives every name of a grouped entry (``rmsea0, rmsea_a : float``)
the default of the first, and reads the first of ``{"a", "b"}`` as the
default; the signature is the one source of truth.  (``tests/test_docs.py``
checks that no docstring states a default its signature contradicts.)
"""

from __future__ import annotations

import html
import re

import griffe

ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|obj|exc|const):`(?P<body>[^`]+)`")


def _resolve(obj: griffe.Object, name: str, root: griffe.Module) -> str | None:
    """The path of the object ``name`` refers to, seen from ``obj``'s docstring; None if unknown."""
    name = name.lstrip(".")
    scopes = []
    scope = obj
    while scope is not None:          # the object itself, its class, its module, the packages above
        scopes.append(scope)
        scope = scope.parent
    for base in scopes:
        try:
            target = base[name]
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
        return _canonical(target)
    for prefix in ("", root.name + "."):
        path = prefix + name
        if not path.startswith(root.name + "."):
            continue
        try:
            return _canonical(root[path[len(root.name) + 1:]])
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
    return None


def _canonical(target) -> str:
    """Where an imported name is defined (``edu40.io.datasets.Survey`` -> ``edu40.io.survey.Survey``)."""
    try:
        return target.final_target.path if target.is_alias else target.path
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return target.path


def rewrite(text: str, obj: griffe.Object, root: griffe.Module) -> str:
    def one(m: re.Match) -> str:
        body = m.group("body").strip()
        explicit = re.fullmatch(r"(?P<title>.+?)\s*<(?P<target>[^>]+)>", body)
        target = explicit.group("target") if explicit else body
        short = target.startswith("~")
        target = target.lstrip("~")
        title = explicit.group("title") if explicit else (target.rsplit(".", 1)[-1] if short else
                                                          target.lstrip("."))
        path = _resolve(obj, target, root)
        code = f"<code>{html.escape(title)}</code>"
        if path is None:
            return f"`{title}`"
        return f'<autoref identifier="{html.escape(path)}" optional>{code}</autoref>'

    return ROLE.sub(one, text)


def signature_defaults(obj: griffe.Object) -> None:
    """Set the documented default of each parameter to its default in the signature."""
    try:
        params = obj.parameters
    except (AttributeError, griffe.AliasResolutionError):
        return
    for section in obj.docstring.parsed:
        if section.kind is not griffe.DocstringSectionKind.parameters:
            continue
        entries = section.value
        for i, p in enumerate(entries):
            if p.name not in params:
                continue
            p.value = params[p.name].default
            # names of one grouped entry share its description; each keeps its own annotation
            grouped = any(0 <= j < len(entries) and entries[j].description == p.description and p.description
                          for j in (i - 1, i + 1))
            if grouped:
                p.annotation = params[p.name].annotation


class NumpydocRoles(griffe.Extension):
    """Rewrite numpydoc roles in every docstring of the package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:
        seen = set()

        def walk(obj):
            if obj.is_alias or id(obj) in seen:
                return
            seen.add(id(obj))
            if obj.docstring is not None:
                if ":" in obj.docstring.value:
                    obj.docstring.value = rewrite(obj.docstring.value, obj, pkg)
                if obj.is_function:
                    signature_defaults(obj)
            for member in obj.members.values():
                walk(member)

        walk(pkg)
