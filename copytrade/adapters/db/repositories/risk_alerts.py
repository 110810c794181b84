"""Risk-alert rules and firings in SQL, and the copy records the watcher reads after
its cursors (docs/alerts.md, "Risk alerts")."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import chunks, trimmed
from copytrade.adapters.db.schema import (
    CopyDecisionRow,
    FillRow,
    OrderRow,
    RiskFiringRow,
    RiskRuleRow,
    SettlementRow,
)
from copytrade.domain.alerts.risk import RiskAlert, RiskKind, RiskRule
from copytrade.domain.ids import AccountId


@dataclass(frozen=True, slots=True)
class ProviderFill:
    """One fill of a provider's own book (not a copy), with its order's leverage."""

    id: int
    provider: str
    symbol: str
    notional: Decimal
    leverage: Decimal
    ts: datetime


def _rule(row: RiskRuleRow) -> RiskRule:
    # Without the column's scale (PostgreSQL reads 12.5 back as 12.500000000000000000),
    # so that the rule describes itself with the level as it was given.
    level = None if row.level is None else trimmed(row.level)
    return RiskRule(
        id=row.id, owner=AccountId(row.owner), kind=RiskKind(row.kind), level=level,
        provider=row.provider, created_at=row.created_at, enabled=row.enabled,
    )


class RiskAlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- rules ---------------------------------------------------------------------

    def add(self, rule: RiskRule) -> None:
        self._session.add(
            RiskRuleRow(
                id=rule.id, owner=str(rule.owner), kind=rule.kind.value, level=rule.level,
                provider=rule.provider, created_at=rule.created_at, enabled=rule.enabled,
            )
        )
        self._session.flush()

    def rules(self, owner: str | None = None, enabled_only: bool = False) -> list[RiskRule]:
        query = select(RiskRuleRow).order_by(RiskRuleRow.created_at, RiskRuleRow.id)
        if owner is not None:
            query = query.where(RiskRuleRow.owner == owner)
        if enabled_only:
            query = query.where(RiskRuleRow.enabled.is_(True))
        return [_rule(row) for row in self._session.scalars(query)]

    def get(self, rule_id: str) -> RiskRule | None:
        row = self._session.get(RiskRuleRow, rule_id)
        return None if row is None else _rule(row)

    def remove(self, rule_id: str) -> bool:
        result = self._session.execute(delete(RiskRuleRow).where(RiskRuleRow.id == rule_id))
        return bool(getattr(result, "rowcount", 0))

    def set_enabled(self, rule_id: str, enabled: bool) -> bool:
        result = self._session.execute(
            update(RiskRuleRow).where(RiskRuleRow.id == rule_id).values(enabled=enabled)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- firings -------------------------------------------------------------------

    def recorded(self, alerts: Sequence[RiskAlert]) -> set[tuple[str, str]]:
        """Which of these (rule, key) alerts are already stored."""
        keys = {(a.rule_id, a.key) for a in alerts}
        rules = sorted({rule for rule, _ in keys})
        found: set[tuple[str, str]] = set()
        # By (rule, key), the unique index: a rule's older firings are never read.
        for part in chunks(sorted({key for _, key in keys})):
            query = select(RiskFiringRow.rule_id, RiskFiringRow.key).where(
                RiskFiringRow.rule_id.in_(rules), RiskFiringRow.key.in_(part)
            )
            found.update((r.rule_id, r.key) for r in self._session.execute(query))
        return found & keys

    def record(self, alerts: Sequence[RiskAlert]) -> None:
        self._session.add_all(
            RiskFiringRow(
                rule_id=a.rule_id, owner=a.owner, kind=a.kind.value, key=a.key,
                fired_at=a.at, text=a.text, alert_values=json.dumps(dict(a.values), sort_keys=True),
            )
            for a in alerts
        )
        self._session.flush()

    def firings(self, owner: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The latest risk alerts (of ``owner`` when given), newest first."""
        f = RiskFiringRow
        query = select(f).order_by(f.id.desc()).limit(limit)
        if owner is not None:
            query = query.where(f.owner == owner)
        return [
            {
                "rule": row.rule_id, "owner": row.owner, "kind": row.kind, "key": row.key,
                "fired_at": row.fired_at.isoformat(), "text": row.text,
                "values": json.loads(row.alert_values),
            }
            for row in self._session.scalars(query)
        ]

    # --- what the watcher reads ----------------------------------------------------

    def decisions_after(self, after: int, limit: int) -> list[CopyDecisionRow]:
        """Copy decisions recorded after the row id ``after``, oldest first."""
        d = CopyDecisionRow
        query = select(d).where(d.id > after).order_by(d.id).limit(limit)
        return list(self._session.scalars(query))

    def decisions_read(
        self, after: int, limit: int, followers: Collection[str]
    ) -> tuple[int | None, list[CopyDecisionRow]]:
        """What ``decisions_after(after, limit)`` would return, as the last row id it
        reads (None: none) and only those of its rows that are skipped or capped copies
        of these followers: the watcher's one use of them, without loading the others."""
        d = CopyDecisionRow
        window = select(d.id).where(d.id > after).order_by(d.id).limit(limit).subquery()
        last = self._session.scalar(select(func.max(window.c.id)))
        if last is None or not followers:
            return last, []
        rows: list[CopyDecisionRow] = []
        for part in chunks(sorted(followers)):
            query = select(d).where(
                d.id > after, d.id <= last, d.action.in_(("skipped", "capped")),
                d.follower_id.in_(part),
            )
            rows += self._session.scalars(query)
        return last, sorted(rows, key=lambda row: row.id)

    def settlements_after(self, after: int, limit: int) -> list[SettlementRow]:
        s = SettlementRow
        query = select(s).where(s.id > after).order_by(s.id).limit(limit)
        return list(self._session.scalars(query))

    def provider_fills_after(
        self, after: int, providers: Collection[str], limit: int
    ) -> list[ProviderFill]:
        """The fills of these providers' own books after the row id ``after``."""
        found: list[ProviderFill] = []
        for part in chunks(sorted(providers)):
            found += self._fills(FillRow.id > after, FillRow.book.in_(part), limit=limit)
        return sorted(found, key=lambda f: f.id)[:limit]

    def provider_fills_before(self, provider: str, before: int, limit: int) -> list[ProviderFill]:
        """The provider's last ``limit`` fills before the row id ``before``, oldest first."""
        rows = self._fills(FillRow.book == provider, FillRow.id < before, limit=limit, newest=True)
        return rows[::-1]

    def _fills(self, *where: Any, limit: int, newest: bool = False) -> list[ProviderFill]:
        query = (
            select(FillRow.id, FillRow.book, FillRow.symbol, FillRow.qty, FillRow.price,
                   FillRow.ts, OrderRow.leverage)
            .join(OrderRow, OrderRow.id == FillRow.order_id)
            .where(*where, OrderRow.relationship_id.is_(None))
            .order_by(FillRow.id.desc() if newest else FillRow.id)
            .limit(limit)
        )  # fmt: skip
        return [
            ProviderFill(r.id, r.book, r.symbol, r.qty * r.price, r.leverage, r.ts)
            for r in self._session.execute(query)
        ]

    def last_fill_at(self, books: Collection[str]) -> dict[str, datetime]:
        """The time of each book's latest fill (books without any are left out)."""
        found: dict[str, datetime] = {}
        for part in chunks(sorted(books)):
            query = (
                select(FillRow.book, func.max(FillRow.ts))
                .where(FillRow.book.in_(part))
                .group_by(FillRow.book)
            )
            found.update({book: ts for book, ts in self._session.execute(query) if ts})
        return found
