"""Dependencies point one way: data <- importers, measure <- report <- the command line; nothing imports the report.

Every import in the package (including those inside functions) is read with ``ast`` and resolved to the
layer it names; a lower layer importing a higher one, or importers and measure importing each other, fails.
Inside a layer, modules may import each other, but never in a circle (a imports b imports ... a): the same
graph of imports, module to module, must have no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "analysis"

#: Each part of the package and its layer. Helpers that import nothing from the package (config, atomic, deferred,
#: boundedyaml) are at the bottom, usable by all; the command line and the package's front door are at the top.
LAYERS = {
    "config": 0,
    "atomic": 0,
    "deferred": 0,
    "boundedyaml": 0,
    "data": 1,
    "fetch": 1,
    "importers": 2,
    "measure": 2,
    "report": 3,
    "hygiene": 4,
    "update": 4,
    "__init__": 4,
    "cli": 5,
    "__main__": 6,
}


def part_of(module: str) -> str:
    """'analysis.report.text' -> 'report'; 'analysis' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imported_modules(path: Path, package: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of the package in ``path``."""
    relative = path.relative_to(package.parent).with_suffix("")
    here = list(relative.parts)[:-1]  # relative imports start from the package (a module's, or __init__'s own)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == package.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != package.name:
                continue
            if node.module is None or module == package.name:  # from .. import config: the names are modules
                found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, module))
    return found


def violations(package: Path) -> list[str]:
    problems = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent).with_suffix("")
        mine = part_of(".".join(relative.parts))
        for line, module in imported_modules(path, package):
            theirs = part_of(module)
            if theirs not in LAYERS or mine not in LAYERS:
                problems.append(f"{relative}:{line} imports {module}: add its part to LAYERS")
            elif theirs != mine and LAYERS[theirs] >= LAYERS[mine]:
                problems.append(f"{relative}:{line} ({mine}) imports {module} ({theirs}), a higher or sibling layer")
    return problems


def module_of(path: Path, package: Path) -> str:
    """'.../analysis/report/render.py' -> 'analysis.report.render'; a package's __init__ is the package."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at the top or inside functions). An import of a name
    from a module ('from .render import execute') is an edge to that module; an import of a package
    ('from . import history', 'from .. import config') is an edge to the module of that name when there is one."""
    modules = {module_of(path, package): path for path in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for _, imported in imported_modules(path, package):
            while imported and imported not in modules:  # 'analysis.report.render.execute' -> its module
                imported = imported.rpartition(".")[0]
            if imported and imported != module:
                targets.add(imported)
        graph[module] = targets
    return graph


def cycles(package: Path) -> list[list[str]]:
    """Every import circle, each once, as the list of modules around it (depth-first search, colours)."""
    graph = import_graph(package)
    found, state, stack = [], {}, []

    def visit(module: str) -> None:
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                found.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_the_package_imports_downwards_only():
    assert violations(PACKAGE) == []


@pytest.mark.parametrize(
    ("where", "code", "expected"),
    [
        ("measure/cross_dataset.py", "from ..report.text import fmt_range\n", "imports analysis.report.text (report)"),
        ("data/rules.py", "def f():\n    from analysis.importers import acled\n", "imports analysis.importers"),
        ("importers/acled.py", "from ..measure import aggregate\n", "imports analysis.measure"),
        ("report/text.py", "from .. import cli\n", "imports analysis.cli (cli)"),
        ("report/text.py", "from ..measure.aggregate import x\nfrom .style import y\n", None),
        ("importers/output.py", "from .. import config\nfrom ..atomic import write_file\n", None),
    ],
)
def test_a_wrong_import_is_found(tmp_path, where, code, expected):
    package = tmp_path / "analysis"
    (package / where).parent.mkdir(parents=True)
    (package / where).write_text(code)
    found = violations(package)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1 and expected in found[0], found


def test_no_module_imports_itself_through_others():
    assert cycles(PACKAGE) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # the circle of issue 21: kernels imports render at the top, render imports kernels inside a function
            {
                "report/render.py": "def render():\n    from .kernels import sweep\n",
                "report/kernels.py": "from .render import execute\n",
            },
            [["analysis.report.kernels", "analysis.report.render", "analysis.report.kernels"]],
        ),
        (
            {
                "report/a.py": "from . import b\n",
                "report/b.py": "from .c import x\n",
                "report/c.py": "import analysis.report.a\n",
            },
            [["analysis.report.a", "analysis.report.b", "analysis.report.c", "analysis.report.a"]],
        ),
        (  # both import a third module: no circle
            {
                "report/render.py": "from .execution import execute\n",
                "report/kernels.py": "from .execution import execute\ndef f():\n    from . import render\n",
                "report/execution.py": "from .. import config\n",
            },
            [],
        ),
    ],
)
def test_an_import_circle_is_found(tmp_path, files, expected):
    package = tmp_path / "analysis"
    for where, code in files.items():
        (package / where).parent.mkdir(parents=True, exist_ok=True)
        (package / where).write_text(code)
    assert cycles(package) == expected
