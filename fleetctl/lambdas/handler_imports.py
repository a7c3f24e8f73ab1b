"""What the transformation handlers import: the `handlers` modules reachable from the entry
points, and the third-party distributions (with their requirements) behind the other imports.

Found by reading the source (ast), so a module the handlers stop importing stops shipping.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from fleetctl.errors import PackagingError
from fleetctl.lambdas.wheels import LAMBDA_MARKERS

ENTRY_MODULES = ("handlers.telemetry", "handlers.clickstream")
LOCAL_PACKAGE = "handlers"


def local_modules(entry_modules: Iterable[str] = ENTRY_MODULES) -> list[str]:
    """Modules of the handlers package reachable from the entry points, parents included."""
    found: set[str] = set()
    pending = list(entry_modules)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.add(name)
        parts = name.split(".")
        pending.extend(".".join(parts[:i]) for i in range(1, len(parts)))
        for imported in _imports(name):
            if imported.split(".")[0] == LOCAL_PACKAGE and _is_module(imported):
                pending.append(imported)
    return sorted(found)


def third_party_imports(modules: Iterable[str]) -> list[str]:
    """Top-level names imported by `modules` that are neither stdlib nor the handlers package."""
    names = {imported.split(".")[0] for module in modules for imported in _imports(module)}
    ours = {LOCAL_PACKAGE, "__future__"}
    return sorted(n for n in names if n not in sys.stdlib_module_names and n not in ours)


def distributions_for(top_level_names: Iterable[str]) -> list[str]:
    """Installed distributions providing these import names, with their requirements."""
    providers = importlib.metadata.packages_distributions()
    wanted: list[str] = []
    for name in top_level_names:
        if name not in providers:
            raise PackagingError(
                f"the handlers import {name!r}, which no installed distribution provides"
            )
        wanted.extend(providers[name])
    found: dict[str, None] = {}
    while wanted:
        dist = _normalize(wanted.pop())
        if dist in found:
            continue
        found[dist] = None
        wanted.extend(_runtime_requirements(dist))
    return sorted(found)


def source_path(module: str) -> Path:
    """The .py file of `module`, found the way an import would find it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise PackagingError(f"cannot find the source of module {module!r}")
    return Path(spec.origin)


def _imports(module: str) -> list[str]:
    """Absolute names of what `module` imports, relative imports resolved."""
    source = source_path(module)
    tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
    is_package = source.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # `from handlers.x import name`: handlers.x.name is no module
        return False


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_requirements(dist: str) -> list[str]:
    """Requirements without extras; markers are judged for Lambda's Python, not this one."""
    from packaging.requirements import Requirement

    needed = []
    for text in importlib.metadata.requires(dist) or []:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate(LAMBDA_MARKERS):
            needed.append(requirement.name)
    return needed
