"""``copytrade reconcile``: the ledger's books against the venue's (docs/engine.md).

Compares, for every book (provider, relationship), the ledger's cash and the
platform's positions with the venue's, and runs the ledger's own check. Exit 0
when everything agrees, 1 on any difference, 2 on a usage or setting error.
It only reads: recovery, which repairs what a crash left pending, runs at the
start of every command that writes (e.g. ``copytrade settle``) and in ``serve``.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from copytrade.adapters.jsonable import decimal_text
from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.reconcile import ReconcileReport, reconcile

SHOWN = 200  # rows of the table; --json lists every difference


def reconcile_books(
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Compare ledger and venue for every book; exit 1 on any difference."""
    with open_container(database) as container:
        container.migrate()
        clock = SystemClock()
        report = reconcile(container.uow_factory, container.venue(clock), clock.now)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        _print(report)
    if not report.ok:
        raise typer.Exit(code=1)


def _print(report: ReconcileReport) -> None:
    console = Console()
    if report.differences:
        table = Table(title=f"Ledger vs venue: {len(report.differences)} difference(s)")
        for name in ("book", "role", "what"):
            table.add_column(name)
        table.add_column("ledger", justify="right")
        table.add_column("venue", justify="right")
        for d in report.differences[:SHOWN]:
            table.add_row(d.book, d.role, d.what, decimal_text(d.ledger), decimal_text(d.venue))
        console.print(table)
    for problem in report.ledger_problems():
        console.print(f"[red]ledger:[/red] {problem}")
    verdict = "[green]ledger and venue agree[/green]" if report.ok else "[red]DIFFERENT[/red]"
    console.print(
        f"{verdict}: {report.books} books, {report.venue_accounts} venue accounts, "
        f"{len(report.differences)} differences, {len(report.ledger_problems())} ledger "
        f"problems; pending: {report.outbox_pending} outbox messages, "
        f"{report.orders_pending} orders"
    )
