"""The import graph runs one way: engines below the workflows below the CLI and the report.

Every ``ceasefire`` import in the source, at module level or inside a function, is checked
against the layers of DESIGN.md section 6, and the package-level graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ceasefire"

LAYERS = {
    # the foundation: errors, options, files, the scenario and its evidence
    "__init__": 0, "errors": 0, "options": 0, "_files": 0, "_memory": 0, "scenario": 0,
    "evidence": 0,
    "results": 1,  # pure data
    "dynamics": 2,
    "bargaining": 3, "deals": 3, "forecast": 3,  # the engines
    "store": 3,  # the run store: results in, results out
    # workflows, and what runs them: exports to other tools, sweeps, sensitivity
    "workflows": 4, "interop": 4, "sweep": 4, "sensitivity": 4,
    "report": 5,  # renders results; runs no engine
    "cli": 6, "web": 6,  # the edges: the command line and the web app
}
ENGINES = {"dynamics", "bargaining", "deals", "forecast", "workflows"}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_unit(name: str) -> bool:
    return (SRC / name / "__init__.py").exists() or (SRC / f"{name}.py").exists()


def _imports() -> list[tuple[str, str, bool]]:
    """``(importing unit, imported unit, at module level)`` for every ceasefire import."""
    found = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC.parent).with_suffix("")
        source = ".".join(relative.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text("utf-8"))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] if node.module != "ceasefire" else [
                    f"ceasefire.{a.name}" if _is_unit(a.name) else "ceasefire"
                    for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("ceasefire") and _unit(name) != _unit(source):
                    found.append((_unit(source), _unit(name), id(node) in top))
    return found


def test_every_unit_has_a_layer():
    units = {p.stem if p.is_file() else p.name for p in SRC.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))}
    assert units <= set(LAYERS), units - set(LAYERS)


@pytest.mark.parametrize(("source", "target", "module_level"), sorted(set(_imports())))
def test_imports_run_down_the_layers(source, target, module_level):
    if source == "__init__":
        return  # the top-level package re-exports lazily, on first use
    assert LAYERS[target] <= LAYERS[source], f"{source} imports {target}, a layer above it"
    if source == "report":
        assert target not in ENGINES, "the report renders results; it must not run an engine"


def test_no_cycle_between_units():
    graph: dict[str, set[str]] = {}
    for source, target, module_level in _imports():
        if module_level and source != "__init__":
            graph.setdefault(source, set()).add(target)

    def visit(node: str, trail: tuple[str, ...]) -> None:
        for nxt in graph.get(node, ()):
            assert nxt not in trail, " -> ".join((*trail, nxt))
            visit(nxt, (*trail, nxt))

    for unit in graph:
        visit(unit, (unit,))
