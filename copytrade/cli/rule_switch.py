"""``enable ID`` / ``disable ID`` of ``alerts`` and ``alerts risk`` (docs/alerts.md,
"Rules" and "Risk alerts"): switching one rule of an ``OwnedRules`` use case."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import typer

from copytrade.cli.common import DATABASE
from copytrade.service_layer.alerts.owned import OwnedRules

Rules = Callable[[str | None], AbstractContextManager[OwnedRules[Any]]]


def add_switches(app: typer.Typer, rules: Rules, on_help: str, off_help: str) -> None:
    """Register ``enable`` and ``disable`` on ``app``; ``rules(database)`` opens the use
    case on the configured (or ``--database``) database."""

    def switch(rule_id: str, database: str | None, enabled: bool) -> None:
        with rules(database) as opened:
            opened.set_enabled(rule_id, enabled)
        typer.echo(f"{'enabled' if enabled else 'disabled'} {rule_id}")

    @app.command("enable", help=on_help)
    def enable(rule_id: str = typer.Argument(..., metavar="ID"),
               database: str | None = DATABASE) -> None:  # fmt: skip
        switch(rule_id, database, True)

    @app.command("disable", help=off_help)
    def disable(rule_id: str = typer.Argument(..., metavar="ID"),
                database: str | None = DATABASE) -> None:  # fmt: skip
        switch(rule_id, database, False)
