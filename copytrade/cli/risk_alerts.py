"""``copytrade alerts risk add|list|remove|enable|disable|fired|check`` (docs/alerts.md,
"Risk alerts"): subscribing to copy-trading risk alerts, and one pass of the watcher
(``serve`` runs it every few seconds).

Thin, like ``alerts``: each verb calls one use case of
``copytrade.service_layer.alerts.risk``; a wrong kind, level or owner is one
``error:`` line (exit 2), and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import typer

from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.cli.rule_switch import add_switches
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.risk import LEVELS, RiskKind
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.alerts.risk import RiskAlerts, risk_rule_json
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher

risk_app = typer.Typer(
    help="Copy-trading risk alerts: drawdown, jumps, inactivity, skipped copies, "
    "max-loss, settlements, account attention (docs/alerts.md, 'Risk alerts').",
    no_args_is_help=True,
)
def _kinds_help() -> str:
    parts = []
    for kind in RiskKind:
        bounds = LEVELS[kind]
        parts.append(kind.value if bounds is None
                     else f"{kind.value} (level in {bounds[3]}, default {bounds[0]})")  # fmt: skip
    return ", ".join(parts)


@contextmanager
def _rules(database: str | None) -> Iterator[RiskAlerts]:
    with open_container(database) as container:
        container.migrate()
        yield RiskAlerts(container.uow_factory, SystemClock().now)


def _level(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise InvalidAlertError(f"--level must be a number, got {text!r}") from None


@risk_app.command("add")
def add(
    owner: str = typer.Option(..., "--owner", help="Account that subscribes and is told."),
    kind: str = typer.Option(..., "--kind", help=f"One of: {_kinds_help()}."),
    level: str | None = typer.Option(None, "--level", help="The kind's level (see --kind)."),
    provider: str | None = typer.Option(
        None, "--provider", help="Only this followed provider (default: every one followed)."
    ),
    disabled: bool = typer.Option(False, "--disabled", help="Store it switched off."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Subscribe an account to one kind of risk alert; prints its id."""
    with _rules(database) as rules:
        rule = rules.add(owner, kind, _level(level), provider, enabled=not disabled)
    if as_json:
        typer.echo(json.dumps(risk_rule_json(rule), sort_keys=True))
    else:
        typer.echo(f"{rule.id}  {rule.owner}  {rule.describe()}")


@risk_app.command("list")
def list_rules(
    owner: str | None = typer.Option(None, "--owner", help="Only this account's rules."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List risk alert subscriptions."""
    with _rules(database) as rules:
        found = rules.rules(owner)
    if as_json:
        typer.echo(json.dumps({"rules": [risk_rule_json(r) for r in found]}, sort_keys=True))
        return
    if not found:
        typer.echo("no risk alert rules")
    for r in found:
        state = "enabled" if r.enabled else "disabled"
        typer.echo(f"{r.id}  {r.owner}  {state}  {r.describe()}")


@risk_app.command("remove")
def remove(rule_id: str = typer.Argument(..., metavar="ID"),
           database: str | None = DATABASE) -> None:  # fmt: skip
    """Delete a risk alert subscription; what it fired stays listed."""
    with _rules(database) as rules:
        rules.remove(rule_id)
    typer.echo(f"removed {rule_id}")


add_switches(
    risk_app, _rules, "Switch a risk alert subscription on.",
    "Switch a risk alert subscription off.",
)


@risk_app.command("fired")
def fired(
    owner: str | None = typer.Option(None, "--owner", help="Only this account's alerts."),
    limit: int = typer.Option(100, "--limit", min=1, max=10000, help="At most this many."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List the risk alerts recorded, newest first."""
    with _rules(database) as rules:
        found = rules.fired(owner, limit)
    if as_json:
        typer.echo(json.dumps({"alerts": found}, sort_keys=True))
        return
    if not found:
        typer.echo("no risk alerts fired")
    for f in found:
        typer.echo(f"{f['fired_at']}  {f['owner']}  {f['kind']}  {f['text']}")


@risk_app.command("check")
def check(database: str | None = DATABASE, as_json: bool = JSON) -> None:
    """One pass of the watcher: record the risk alerts due now (serve does this itself)."""
    with open_container(database) as container:
        container.migrate()
        clock = SystemClock()
        venue = container.venue(clock)
        recorded = RiskWatcher(container.uow_factory, venue.prices, clock.now).run()
    typer.echo(json.dumps({"recorded": recorded}) if as_json else f"recorded {recorded}")
