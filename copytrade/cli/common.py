"""Helpers shared by the CLI verbs: settings, the checked container, and the one error map.

Every verb runs inside ``MappedErrors``: an error a user can act on (bad settings, a
scenario file, a database that cannot be used, a file that cannot be written) is
printed as one line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from copytrade.adapters.db.errors import DatabaseUnusableError
from copytrade.adapters.db.health import check_database
from copytrade.bootstrap import Container
from copytrade.config import Settings, SettingsError
from copytrade.config import load_settings as _load_settings
from copytrade.domain.errors import DomainError

err_console = Console(stderr=True)

# The areas whose errors carry a message a user can act on (each has one base class).
USER_ERRORS: tuple[type[Exception], ...] = (
    SettingsError,
    DatabaseUnusableError,
    DomainError,
    OSError,
)
USER_ERROR_EXIT = 2


class MappedErrors(TyperGroup):
    """The root command group: runs the verb and maps USER_ERRORS to one line, exit 2."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context type is private
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            # Plain echo, not Rich: it neither wraps the line nor reads [..] as markup.
            typer.echo(f"error: {_one_line(error)}", err=True)
            raise typer.Exit(code=USER_ERROR_EXIT) from None


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return str(error) or type(error).__name__


def load_settings() -> Settings:
    """The typed settings; invalid ones raise SettingsError (one line, exit 2)."""
    return _load_settings()


DATABASE = typer.Option(
    None, help="SQLite file to use instead of COPYTRADE_DATABASE_URL (e.g. copytrade-demo.db)."
)


def checked_container(settings: Settings, *, writing: bool) -> Container:
    """The composition root on a database checked usable (see adapters/db/health.py)."""
    container = Container.from_settings(settings)
    try:
        check_database(container.engine, writing=writing)
    except BaseException:
        container.close()
        raise
    return container


@contextmanager
def open_container(database: Path | None, *, writing: bool = True) -> Iterator[Container]:
    """The composition root on the configured database, or on ``database`` (SQLite)."""
    settings = load_settings()
    if database is not None:
        if not database.exists():
            raise DatabaseUnusableError(f"no database file {database}")
        settings = settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    container = checked_container(settings, writing=writing)
    try:
        yield container
    finally:
        container.close()
