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

# A provider holding 1 BTC perpetual, the last mark 37,000 (the orders and positions
# CLI tests act on it).
HOLDING = (Path(__file__).parent / "holding.yaml").read_text(encoding="utf-8")


def run_cli(scenario: Path, out: Path, *db: str) -> Any:
    return CliRunner().invoke(app, ["simulate", str(scenario), "--out", str(out), *db])


@pytest.fixture(scope="session")
def examples_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each example's RESULT.json and database are kept for the session."""
    return tmp_path_factory.mktemp("results")


@pytest.fixture(scope="session")
def simulate(examples_folder: Path) -> Callable[[str], Result]:
    """``simulate("gate_skips")``: RESULT.json of that example, run once via the CLI.

    Its database is kept as ``<examples_folder>/<name>.db`` (see ``example_db``).
    """
    cache: dict[str, Result] = {}

    def run(name: str) -> Result:
        if name not in cache:
            out = examples_folder / f"{name}.json"
            db = f"sqlite:///{example_db(examples_folder, name)}"
            done = run_cli(EXAMPLES / f"{name}.yaml", out, "--db", db)
            assert done.exit_code == 0, done.output
            cache[name] = json.loads(out.read_text(encoding="utf-8"))
        return cache[name]

    return run


def simulate_text(folder: Path, text: str) -> tuple[Result, Path]:
    """RESULT.json of ``copytrade simulate`` on the scenario ``text``, and the database it
    played on (``folder/scenario.db``, for the CLI's other verbs)."""
    scenario, out, database = (
        folder / "scenario.yaml",
        folder / "result.json",
        folder / "scenario.db",
    )
    scenario.write_text(text, encoding="utf-8")
    done = run_cli(scenario, out, "--database", str(database))
    assert done.exit_code == 0, done.output
    result: Result = json.loads(out.read_text(encoding="utf-8"))
    return result, database


def simulated_database(folder: Path, text: str) -> str:
    """The database ``copytrade simulate`` played the scenario ``text`` on, as the CLI's
    other verbs take it (``--database``)."""
    return str(simulate_text(folder, text)[1])


def example_db(folder: Path, name: str) -> Path:
    return folder / f"{name}.db"
