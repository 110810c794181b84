"""Helpers shared by the CLI verbs: settings, options, the checked container, progress bars.

(The one error map of every verb is ``copytrade.cli.errors``.)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from copytrade.adapters.db.errors import DatabaseUnusableError
from copytrade.adapters.db.health import check_database
from copytrade.config import Settings
from copytrade.config import load_settings as _load_settings

if TYPE_CHECKING:
    from copytrade.bootstrap import Container

err_console = Console(stderr=True)


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
    from copytrade.bootstrap import Container  # the verbs that need it pay for it

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
