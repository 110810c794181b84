"""Integration fixtures: a migrated database on each backend.

``db_engine`` is parametrised over SQLite (a file in tmp_path, the embedded
default) and PostgreSQL (a fresh schema in the local ``test`` database, so
parallel runs never see each other's rows).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'copytrade.db'}")


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema made for this test alone."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(Settings(database_url=postgres_url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return sqlite_settings(tmp_path)
    url: str = request.getfixturevalue("postgres_schema_url")
    return Settings(database_url=url)


@pytest.fixture
def bare_engine(db_settings: Settings) -> Iterator[Engine]:
    """An engine on an empty database (no tables yet)."""
    engine = make_engine(db_settings)
    yield engine
    engine.dispose()


@pytest.fixture
def db_engine(bare_engine: Engine) -> Engine:
    """An engine on a database migrated to the newest revision."""
    upgrade_database(bare_engine)
    return bare_engine
