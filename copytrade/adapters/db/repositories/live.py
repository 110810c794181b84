"""Live copy relationships and the fees their followers owe (docs/venues.md "Followers
on their own accounts", docs/settlement.md "Live relationships")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import LiveFeeOwedRow, LiveRelationshipRow, RelationshipRow


@dataclass(frozen=True, slots=True)
class OwedFee:
    key: str
    relationship_id: str
    follower: str
    kind: str
    amount: Decimal
    created_at: datetime


class LiveRelationshipRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def mark(self, relationship_id: str, exchange_account: str, now: datetime) -> None:
        self._session.add(
            LiveRelationshipRow(
                relationship_id=relationship_id, exchange_account=exchange_account,
                created_at=now,
            )
        )
        self._session.flush()

    def account_of(self, relationship_id: str) -> str | None:
        row = self._session.get(LiveRelationshipRow, relationship_id)
        return None if row is None else row.exchange_account

    def all(self) -> dict[str, str]:
        """Every live relationship's book → its linked exchange account."""
        rows = self._session.execute(
            select(LiveRelationshipRow.relationship_id, LiveRelationshipRow.exchange_account)
        )
        return {rel: account for rel, account in rows}

    def live_among(self, relationship_ids: list[str]) -> set[str]:
        if not relationship_ids:
            return set()
        found: set[str] = set()
        for start in range(0, len(relationship_ids), 500):
            chunk = relationship_ids[start : start + 500]
            found.update(
                self._session.scalars(
                    select(LiveRelationshipRow.relationship_id).where(
                        LiveRelationshipRow.relationship_id.in_(chunk)
                    )
                )
            )
        return found

    def copying_on(self, exchange_account: str) -> list[str]:
        """The relationships not stopped that copy on ``exchange_account``."""
        return list(
            self._session.scalars(
                select(LiveRelationshipRow.relationship_id)
                .join(RelationshipRow, RelationshipRow.id == LiveRelationshipRow.relationship_id)
                .where(
                    LiveRelationshipRow.exchange_account == exchange_account,
                    RelationshipRow.status != "stopped",
                )
                .order_by(LiveRelationshipRow.relationship_id)
            )
        )

    # --- fees owed -------------------------------------------------------------

    def owe(self, fee: OwedFee) -> bool:
        """Record a fee that could not be charged; False when its key was recorded before."""
        if self._session.get(LiveFeeOwedRow, fee.key) is not None:
            return False
        self._session.add(
            LiveFeeOwedRow(
                key=fee.key, relationship_id=fee.relationship_id, follower=fee.follower,
                kind=fee.kind, amount=fee.amount, created_at=fee.created_at,
            )
        )
        self._session.flush()
        return True

    def owed(self, relationship_id: str) -> list[OwedFee]:
        """The relationship's unpaid fees, oldest first."""
        rows = self._session.scalars(
            select(LiveFeeOwedRow)
            .where(
                LiveFeeOwedRow.relationship_id == relationship_id,
                LiveFeeOwedRow.paid_at.is_(None),
            )
            .order_by(LiveFeeOwedRow.created_at, LiveFeeOwedRow.key)
        )
        return [
            OwedFee(r.key, r.relationship_id, r.follower, r.kind, r.amount, r.created_at)
            for r in rows
        ]

    def paid(self, keys: list[str], now: datetime) -> None:
        if keys:
            self._session.execute(
                update(LiveFeeOwedRow).where(LiveFeeOwedRow.key.in_(keys)).values(paid_at=now)
            )
            self._session.flush()
