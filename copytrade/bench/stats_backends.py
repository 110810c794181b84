"""The databases ``bench stats`` runs on: a fresh SQLite file, a fresh PostgreSQL schema.

Both are migrated to the newest revision and opened by ``make_engine`` (the
engine's own settings); both are removed afterwards, whatever happens.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, text

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.bench.databases import fresh_schema
from copytrade.config import Settings

# The local test database the integration tests use (tests/conftest.py).
DEFAULT_POSTGRES_URL = os.environ.get(
    "CT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def sqlite_database() -> Iterator[Engine]:
    with (
        tempfile.TemporaryDirectory(prefix="copytrade-bench-stats-") as tmp,
        _migrated(f"sqlite:///{Path(tmp) / 'stats.db'}") as engine,
    ):
        yield engine


def postgres_unreachable(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used (None when it answers a query)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    try:
        with socket.create_connection((host, port), timeout=1.0):
            pass
    except OSError as error:
        return f"PostgreSQL is not reachable at {host}:{port} ({error})"
    engine = make_engine(Settings(database_url=url))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver or auth failure means: run without it
        return f"PostgreSQL at {host}:{port} refused the bench: {error}"
    finally:
        engine.dispose()
    return None


@contextmanager
def postgres_database(url: str) -> Iterator[Engine]:
    """A schema made for this run alone (as tests/integration/conftest.py does), dropped after."""
    with fresh_schema(url) as schema_url, _migrated(schema_url) as engine:
        yield engine


@contextmanager
def bench_database(postgres_url: str | None) -> Iterator[Engine]:
    """A fresh SQLite file, or a fresh schema of PostgreSQL at ``postgres_url``."""
    if postgres_url is None:
        with sqlite_database() as engine:
            yield engine
    else:
        with postgres_database(postgres_url) as engine:
            yield engine


@contextmanager
def _migrated(url: str) -> Iterator[Engine]:
    engine = make_engine(Settings(database_url=url))
    try:
        upgrade_database(engine)
        yield engine
    finally:
        engine.dispose()
