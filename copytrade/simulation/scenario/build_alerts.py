"""A scenario's alert rules: indicator rules and risk subscriptions, each checked with
the field path of what is wrong (docs/scenarios.md, "Alerts")."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import datetime, timedelta

from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.risk import RiskKind, RiskRule, checked_level
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId
from copytrade.simulation.scenario.problems import Where
from copytrade.simulation.scenario.schema import AlertDoc, RiskAlertDoc


def alert_rules(
    docs: list[AlertDoc], start: datetime, accounts: Collection[str],
    symbols: Collection[str], where: Where,
) -> Iterator[AlertRule]:
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        path = f"alerts[{i}]"
        rule_id = _checked(doc.id or f"alert-{i + 1}", doc.owner, path, seen, accounts, where)
        if doc.symbol not in symbols:
            where.fail(f"{path}.symbol", f"{doc.symbol!r} is not an instrument of the scenario")
        with where.domain(f"{path}.timeframe"):
            timeframe = Timeframe.parse(doc.timeframe)
        with where.domain(f"{path}.condition"):
            conditions = parse_conditions(doc.condition)
        with where.domain(path):
            yield AlertRule(
                id=AlertRuleId(rule_id), owner=AccountId(doc.owner), symbol=doc.symbol,
                timeframe=timeframe, conditions=conditions, mode=FireMode.parse(doc.mode),
                cooldown=doc.cooldown or timedelta(0), created_at=start,
            )


def risk_rules(
    docs: list[RiskAlertDoc], start: datetime, accounts: Collection[str],
    providers: Collection[str], where: Where,
) -> Iterator[RiskRule]:
    seen: set[str] = set()
    for i, doc in enumerate(docs):
        path = f"risk_alerts[{i}]"
        rule_id = _checked(doc.id or f"risk-{i + 1}", doc.owner, path, seen, accounts, where)
        if doc.provider is not None and doc.provider not in providers:
            where.fail(f"{path}.provider", f"{doc.provider!r} is no provider of the scenario")
        with where.domain(f"{path}.kind"):
            kind = RiskKind.parse(doc.kind)
        with where.domain(f"{path}.level"):
            level = checked_level(kind, doc.level)
        yield RiskRule(rule_id, AccountId(doc.owner), kind, level, doc.provider, start)


def _checked(
    rule_id: str, owner: str, path: str, seen: set[str], accounts: Collection[str], where: Where
) -> str:
    """The rule's id, once in the file, and its owner, an account of the scenario."""
    if rule_id in seen:
        where.fail(f"{path}.id", f"alert id {rule_id!r} is used twice")
    if owner not in accounts:
        where.fail(f"{path}.owner", f"{owner!r} is no provider or follower of the scenario")
    seen.add(rule_id)
    return rule_id
