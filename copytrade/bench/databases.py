"""Fresh databases for a benchmark run: a SQLite file, or a PostgreSQL schema.

``--database`` absent: a new SQLite file in a temporary directory, opened by
``make_engine`` with the run's ``synchronous`` pragma. A PostgreSQL URL: a new
schema made for this run alone (``bench_<hex>``), reached through
``search_path``, and dropped with everything in it afterwards, so the bench
never reads or writes a table it did not make. Either way the database is
removed whatever happens (docs/benchmarks.md).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings, SqliteSync


def is_postgres(url: str | None) -> bool:
    return url is not None and url.startswith("postgresql")


def check_database_url(url: str | None) -> None:
    """Refuse what the bench cannot make fresh: only PostgreSQL URLs (or none) are taken."""
    if url is not None and not is_postgres(url):
        raise ValueError(
            f"--database takes a PostgreSQL URL (postgresql+psycopg://...), got {url!r}; "
            "without it the bench runs on a fresh SQLite file"
        )


def with_search_path(url: str, schema: str) -> str:
    """``url`` with its connections' search path set to ``schema`` only."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema(url: str, prefix: str = "bench") -> Iterator[str]:
    """A schema of its own in the PostgreSQL database at ``url`` (its URL), dropped after."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(Settings(database_url=url))
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield with_search_path(url, schema)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def fresh_database(
    url: str | None, synchronous: SqliteSync, name: str, migrate: bool = True
) -> Iterator[Engine]:
    """An engine on a new, empty database (migrated to the newest revision if ``migrate``)."""
    check_database_url(url)
    with _fresh_url(url, name) as fresh_url:
        engine = make_engine(Settings(database_url=fresh_url, sqlite_synchronous=synchronous))
        try:
            if migrate:
                upgrade_database(engine)
            yield engine
        finally:
            engine.dispose()


@contextmanager
def _fresh_url(url: str | None, name: str) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory(prefix="copytrade-bench-") as tmp:
            yield f"sqlite:///{Path(tmp) / name}"
    else:
        with fresh_schema(url) as schema_url:
            yield schema_url
