"""``copytrade settle`` and ``copytrade statement``: profit-share settlement (docs/domain.md,
Profit share).

``settle`` runs the settlement of the periods ending at ``--period-end``
(default: the latest period boundary not after now) and prints a Rich summary;
running it again settles nothing twice. ``statement`` shows a follower's or a
provider's settlements (a provider's without any follower's identity).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import typer
from rich.console import Console
from rich.table import Table

from copytrade.adapters.jsonable import decimal_text
from copytrade.cli.common import DATABASE, JSON, err_console, open_container, stage_bar
from copytrade.domain.errors import DomainError
from copytrade.domain.profit_share.periods import periods_ending
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.settlement.run import RunSummary, SettlementRun
from copytrade.service_layer.statements import Statement, StatementService


def _parse_time(value: str) -> datetime:
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        err_console.print(f"[red]not an ISO time: {value!r}[/red] (e.g. 2026-11-23T00:00:00Z)")
        raise typer.Exit(code=2) from None
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def settle(
    period_end: str | None = typer.Option(
        None, help="ISO period end, e.g. 2026-11-23T00:00Z (default: latest boundary ≤ now)."
    ),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Settle profit share for the periods ending at --period-end, exactly once each."""
    end = None if period_end is None else _parse_time(period_end)
    with open_container(database) as container:
        container.migrate()
        # Recovered first: the venue debits a crashed run left in the outbox are made.
        platform = container.platform(SystemClock())
        with stage_bar("settling relationships", as_json=as_json) as advance:
            run = SettlementRun(
                platform.uow,
                platform.settlements,
                platform.clock.now,
                on_batch=lambda done: advance(done, None),
            )
            try:
                summary = run.run(end)
            except DomainError as error:
                err_console.print(f"[red]cannot settle:[/red] {error}")
                raise typer.Exit(code=2) from None
        platform.engine.pump()  # relays what the run wrote: nothing is left pending
    if as_json:
        typer.echo(json.dumps(summary.to_json()))
    else:
        Console().print(_summary_table(summary))
    if summary.failed:
        raise typer.Exit(code=1)


def _summary_table(summary: RunSummary) -> Table:
    table = Table(title=f"Settlement {', '.join(summary.periods)}", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("period end", summary.period_end.isoformat())
    table.add_row("relationships due", str(summary.candidates))
    table.add_row("settled now", str(summary.settled))
    table.add_row("settled before", str(summary.already_settled))
    table.add_row("failed", str(len(summary.failed)))
    for name, value in summary.totals.items():
        table.add_row(name.replace("_", " "), decimal_text(value))
    for rel, why in summary.failed[:10]:
        table.add_row(f"[red]{rel}[/red]", why)
    return table


def statement(
    follower: str | None = typer.Option(None, help="Follower account id."),
    provider: str | None = typer.Option(None, help="Provider account id."),
    period: str | None = typer.Option(
        None, help="Period id (2026-W47, 2026-11, stop:follower) or ISO period end; default all."
    ),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """A follower's or a provider's settlements: fees, earnings and amounts owed."""
    if (follower is None) == (provider is None):
        err_console.print("[red]give exactly one of --follower ID or --provider ID[/red]")
        raise typer.Exit(code=2)
    periods = _period_ids(period)
    with open_container(database) as container:
        container.migrate()
        service = StatementService(container.uow_factory)
        if follower is not None:
            result = service.follower(follower, periods)
        else:
            result = service.provider(str(provider), periods)
    if as_json:
        typer.echo(json.dumps(result.to_json()))
    else:
        Console().print(_statement_table(result))


def _period_ids(period: str | None) -> list[str]:
    if period is None:
        return []
    if "T" not in period:
        return [period]
    ids = [p.id for p in periods_ending(_parse_time(period))]
    if not ids:
        err_console.print(f"[red]{period} ends no settlement period[/red]")
        raise typer.Exit(code=2)
    return ids


def _statement_table(result: Statement) -> Table:
    scope = ", ".join(result.periods) or "all periods"
    table = Table(title=f"Statement of {result.role} {result.who} ({scope})")
    rows = [line.__class__.__dataclass_fields__ for line in result.lines[:1]]
    names = list(rows[0]) if rows else ["period", "gross", "provider_credit", "platform_fee"]
    for name in names:
        table.add_column(name.replace("_", " "), justify="left" if "id" in name else "right")
    for line in result.lines:
        table.add_row(*(_cell(getattr(line, name)) for name in names))
    table.caption = " · ".join(f"{k} {v}" for k, v in result.to_json()["totals"].items())
    return table


def _cell(value: object) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
