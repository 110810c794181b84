"""Helpers shared by the CLI verbs: settings loading with a readable error, the container."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console

from copytrade.bootstrap import Container
from copytrade.config import Settings

err_console = Console(stderr=True)


def load_settings() -> Settings:
    """The typed settings, or exit 2 with what is wrong and how to fix it."""
    try:
        return Settings()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(p) for p in problem["loc"]) or "settings"
            err_console.print(f"[red]configuration error[/red] ({where}): {problem['msg']}")
        raise typer.Exit(code=2) from None


DATABASE = typer.Option(
    None, help="SQLite file to use instead of COPYTRADE_DATABASE_URL (e.g. copytrade-demo.db)."
)


@contextmanager
def open_container(database: Path | None) -> Iterator[Container]:
    """The composition root on the configured database, or on ``database`` (SQLite)."""
    settings = load_settings()
    if database is not None:
        if not database.exists():
            err_console.print(f"[red]no database file {database}[/red]")
            raise typer.Exit(code=2)
        settings = settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    container = Container.from_settings(settings)
    try:
        yield container
    finally:
        container.close()
