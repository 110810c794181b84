"""``copytrade alerts add|list|remove|enable|disable|fired|replay`` (docs/alerts.md);
``alerts channels …`` and ``alerts deliver`` are in ``alert_channels.py``.

Thin: each verb parses its options, calls one use case of
``copytrade.service_layer.alerts`` and prints a line, a table or, with ``--json``,
one JSON object. A condition, symbol, timeframe or option that is wrong is refused
with one ``error:`` line naming the wrong part (exit 2), and nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer

from copytrade.cli.alert_channels import channels_app, deliver
from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.cli.risk_alerts import risk_app
from copytrade.cli.rule_switch import add_switches
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId
from copytrade.marketdata import (
    BarTicks,
    CsvReplayFeed,
    PriceFeed,
    SyntheticFeed,
    default_symbol_specs,
)
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.alerts.replay import replay as replay_rules
from copytrade.service_layer.alerts.rules import AlertRules, rule_json
from copytrade.simulation.scenario import load_scenario

alerts_app = typer.Typer(
    help="Technical-indicator alerts: rules on candles, fired in-app (docs/alerts.md).",
    no_args_is_help=True,
)
alerts_app.add_typer(channels_app, name="channels")
alerts_app.add_typer(risk_app, name="risk")
alerts_app.command("deliver")(deliver)

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

EVERY = typer.Option(
    False, "--every", help="Fire every time the condition becomes true (default: once)."
)
COOLDOWN = typer.Option(
    "0", "--cooldown", metavar="DURATION",
    help="With --every: the least time between two firings, e.g. 90s, 15m, 4h, 1d.",
)


def parse_duration(text: str, what: str = "--cooldown") -> timedelta:
    match = _DURATION.match(text)
    if match is None:
        raise InvalidAlertError(
            f"{what} must be a whole number with s, m, h or d (e.g. 15m), got {text!r}"
        )
    return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def _time(text: str, what: str) -> datetime:
    try:
        ts = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidAlertError(f"{what} must be an ISO time, got {text!r}") from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


@contextmanager
def _rules(database: str | None) -> Iterator[AlertRules]:
    """The rules use case on the configured (or --database), migrated database."""
    with open_container(database) as container:
        container.migrate()
        yield AlertRules(container.uow_factory, SystemClock().now)


@alerts_app.command("add")
def add(
    symbol: str = typer.Argument(..., help="Instrument symbol, e.g. BTC/USDT."),
    timeframe: str = typer.Argument(..., help="Candle timeframe: 1m, 5m, 15m, 1h, 4h or 1d."),
    condition: str = typer.Argument(
        ..., help="Condition, e.g. 'RSI(14) crosses above 70' (quote it)."
    ),
    owner: str = typer.Option(..., "--owner", help="Account that owns and is told."),
    every: bool = EVERY,
    cooldown: str = COOLDOWN,
    expires: str | None = typer.Option(
        None, "--expires", metavar="TIME", help="ISO time after which it never fires (UTC)."
    ),
    disabled: bool = typer.Option(False, "--disabled", help="Store it switched off."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Create an alert rule on SYMBOL's TIMEFRAME candles; prints its id."""
    wait = parse_duration(cooldown)
    until = None if expires is None else _time(expires, "--expires")
    with _rules(database) as rules:
        rule = rules.add(
            owner, symbol, timeframe, condition, mode="every" if every else "once",
            cooldown=wait, expires_at=until, enabled=not disabled,
        )
    if as_json:
        typer.echo(json.dumps(rule_json(rule, SystemClock().now()), sort_keys=True))
    else:
        typer.echo(f"{rule.id}  {rule.symbol} {rule.timeframe.value}  {rule.conditions}")


