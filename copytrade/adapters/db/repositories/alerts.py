"""Alert rules and firings in SQL (docs/alerts.md, "Storage")."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ScalarSelect, Select, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.json_text import json_text
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
_RULE_COLUMNS = (
    "id", "owner", "symbol", "timeframe", "condition", "mode", "cooldown_seconds",
    "created_at", "expires_at", "enabled",
)
_INSERT_RULES = BulkStatement(insert(_RULES), _RULE_COLUMNS)
def _with_counts(
    owner: str | ScalarSelect[str] | None = None, rule_id: str | None = None
) -> Select[AlertRuleRow, int, datetime]:
    """Rules with each one's fire count and last firing, from its firings. Given the
    owner, the (owner, rule, fired at) index answers it without the firing rows."""
    f = AlertFiringRow
    fired = select(
        f.rule_id, func.count().label("fired_count"), func.max(f.fired_at).label("last_fired_at")
    )
    if owner is not None:
        fired = fired.where(f.owner == owner)
    if rule_id is not None:
        fired = fired.where(f.rule_id == rule_id)
    counts = fired.group_by(f.rule_id).subquery()
    return select(AlertRuleRow, counts.c.fired_count, counts.c.last_fired_at).outerjoin(
        counts, counts.c.rule_id == AlertRuleRow.id
    )


def _rule_of(row: AlertRuleRow, fired_count: int | None,
             last_fired_at: datetime | None) -> AlertRule:
    """A rule and its firings' count and latest time (None: it never fired)."""
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
        last_fired_at=last_fired_at,
        fired_count=fired_count or 0,
    )


def _columns(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": str(rule.id), "owner": str(rule.owner), "symbol": rule.symbol,
        "timeframe": rule.timeframe.value, "condition": str(rule.conditions),
        "mode": rule.mode.value, "cooldown_seconds": int(rule.cooldown.total_seconds()),
        "created_at": rule.created_at, "expires_at": rule.expires_at, "enabled": rule.enabled,
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
        owner = select(AlertRuleRow.owner).where(AlertRuleRow.id == rule_id).scalar_subquery()
        query = _with_counts(owner, rule_id).where(AlertRuleRow.id == rule_id)
        found = self._session.execute(query).first()
        return None if found is None else _rule_of(*found)

    def rules(self, owner: str | None = None) -> list[AlertRule]:
        """Every rule (of ``owner`` when given), oldest first."""
        query = _with_counts(owner).order_by(AlertRuleRow.created_at, AlertRuleRow.id)
        if owner is not None:
            query = query.where(AlertRuleRow.owner == owner)
        return [_rule_of(*found) for found in self._session.execute(query)]

    def fingerprint(self) -> int:
        """A hash of what a live evaluator must follow: which rules exist, switched how,
        edited how often, and the last firing stored (another process may have fired
        one). Two narrow queries, so a process can check it on every pass."""
        r = AlertRuleRow
        rules = tuple(tuple(row) for row in self._session.execute(
            select(r.id, r.enabled, r.revision).order_by(r.id)
        ))
        last = self._session.scalar(select(func.max(AlertFiringRow.id)))
        return hash((rules, last))

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

    def latest_fired_at(self) -> datetime | None:
        """The latest close time of any stored firing (indexed)."""
        return self._session.scalar(select(func.max(AlertFiringRow.fired_at)))

    def record(self, firings: Sequence[Firing]) -> None:
        """Store the firings (one statement); their rules' counts and times follow."""
        rules = [f.rule for f in firings]
        _INSERT_FIRINGS.execute_columns(self._session, {
            "rule_id": [str(rule.id) for rule in rules],
            "owner": [str(rule.owner) for rule in rules],
            "symbol": [rule.symbol for rule in rules],
            "timeframe": [rule.timeframe.value for rule in rules],
            "condition": [str(rule.conditions) for rule in rules],
            "candle_open": [f.candle_open for f in firings],
            "fired_at": [f.fired_at for f in firings],
            "indicator_values": _values_texts(firings),
        })

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


def _values_texts(firings: Sequence[Firing]) -> list[str]:
    """Each firing's values as JSON; the firings of one rule group share their values
    (the same mappings), so each distinct pair is encoded once."""
    texts: dict[tuple[int, int], str] = {}
    out = []
    for f in firings:
        key = (id(f.values), id(f.before))
        text = texts.get(key)
        if text is None:
            text = texts[key] = json_text({"values": dict(f.values), "before": dict(f.before)})
        out.append(text)
    return out
