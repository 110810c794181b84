"""Helpers shared by the CLI verbs: settings loading with a readable error."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

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
