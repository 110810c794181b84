"""``copytrade reconcile``: the ledger's books against the venue's (docs/engine.md).

Compares, for every book (provider, relationship), the ledger's cash and the
platform's positions with the venue's, and runs the ledger's own check; and each
live follower's exchange account with the books of its live relationships, pausing
those of an account that differs (docs/venues.md, "Reconciling live accounts"). Exit 0
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
from copytrade.service_layer.live_reconcile import LiveReport, reconcile_live
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
        # Live relationships: their exchange accounts against their books; a mismatch
        # pauses them (the one write of this command: it fails closed, docs/venues.md).
        # Watched providers: their accounts against their positions (the same rules).
        routes, providers = container.live_routes(clock), container.watched_providers(clock)
        live = (
            reconcile_live(container.uow_factory, routes, clock.now, providers=providers)
            if routes or providers else None
        )
    if as_json:
        body = report.to_json()
        if live is not None:
            body |= {"ok": report.ok and live.ok, "live": live.to_json()}
        typer.echo(json.dumps(body))
    else:
        _print(report)
        if live is not None:
            _print_live(live)
    if not report.ok or (live is not None and not live.ok):
        raise typer.Exit(code=1)


def _print_live(live: LiveReport) -> None:
    console = Console()
    if live.differences:
        table = Table(title=f"Live accounts vs books: {len(live.differences)} difference(s)")
        for name in ("account", "what"):
            table.add_column(name)
        table.add_column("books", justify="right")
        table.add_column("exchange", justify="right")
        for d in live.differences[:SHOWN]:
            table.add_row(d.account, d.what, decimal_text(d.books), decimal_text(d.exchange))
        console.print(table)
    for account, why in live.unreachable:
        console.print(f"[red]unreachable:[/red] {account}: {why}")
    if live.paused:
        console.print(f"paused (reconciliation_mismatch): {', '.join(live.paused)}")
    verdict = "[green]live accounts agree[/green]" if live.ok else "[red]DIFFERENT[/red]"
    console.print(f"{verdict}: {live.accounts} live accounts")


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
