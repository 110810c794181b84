"""Copy decisions: what the gate decided for each follower of each provider fill, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import CopyDecisionRow
from copytrade.domain.copying.plan import PlannedDecision


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    provider_fill_id: str
    relationship_id: str
    leg: str
    follower_id: str
    provider_id: str
    symbol: str
    action: str
    reason: str | None
    qty: Decimal
    notional: Decimal
    price: Decimal
    client_order_id: str | None
    created_at: datetime


_FIELDS = tuple(DecisionRecord.__dataclass_fields__)
_TABLE = cast(Table, CopyDecisionRow.__table__)
_INSERT = BulkStatement(insert(_TABLE), _FIELDS)
_MARK_REJECTED = BulkStatement(
    update(_TABLE)
    .where(_TABLE.c.client_order_id == bindparam("key"))
    .values(action=bindparam("new_action"), reason=bindparam("new_reason")),
    ("key", "new_action", "new_reason"),
)


def _record(row: CopyDecisionRow) -> DecisionRecord:
    return DecisionRecord(**{name: getattr(row, name) for name in _FIELDS})


class DecisionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, decisions: Sequence[DecisionRecord]) -> None:
        rows = [{name: getattr(d, name) for name in _FIELDS} for d in decisions]
        _INSERT.execute(self._session, rows)

    def add_planned(self, decisions: Sequence[PlannedDecision]) -> None:
        """The copy pipeline's decisions for one provider fill, in one statement."""
        rows = [
            {
                "provider_fill_id": d.provider_fill_id,
                "relationship_id": d.relationship_id,
                "leg": d.leg.value,
                "follower_id": d.follower_id,
                "provider_id": d.provider_id,
                "symbol": d.symbol,
                "action": d.decision.action.value,
                "reason": d.decision.reason.value if d.decision.reason else None,
                "qty": d.decision.qty,
                "notional": d.decision.notional,
                "price": d.decision.price,
                "client_order_id": d.client_order_id,
                "created_at": d.created_at,
            }
            for d in decisions
        ]
        _INSERT.execute(self._session, rows)

    def mark_rejected(self, reasons: dict[str, str | None]) -> None:
        """A placed copy the venue refused becomes a skip with the venue's reason."""
        rows = [
            {"key": key, "new_action": "skipped", "new_reason": f"venue:{reason}"}
            for key, reason in reasons.items()
        ]
        _MARK_REJECTED.execute(self._session, rows)

    def _query(self, *conditions: object) -> list[DecisionRecord]:
        rows = self._session.scalars(
            select(CopyDecisionRow).where(*conditions).order_by(CopyDecisionRow.id)  # type: ignore[arg-type]
        )
        return [_record(row) for row in rows]

    def for_relationship(self, relationship_id: str) -> list[DecisionRecord]:
        return self._query(CopyDecisionRow.relationship_id == relationship_id)

    def page_for_relationship(
        self, relationship_id: str, limit: int, offset: int
    ) -> tuple[list[DecisionRecord], int]:
        """One page of a relationship's decisions, newest first, and how many there are."""
        mine = CopyDecisionRow.relationship_id == relationship_id
        total = self._session.scalar(select(func.count()).where(mine))
        query = select(CopyDecisionRow).where(mine).order_by(CopyDecisionRow.id.desc())
        rows = self._session.scalars(query.limit(limit).offset(offset))
        return [_record(row) for row in rows], int(total or 0)

    def all(self) -> list[DecisionRecord]:
        return self._query()

    def counts_by_provider(self) -> dict[str, dict[tuple[str, str | None], int]]:
        """provider -> (action, reason) -> how many decisions: the copy outcomes."""
        rows = self._session.execute(
            select(
                CopyDecisionRow.provider_id,
                CopyDecisionRow.action,
                CopyDecisionRow.reason,
                func.count(),
            ).group_by(CopyDecisionRow.provider_id, CopyDecisionRow.action, CopyDecisionRow.reason)
        )
        counts: dict[str, dict[tuple[str, str | None], int]] = {}
        for provider, action, reason, count in rows:
            counts.setdefault(provider, {})[(action, reason)] = count
        return counts
