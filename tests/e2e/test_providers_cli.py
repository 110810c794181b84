"""``copytrade providers block-execution``: see and set a provider's block-execution
setting (docs/engine.md "Block execution")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.cli.app import app
from copytrade.config import Settings
from tests.integration.engine.harness import Harness


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "books.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    h = Harness(engine)
    h.provider("pro", "10000")
    h.follower("ann", "5000")
    engine.dispose()
    return path


def invoke(db: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(
        app, ["providers", "block-execution", *args, "--database", str(db)],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == code, result.output
    return result.output


def test_the_setting_is_shown_set_and_given_back_to_the_platform(db: Path) -> None:
    assert "off, by the platform's setting (off)" in invoke(db, "pro")
    assert json.loads(invoke(db, "pro", "on", "--json")) == {
        "provider": "pro", "own": True, "platform": False, "enabled": True,
    }  # fmt: skip
    assert "on, by its own setting" in invoke(db, "pro")
    assert json.loads(invoke(db, "pro", "default", "--json"))["own"] is None


def test_a_follower_is_no_provider(db: Path) -> None:
    assert "'ann' is not a provider" in invoke(db, "ann", "on", code=1)
