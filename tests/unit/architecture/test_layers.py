"""The layers of README "Layout" hold in the code: imports between copytrade's
first-level packages form no cycle, the domain imports nothing else of copytrade, and
the adapters never import the pipeline, the use cases or an entry point."""

from __future__ import annotations

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import copytrade

ROOT = Path(copytrade.__file__).resolve().parent
ABOVE_ADAPTERS = {"engine", "service_layer", "stats", "reports", "bootstrap", "api", "web",
                  "server", "simulation", "demo", "bench", "cli", "whatif"}  # fmt: skip


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "copytrade" else None


def _imports() -> dict[str, set[str]]:
    """Each first-level package → the first-level packages its modules import."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        source = _package_of(".".join(parts))
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                target = _package_of(name)
                if target is not None and target != source:
                    edges[source].add(target)
    return edges


def test_no_package_cycle() -> None:
    try:
        tuple(TopologicalSorter(_imports()).static_order())
    except CycleError as error:
        raise AssertionError(f"package import cycle: {error.args[1]}") from None


def test_the_domain_imports_nothing_else_of_copytrade() -> None:
    assert _imports().get("domain", set()) == set()


def test_adapters_import_nothing_above_them() -> None:
    assert _imports().get("adapters", set()) & ABOVE_ADAPTERS == set()