@alerts_app.command("list")
def list_rules(
    owner: str | None = typer.Option(None, "--owner", help="Only this account's rules."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List alert rules with their status (active, disabled, expired, spent)."""
    with _rules(database) as rules:
        found = rules.rules(owner)
    now = SystemClock().now()
    if as_json:
        typer.echo(json.dumps({"rules": [rule_json(r, now) for r in found]}, sort_keys=True))
        return
    if not found:
        typer.echo("no alert rules")
    for r in found:
        mode = "once" if r.mode is FireMode.ONCE else f"every (cooldown {r.cooldown})"
        typer.echo(
            f"{r.id}  {r.owner}  {r.symbol} {r.timeframe.value}  {r.status(now)}  "
            f"{mode}  fired {r.fired_count}x  {r.conditions}"
        )


@alerts_app.command("remove")
def remove(
    rule_id: str = typer.Argument(..., metavar="ID", help="The rule's id (see `alerts list`)."),
    database: str | None = DATABASE,
) -> None:
    """Delete an alert rule; what it fired stays listed by `alerts fired`."""
    with _rules(database) as rules:
        rules.remove(rule_id)
    typer.echo(f"removed {rule_id}")


add_switches(
    alerts_app, _rules, "Switch an alert rule on.",
    "Switch an alert rule off (kept, never fires until enabled).",
)


@alerts_app.command("fired")
def fired(
    owner: str | None = typer.Option(None, "--owner", help="Only this account's firings."),
    limit: int = typer.Option(100, "--limit", min=1, max=10000, help="At most this many."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List what fired, newest first, with the indicator values at the time."""
    with _rules(database) as rules:
        found = rules.firings(owner, limit)
    if as_json:
        typer.echo(json.dumps({"firings": found}, sort_keys=True))
        return
    for f in found:
        typer.echo(f"{f['fired_at']}  {f['rule']}  {f['symbol']} {f['timeframe']}  "
                   f"{f['condition']}  {_values(f['values'])}")


def _values(values: Mapping[str, str | None]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


@alerts_app.command("replay")
def replay(
    condition: str | None = typer.Option(
        None, "--condition", help="Replay this condition (needs --symbol, --timeframe) "
        "instead of stored rules."
    ),
    symbol: str | None = typer.Option(None, "--symbol", help="Symbol of --condition."),
    timeframe: str | None = typer.Option(None, "--timeframe", help="Timeframe of --condition."),
    every: bool = EVERY,
    cooldown: str = COOLDOWN,
    rule_ids: list[str] | None = typer.Option(
        None, "--rule", metavar="ID", help="Stored rule to replay (repeatable; default: all)."
    ),
    owner: str | None = typer.Option(None, "--owner", help="Only this account's stored rules."),
    csv: Path | None = typer.Option(
        None, "--csv", metavar="FILE", help="Recorded OHLCV history (docs/marketdata.md); "
        "default: the synthetic feed."
    ),
    seed: int = typer.Option(42, "--seed", help="Synthetic feed seed."),
    start: str = typer.Option(
        "2026-01-01T00:00:00Z", "--start", metavar="TIME", help="Synthetic history start."
    ),
    days: int = typer.Option(3, "--days", min=1, max=60, help="Synthetic history length."),
    step: str = typer.Option(
        "15s", "--step", metavar="DURATION", help="Synthetic tick interval."
    ),
    scenario: Path | None = typer.Option(
        None, "--scenario", metavar="FILE", help="A scenario file (docs/scenarios.md): its "
        "prices are the history and, without --condition, its alert rules are replayed."
    ),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List when rules would have fired over recorded (--csv) or synthetic history."""
    if scenario is not None:
        _print_firings(*_scenario_replay(scenario, condition, symbol, timeframe, every,
                                         parse_duration(cooldown)), as_json)  # fmt: skip
        return
    if condition is not None:
        rules = [_ad_hoc(condition, symbol, timeframe, every, parse_duration(cooldown))]
    else:
        with _rules(database) as stored:
            rules = [r for r in stored.rules(owner) if not rule_ids or r.id in rule_ids]
            missing = sorted(set(rule_ids or ()) - {str(r.id) for r in rules})
        if missing:
            raise InvalidAlertError(f"no alert rule {', '.join(missing)}")
    symbols = sorted({r.symbol for r in rules})
    feed = _feed(csv, symbols, seed, _time(start, "--start"), days, step)
    absent = sorted(set(symbols) - set(feed.symbols))
    if absent:
        raise InvalidAlertError(
            f"the history has no {', '.join(absent)}; it has {', '.join(feed.symbols)}"
        )
    firings = replay_rules(rules, feed)
    _print_firings(firings, len(rules), as_json)


def _scenario_replay(path: Path, condition: str | None, symbol: str | None,
                     timeframe: str | None, every: bool, cooldown: timedelta,
                     ) -> tuple[list[Firing], int]:  # fmt: skip
    """Replay over a scenario's prices: its own rules, or one --condition."""
    loaded = load_scenario(path)
    if condition is not None:
        rules = [_ad_hoc(condition, symbol, timeframe, every, cooldown)]
    else:
        rules = list(loaded.alerts)
        if not rules:
            raise InvalidAlertError(f"{path} has no alerts; give --condition")
    return replay_rules(rules, loaded.prices), len(rules)


def _ad_hoc(condition: str, symbol: str | None, timeframe: str | None, every: bool,
            cooldown: timedelta) -> AlertRule:
    if symbol is None or timeframe is None:
        raise InvalidAlertError("--condition needs --symbol and --timeframe")
    return AlertRule(
        id=AlertRuleId("replay"), owner=AccountId("replay"), symbol=symbol,
        timeframe=Timeframe.parse(timeframe), conditions=parse_conditions(condition),
        mode=FireMode.EVERY if every else FireMode.ONCE, cooldown=cooldown,
        created_at=datetime(1970, 1, 1, tzinfo=UTC),
    )


def _feed(csv: Path | None, symbols: list[str], seed: int, start: datetime, days: int,
          step: str) -> PriceFeed:
    if csv is not None:
        # One tick per bar would give every 1m candle a single price; four keep the range.
        if len(symbols) == 1:
            return CsvReplayFeed(csv, symbols[0], ticks=BarTicks.OHLC)
        return CsvReplayFeed(csv, ticks=BarTicks.OHLC)
    interval = parse_duration(step, "--step")
    if interval <= timedelta(0):
        raise InvalidAlertError("--step must be more than 0")
    steps = int(timedelta(days=days) / interval) + 1
    return SyntheticFeed(seed, default_symbol_specs(*symbols), start, interval, steps)


def _firing_json(f: Firing) -> dict[str, Any]:
    notice = f.notice()
    return {**notice, "owner": notice.pop("to")}


def _print_firings(firings: list[Firing], rules: int, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(
            {"rules": rules, "firings": [_firing_json(f) for f in firings]}, sort_keys=True
        ))
        return
    for f in firings:
        typer.echo(f"{f.fired_at.isoformat()}  {f.rule.id}  {f.rule.symbol} "
                   f"{f.rule.timeframe.value}  {f.rule.conditions}  {_values(f.values)}")
    typer.echo(f"{len(firings)} firings of {rules} rules")
