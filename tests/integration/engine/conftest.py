"""Fixtures of the engine's process tests: a migrated database by URL, on each backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database that a child process can open too."""
    if request.param == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'engine.db'}"
    else:
        database_url = request.getfixturevalue("postgres_schema_url")
    db = make_engine(Settings(database_url=database_url))
    upgrade_database(db)
    db.dispose()
    return database_url
