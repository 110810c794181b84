"""Checks an entry point runs before it uses a database (docs/persistence.md, "Opening").

``check_database`` connects once and refuses, with a ``DatabaseUnusableError`` that
says what to do: a database it cannot reach, a file that is not SQLite, a schema at
a migration this copytrade does not know (written by a newer one), and, when the
caller will write, a SQLite file that fails ``PRAGMA quick_check``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from copytrade.adapters.db.engine import READ_ONLY
from copytrade.adapters.db.errors import (
    CorruptDatabaseError,
    DatabaseNotEmptyError,
    DatabaseUnreachableError,
    NotADatabaseError,
    UnknownRevisionError,
)
from copytrade.adapters.db.migrate import alembic_config

SQLITE_HEADER = b"SQLite format 3\x00"
_RESTORE = "restore it from a backup, or recover it with sqlite3's .recover command"


def describe(engine: Engine) -> str:
    """The database as a user wrote it, without its password."""
    return engine.url.render_as_string(hide_password=True)


def check_database(engine: Engine, *, writing: bool) -> None:
    """Refuse a database this process cannot use (or, ``writing``, must not write to)."""
    path = sqlite_path(engine)
    if path is not None:
        check_sqlite_file(path)
    try:
        # A read-only view: on SQLite it does not take the write lock to look.
        with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
            _check_revision(engine, conn)
            if writing and path is not None:
                _quick_check(conn, path)
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if path is not None and "not a database" in reason:
            raise NotADatabaseError(f"{path} is not a SQLite database file") from None
        if path is not None and "malformed" in reason:
            raise CorruptDatabaseError(f"{path} is damaged ({reason}); {_RESTORE}") from None
        raise DatabaseUnreachableError(
            f"cannot open the database {describe(engine)}: {reason}"
        ) from None


def check_empty(engine: Engine) -> None:
    """Refuse a database that has any table already (``simulate --db``)."""
    tables = sorted(inspect(engine).get_table_names())
    if tables:
        listed = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise DatabaseNotEmptyError(
            f"{describe(engine)} is not empty ({len(tables)} tables: {listed}); "
            "give an empty database, or none for a temporary one"
        )


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine; None for another backend or an in-memory database."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    return Path(str(engine.url.database))


def check_sqlite_file(path: Path) -> None:
    """Refuse a path whose folder is missing, or that holds something other than SQLite."""
    if not path.parent.is_dir():
        raise DatabaseUnreachableError(
            f"cannot open the SQLite database {path}: the folder {path.parent} does not exist"
        )
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a SQLite database file")
    if _is_foreign_file(path):
        raise NotADatabaseError(f"{path} is not a SQLite database file")


def _is_foreign_file(path: Path) -> bool:
    """Whether ``path`` is a non-empty file without SQLite's header (so not ours to use)."""
    if not path.is_file() or path.stat().st_size == 0:
        return False
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) != SQLITE_HEADER


def _check_revision(engine: Engine, conn: Connection) -> None:
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    known = {script.revision for script in scripts.walk_revisions()}
    if current not in known:
        raise UnknownRevisionError(
            f"the database {describe(engine)} is at migration {current!r}, which this "
            f"copytrade does not know (its newest is {scripts.get_current_head()!r}): a newer "
            "copytrade wrote it; run that version, or point COPYTRADE_DATABASE_URL elsewhere"
        )


def _quick_check(conn: Connection, path: Path) -> None:
    # quick_check: integrity_check without the index cross-checks, one pass over the pages.
    found = [row[0] for row in conn.execute(text("PRAGMA quick_check(2)"))]
    if found != ["ok"]:
        lines = [ln for f in found for ln in f.splitlines() if ln and not ln.startswith("***")]
        raise CorruptDatabaseError(
            f"{path} fails SQLite's integrity check ({lines[0] if lines else found[0]}, …); "
            "nothing was written; "
            f"{_RESTORE}"
        )


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """The database's migration and the newest this copytrade knows (its head).

    Connects (read-only) each call; a database it cannot reach raises ``DBAPIError``.
    """
    with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, ScriptDirectory.from_config(alembic_config()).get_current_head()
