"""Engine creation: the one place that knows how each backend is tuned."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from copytrade.config import Settings

SQLITE_CACHE_KIB = 65536
SQLITE_AUTOCHECKPOINT_PAGES = 10_000  # of 4 KiB: 40 MiB of log before SQLite folds it itself
# Execution option marking a read-only engine view: its transactions BEGIN
# deferred, so readers (the leaderboard) never queue behind the write lock.
READ_ONLY = "copytrade_read_only"


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; connects lazily, on first use."""
    url = settings.database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=settings.database_echo)
        _tune_sqlite(engine, settings.sqlite_synchronous.value)
        return engine
    return create_engine(url, echo=settings.database_echo, pool_pre_ping=True)


def _tune_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The sqlite3 module's own transaction handling would defer BEGIN and
        # fight SQLAlchemy; we emit BEGIN ourselves (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=10000")
        # 64 MiB of page cache (the default is 2 MiB): a fan-out to thousands of
        # followers writes more pages than 2 MiB in one transaction, which made
        # SQLite spill dirty pages to the WAL mid-transaction and re-read them.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # The log is folded into the file by whoever writes a burst (the alert recorder
        # after each batch); the automatic checkpoint is the backstop, at 40 MiB rather
        # than 4 MiB, so that one large commit does not pay for folding itself
        # (docs/persistence.md).
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead
        # of failing later with "database is locked" on upgrade. Read-only
        # views take a plain (deferred) BEGIN: WAL readers need no lock.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads only: on SQLite they never take the write lock."""
    return sessionmaker(bind=engine.execution_options(**{READ_ONLY: True}),
                        expire_on_commit=False)  # fmt: skip
