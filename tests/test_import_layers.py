"""The import graph: no cycles, between modules or between packages, and no import that runs up
the one-way chain simulators → sinks → handlers → stores → reports.

Every `import` and `from … import` of the project's own code is read with `ast`, wherever it
stands (inside functions and `if TYPE_CHECKING:` blocks too), so an import moved into a function
to dodge a cycle still counts. Registries name their plug-ins by module path and import them on
use (`importlib`): that is the one place a name becomes an implementation, not an import.
"""

from __future__ import annotations

import ast
import graphlib
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ("config", "fleetctl", "handlers", "simulators")

# A unit (a package under fleetctl/, a module directly in it, or a top-level package) may import
# its own layer and the layers before it, never a later one.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "foundation",
        frozenset(
            {
                "config",
                "fleetctl",
                "fleetctl.aws",
                "fleetctl.config",
                "fleetctl.console",
                "fleetctl.core",
                "fleetctl.errors",
                "fleetctl.instants",
                "fleetctl.manifest",
                "fleetctl.retries",
            }
        ),
    ),
    ("simulators", frozenset({"simulators"})),
    (
        "sinks",
        frozenset(
            {"fleetctl.batching", "fleetctl.deadletters", "fleetctl.pacing", "fleetctl.sinks"}
        ),
    ),
    ("handlers", frozenset({"fleetctl.lambdas", "fleetctl.schema", "handlers"})),
    (
        "stores",
        frozenset({"fleetctl.dynamodb", "fleetctl.scd2", "fleetctl.stores", "fleetctl.warehouse"}),
    ),
    # the local pipeline composes a sink, the handlers and a store: it comes after all three
    ("pipeline", frozenset({"fleetctl.pipeline"})),
    ("reports", frozenset({"fleetctl.reports"})),
    (
        "application",
        frozenset(
            {
                "fleetctl.__main__",
                "fleetctl.backfill",
                "fleetctl.cli",
                "fleetctl.commands",
                "fleetctl.loadtest",
                "fleetctl.replay",
                "fleetctl.delivery",
                "fleetctl.shards",
                "fleetctl.simulate",
                "fleetctl.views",
            }
        ),
    ),
)
LAYER_OF = {unit: n for n, (_, units) in enumerate(LAYERS) for unit in units}


def project_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for top in TOP_LEVEL:
        for path in (root / top).rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The project module `name` (or the module of the attribute it names) lives in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each project module and the project modules it imports, anywhere in its code."""
    modules = project_modules(root)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(_resolve(alias.name, modules) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                for alias in node.names:
                    targets.add(_resolve(f"{base}.{alias.name}", modules))
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def unit_of(module: str, root: Path = ROOT) -> str:
    """A package under fleetctl/, a module directly in fleetctl/, or a top-level package."""
    parts = module.split(".")
    if parts[0] != "fleetctl" or len(parts) == 1:
        return parts[0]
    return f"fleetctl.{parts[1]}"


def unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    units: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        units[unit_of(module)].update(unit_of(t) for t in targets if unit_of(t) != unit_of(module))
    return units


def cycle(graph: dict[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as e:
        return list(e.args[1])
    return []


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        mine = LAYER_OF[unit_of(module)]
        for target in sorted(targets):
            theirs = LAYER_OF[unit_of(target)]
            if theirs > mine:
                found.append(f"{module} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]})")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_the_walk_sees_imports_inside_functions(graph: dict[str, set[str]]) -> None:
    # fleetctl.cli imports its commands at the top; the commands import their libraries inside
    # the command functions (startup stays fast), and those must count too
    assert "fleetctl.simulate" in graph["fleetctl.commands.simulate"]
    assert len(graph) > 100


def test_no_module_imports_itself_through_a_cycle(graph: dict[str, set[str]]) -> None:
    assert cycle(graph) == []


def test_no_two_packages_import_each_other_even_indirectly(graph: dict[str, set[str]]) -> None:
    assert cycle(unit_graph(graph)) == []


def test_every_package_has_a_place_in_the_layers(graph: dict[str, set[str]]) -> None:
    assert sorted({unit_of(m) for m in graph} - set(LAYER_OF)) == []


def test_no_import_runs_up_the_layers(graph: dict[str, set[str]]) -> None:
    assert upward_imports(graph) == []


def test_the_core_types_import_nothing_else_of_fleetctl(graph: dict[str, set[str]]) -> None:
    assert graph["fleetctl.core"] == set()


def test_handlers_and_simulators_stand_alone(graph: dict[str, set[str]]) -> None:
    """handlers/ ships to Lambda alone; simulators/ is pure: neither imports the rest."""
    for top in ("handlers", "simulators"):
        outside = {
            f"{m} -> {t}"
            for m, targets in graph.items()
            if unit_of(m) == top
            for t in targets
            if unit_of(t) != top
        }
        assert outside == set(), top
