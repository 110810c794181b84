"""Alert rules and firings in SQL (docs/alerts.md, "Storage")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import AlertFiringRow, AlertRuleRow
from copytrade.domain.alerts.firings import Firing
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId

_FIRINGS = cast(Table, AlertFiringRow.__table__)
_RULES = cast(Table, AlertRuleRow.__table__)
_FIRING_COLUMNS = (
    "rule_id", "owner", "symbol", "timeframe", "condition", "candle_open", "fired_at",
    "indicator_values",
)
_INSERT_FIRINGS = BulkStatement(insert(_FIRINGS), _FIRING_COLUMNS)
_MARK_FIRED = BulkStatement(
    update(_RULES)
    .where(_RULES.c.id == bindparam("rule"))
    .values(last_fired_at=bindparam("at"), fired_count=bindparam("count")),
    ("rule", "at", "count"),
)
_RULE_COLUMNS = (
    "id", "owner", "symbol", "timeframe", "condition", "mode", "cooldown_seconds",
    "created_at", "expires_at", "enabled", "last_fired_at", "fired_count",
)
_INSERT_RULES = BulkStatement(insert(_RULES), _RULE_COLUMNS)


def rule_of(row: AlertRuleRow) -> AlertRule:
    return AlertRule(
        id=AlertRuleId(row.id),
        owner=AccountId(row.owner),
        symbol=row.symbol,
        timeframe=Timeframe(row.timeframe),
        conditions=parse_conditions(row.condition),
        mode=FireMode(row.mode),
        cooldown=timedelta(seconds=row.cooldown_seconds),
        created_at=row.created_at,
        expires_at=row.expires_at,
        enabled=row.enabled,
        last_fired_at=row.last_fired_at,
        fired_count=row.fired_count,
    )


def _columns(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": str(rule.id), "owner": str(rule.owner), "symbol": rule.symbol,
        "timeframe": rule.timeframe.value, "condition": str(rule.conditions),
        "mode": rule.mode.value, "cooldown_seconds": int(rule.cooldown.total_seconds()),
        "created_at": rule.created_at, "expires_at": rule.expires_at, "enabled": rule.enabled,
        "last_fired_at": rule.last_fired_at, "fired_count": rule.fired_count,
    }


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rule: AlertRule) -> None:
        self.add_many([rule])

    def add_many(self, rules: Sequence[AlertRule]) -> None:
        """Insert the rules (one executemany); an id already stored fails the insert."""
        _INSERT_RULES.execute(self._session, [_columns(rule) for rule in rules])

    def get(self, rule_id: str) -> AlertRule | None:
        row = self._session.get(AlertRuleRow, rule_id)
        return None if row is None else rule_of(row)

    def rules(self, owner: str | None = None) -> list[AlertRule]:
        """Every rule (of ``owner`` when given), oldest first."""
        query = select(AlertRuleRow).order_by(AlertRuleRow.created_at, AlertRuleRow.id)
        if owner is not None:
            query = query.where(AlertRuleRow.owner == owner)
        return [rule_of(row) for row in self._session.scalars(query)]

    def fingerprint(self) -> int:
        """A hash of what a live evaluator must follow: which rules exist, switched how,
        fired how often, edited how often. One narrow query, so a process can check it
        on every pass."""
        r = AlertRuleRow
        query = select(r.id, r.enabled, r.fired_count, r.revision).order_by(r.id)
        return hash(tuple(tuple(row) for row in self._session.execute(query)))

    def remove(self, rule_id: str) -> bool:
        result = self._session.execute(delete(AlertRuleRow).where(AlertRuleRow.id == rule_id))
        return bool(getattr(result, "rowcount", 0))

    def set_enabled(self, rule_id: str, enabled: bool) -> bool:
        result = self._session.execute(
            update(AlertRuleRow).where(AlertRuleRow.id == rule_id).values(enabled=enabled)
        )
        return bool(getattr(result, "rowcount", 0))

    def replace(self, rule: AlertRule) -> bool:
        """Store an edited rule in place of the one of its id, its revision bumped."""
        values = _columns(rule)
        del values["id"]
        result = self._session.execute(
            update(AlertRuleRow).where(AlertRuleRow.id == str(rule.id))
            .values(**values, revision=AlertRuleRow.revision + 1)
        )
        return bool(getattr(result, "rowcount", 0))

    def recorded(self, firings: Sequence[Firing]) -> set[tuple[str, datetime]]:
        """Which of these (rule, time) firings are already stored."""
        keys = {(str(f.rule.id), f.fired_at) for f in firings}
        times = sorted({at for _, at in keys})
        # By close time alone (indexed): normally no row answers, whatever the batch size.
        query = select(AlertFiringRow.rule_id, AlertFiringRow.fired_at).where(
            AlertFiringRow.fired_at.in_(times)
        )
        return {(r.rule_id, r.fired_at) for r in self._session.execute(query)} & keys

    def record(self, firings: Sequence[Firing]) -> None:
        """Store the firings and each fired rule's count and time (one statement each)."""
        _INSERT_FIRINGS.execute(self._session, [_firing_row(f) for f in firings])
        _MARK_FIRED.execute(
            self._session,
            [
                {"rule": str(f.rule.id), "at": f.rule.last_fired_at, "count": f.rule.fired_count}
                for f in firings
            ],
        )

    def firings(self, owner: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The latest firings (of ``owner`` when given), newest first."""
        f = AlertFiringRow
        query = select(f).order_by(f.id.desc()).limit(limit)
        if owner is not None:
            query = query.where(f.owner == owner)
        return [
            {
                "rule": row.rule_id, "owner": row.owner, "symbol": row.symbol,
                "timeframe": row.timeframe, "condition": row.condition,
                "candle_open": row.candle_open.isoformat(), "fired_at": row.fired_at.isoformat(),
                **json.loads(row.indicator_values),
            }
            for row in self._session.scalars(query)
        ]


def _firing_row(firing: Firing) -> dict[str, Any]:
    rule = firing.rule
    return {
        "rule_id": str(rule.id), "owner": str(rule.owner), "symbol": rule.symbol,
        "timeframe": rule.timeframe.value, "condition": str(rule.conditions),
        "candle_open": firing.candle_open, "fired_at": firing.fired_at,
        "indicator_values": json.dumps(
            {"values": dict(firing.values), "before": dict(firing.before)}, sort_keys=True
        ),
    }
