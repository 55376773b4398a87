"""The package layout shows the pipeline: each stage imports only earlier stages, no module imports
itself back through others, and the public API stays at ``edu40.*``."""

import ast
import re
from pathlib import Path

import pytest

import edu40

ROOT = Path(edu40.__file__).parent

# Stage order of the subpackages (and top-level modules): an import may only go to the same or
# an earlier stage.  `core` holds no statistics (blocks, renderer, language, fonts).
STAGES = {"_version": 0, "core": 0, "io": 1, "stats": 2, "sem": 3, "studies": 4,
          "report": 5, "plots": 5, "cli": 6, "__init__": 7}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path):
    """(target module, line, at module level?) of every edu40 import in a file, lazy ones included."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("edu40"):
                target = node.module
            else:
                continue
            names = [target + "." + a.name for a in node.names]
            yield target, names, node.lineno, id(node) in top_level
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("edu40"):
                    yield a.name, [], node.lineno, id(node) in top_level


def _stage(module: str) -> int:
    parts = module.split(".")
    return STAGES["__init__"] if len(parts) == 1 else STAGES[parts[1]]


MODULES = sorted(p for p in ROOT.rglob("*.py"))
KNOWN = {_module_name(p) for p in MODULES}


def _resolve(target: str, names: list[str]) -> list[str]:
    """The edu40 modules an import touches: submodules named in `from pkg import mod`, else the target."""
    subs = [n for n in names if n in KNOWN]
    return subs or [target]


def test_every_subpackage_has_a_stage():
    for p in MODULES:
        parts = _module_name(p).split(".")
        assert len(parts) == 1 or parts[1] in STAGES, f"{p}: add its stage to STAGES"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_to_earlier_stages_only(path):
    me = _module_name(path)
    for target, names, line, _ in _imports(path):
        for mod in _resolve(target, names):
            assert _stage(mod) <= _stage(me), (
                f"{path.relative_to(ROOT)}:{line} imports {mod}, a later stage: move the shared code "
                f"down to the earlier stage instead")


def test_no_import_cycles():
    # all imports, lazy ones in function bodies included: a lazy import still couples the modules
    graph = {}
    for p in MODULES:
        me = _module_name(p)
        deps = set()
        for target, names, _, _ in _imports(p):
            for mod in _resolve(target, names):
                # importing a package runs its __init__; a module's own package is not a cycle
                if mod in KNOWN and mod != me and not me.startswith(mod + "."):
                    deps.add(mod)
        graph[me] = deps
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for d in graph.get(n, ()):
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in graph:
        if n not in state and n != "edu40":
            visit(n)


def test_modules_stay_small():
    big = {str(p.relative_to(ROOT)): n for p in MODULES
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700}
    assert not big, f"split these modules by topic: {big}"


def test_code_speaks_of_stages_not_work_items():
    pattern = re.compile(r"\bissue\s*#?\d+", re.IGNORECASE)
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in MODULES
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not hits, hits


def test_public_api_is_at_the_top_level():
    for name in edu40.__all__:
        assert getattr(edu40, name) is not None, name
    # functions that share a name with a module stay functions
    for name in ("prepost", "anova", "reliability", "simulate", "invariance"):
        assert callable(getattr(edu40, name)), name
    assert edu40.power.yamane is edu40.yamane
    assert edu40.datasets.SURVEY_PATH.exists()
