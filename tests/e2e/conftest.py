"""Running example scenarios through the CLI once per test session."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"

Result = dict[str, Any]


def run_cli(scenario: Path, out: Path) -> Any:
    return CliRunner().invoke(app, ["simulate", str(scenario), "--out", str(out)])


@pytest.fixture(scope="session")
def simulate(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Result]:
    """``simulate("gate_skips")``: RESULT.json of that example, run once via the CLI."""
    cache: dict[str, Result] = {}
    folder = tmp_path_factory.mktemp("results")

    def run(name: str) -> Result:
        if name not in cache:
            out = folder / f"{name}.json"
            done = run_cli(EXAMPLES / f"{name}.yaml", out)
            assert done.exit_code == 0, done.output
            cache[name] = json.loads(out.read_text(encoding="utf-8"))
        return cache[name]

    return run
