"""Settlements: at most one per (relationship, period), enforced by the schema too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import SettlementRow
from copytrade.domain.profit_share import Settlement


@dataclass(frozen=True, slots=True)
class SettlementRecord:
    relationship_id: str
    period: str
    follower_id: str
    provider_id: str
    settlement: Settlement
    settled_at: datetime


_AMOUNTS = (
    "equity",
    "hwm_before",
    "hwm_after",
    "gross",
    "platform_fee",
    "provider_credit",
    "debit",
    "owed_before",
    "owed_after",
)


class SettlementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def exists(self, relationship_id: str, period: str) -> bool:
        found = self._session.scalar(
            select(SettlementRow.id).where(
                SettlementRow.relationship_id == relationship_id, SettlementRow.period == period
            )
        )
        return found is not None

    def add(self, record: SettlementRecord) -> None:
        amounts = {name: getattr(record.settlement, name) for name in _AMOUNTS}
        self._session.add(
            SettlementRow(
                relationship_id=record.relationship_id,
                period=record.period,
                follower_id=record.follower_id,
                provider_id=record.provider_id,
                settled_at=record.settled_at,
                **amounts,
            )
        )
        self._session.flush()

    def all(self) -> list[SettlementRecord]:
        rows = self._session.scalars(select(SettlementRow).order_by(SettlementRow.id))
        return [
            SettlementRecord(
                row.relationship_id,
                row.period,
                row.follower_id,
                row.provider_id,
                Settlement(**{name: getattr(row, name) for name in _AMOUNTS}),
                row.settled_at,
            )
            for row in rows
        ]
