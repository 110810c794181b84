"""Helpers shared by the CLI verbs: settings, the checked container, and the one error map.

Every verb runs inside ``MappedErrors``: an error a user can act on (bad settings, a
scenario file, a database that cannot be used, a file that cannot be written) is
printed as one line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from copytrade.adapters.db.errors import DatabaseUnusableError
from copytrade.adapters.db.health import check_database
from copytrade.adapters.secrets import SecretsError
from copytrade.bootstrap import Container
from copytrade.config import Settings, SettingsError
from copytrade.config import load_settings as _load_settings
from copytrade.domain.errors import DomainError
from copytrade.service_layer.exchange_accounts import ExchangeAccountError

err_console = Console(stderr=True)

# The areas whose errors carry a message a user can act on (each has one base class).
USER_ERRORS: tuple[type[Exception], ...] = (
    SettingsError,
    DatabaseUnusableError,
    DomainError,
    SecretsError,
    ExchangeAccountError,
    OSError,
)
USER_ERROR_EXIT = 2


class MappedErrors(TyperGroup):
    """The root command group: runs the verb and maps USER_ERRORS to one line, exit 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _plain_flags(self, ctx)  # before --help, which is parsed (and printed) here
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context type is private
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            # Plain echo, not Rich: it neither wraps the line nor reads [..] as markup.
            typer.echo(f"error: {_one_line(error)}", err=True)
            raise typer.Exit(code=USER_ERROR_EXIT) from None


def _plain_flags(command: Any, ctx: Any) -> None:
    """Give every flag of the command tree an empty metavar: Typer's help labels a flag,
    which takes no value, ``<bool>`` otherwise (Typer's own --help and completion too)."""
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option else [])]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _plain_flags(sub, ctx)


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return str(error) or type(error).__name__


def load_settings(**overrides: Any) -> Settings:
    """The typed settings (``overrides``, from options, win over the environment's);
    invalid ones raise SettingsError (one line, exit 2)."""
    return _load_settings(**overrides)


DATABASE = typer.Option(
    None,
    "--database",
    metavar="FILE|URL",
    help="SQLite file (e.g. copytrade-demo.db) or database URL to use instead of "
    "COPYTRADE_DATABASE_URL.",
)
JSON = typer.Option(False, "--json", metavar="", help="Print one JSON object on stdout.")


def database_url(database: str) -> str:
    """``--database``: a URL as it is (it has ``://``), else a SQLite file's URL."""
    return database if "://" in database else f"sqlite:///{database}"


def with_database(settings: Settings, database: str | None) -> Settings:
    """``settings`` on ``--database`` when given."""
    if database is None:
        return settings
    return settings.model_copy(update={"database_url": database_url(database)})


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
def open_container(database: str | None, *, writing: bool = True) -> Iterator[Container]:
    """The composition root on the configured database, or on ``--database``."""
    if database is not None and "://" not in database and not Path(database).exists():
        raise DatabaseUnusableError(f"no database file {database}")
    settings = with_database(load_settings(), database)
    container = checked_container(settings, writing=writing)
    try:
        yield container
    finally:
        container.close()


@contextmanager
def stage_bar(description: str, *, as_json: bool) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar of long work on stderr, shown only on a terminal and never with
    --json; yields ``advance(done, total)`` (total None while unknown)."""
    with Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json or not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def decimal_option(option: str, text: str | None) -> Decimal | None:
    """An option's number, exact (never a float); a bad one is the option's error."""
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise typer.BadParameter(f"{option} must be a number, got {text!r}") from None
    if not value.is_finite():
        raise typer.BadParameter(f"{option} must be a finite number, got {text!r}")
    return value
