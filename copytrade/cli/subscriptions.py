"""``copytrade subscriptions charge|pay``: subscription billing (docs/fees.md).

``charge`` bills every subscription period starting at a boundary (default: the
latest Monday or 1st 00:00 UTC not after now), once per (relationship, period)
however often it runs; ``pay`` charges a paused follower's unpaid period after a
top-up, which resumes it. A scheduler (``copytrade serve``) calls the same
``SubscriptionBilling.charge_due``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import typer

from copytrade.cli.common import DATABASE, err_console, open_container
from copytrade.domain.errors import DomainError
from copytrade.domain.profit_share.periods import latest_boundary
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.subscriptions import SubscriptionBilling

subscriptions_app = typer.Typer(
    help="Subscription billing (docs/fees.md).", no_args_is_help=True
)

AT = typer.Option(None, help="Boundary to bill (ISO time, UTC); default: the latest one.")


@subscriptions_app.command("charge")
def charge(at: str | None = AT, database: str | None = DATABASE) -> None:
    """Charge every subscription period starting at the boundary; print a JSON summary."""
    now = datetime.now(UTC)
    boundary = latest_boundary(now) if at is None else _parse(at)
    with _billing(database) as billing:
        summary = billing.charge_due(boundary)
    typer.echo(json.dumps(summary.to_json(), sort_keys=True))
    if summary.failed:
        raise typer.Exit(code=1)


@subscriptions_app.command("pay")
def pay(relationship: str, database: str | None = DATABASE) -> None:
    """Charge a relationship's unpaid period now; paid, it resumes copying."""
    with _billing(database) as billing:
        record = billing.pay_unpaid(relationship)
    if record is None:
        typer.echo(json.dumps({"relationship": relationship, "status": "nothing_unpaid"}))
        return
    typer.echo(
        json.dumps({"relationship": relationship, "period": record.period, "status": record.status})
    )
    if record.status != "paid":
        raise typer.Exit(code=1)


@contextmanager
def _billing(database: str | None) -> Iterator[SubscriptionBilling]:
    """Billing on the configured, recovered database; a refusal exits 2 with its message."""
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())  # docs/engine.md "Recovery"
        try:
            yield platform.subscriptions
        except DomainError as error:
            err_console.print(f"[red]{error}[/red]")
            raise typer.Exit(code=2) from None


def _parse(text: str) -> datetime:
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"--at must be an ISO time, got {text!r}") from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts
