"""Provider fee models in use: subscription charges and the books that pay commission."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import ProviderRow, RelationshipRow, SubscriptionChargeRow
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.profit_share.fee_model import FeeModel

PAID = "paid"
UNPAID = "unpaid"


@dataclass(frozen=True, slots=True)
class ChargeRecord:
    """One relationship's subscription for one period: ``paid`` or ``unpaid``."""

    relationship_id: str
    period: str
    follower_id: str
    provider_id: str
    status: str
    price: Decimal
    provider_part: Decimal
    platform_part: Decimal
    updated_at: datetime

    @property
    def key(self) -> str:
        """The ledger idempotency key of this period's charge."""
        return f"sub:{self.relationship_id}:{self.period}"


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A relationship billed by subscription, with its provider's price."""

    relationship_id: str
    follower_id: str
    provider_id: str
    price: Decimal


class FeeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def subscribers(self, period_kind: str, created_before: datetime) -> list[Subscriber]:
        """Relationships still copying of subscription providers billed per ``period_kind``."""
        rel = RelationshipRow
        query = (
            select(rel.id, rel.follower_id, rel.provider_id, ProviderRow.subscription_price)
            .join(ProviderRow, ProviderRow.account_id == rel.provider_id)
            .where(
                ProviderRow.fee_model == FeeModel.SUBSCRIPTION.value,
                ProviderRow.settlement_period == period_kind,
                rel.status != RelationshipStatus.STOPPED.value,
                rel.created_at < created_before,
            )
            .order_by(rel.id)
        )
        return [
            Subscriber(r.id, r.follower_id, r.provider_id, r.subscription_price)
            for r in self._session.execute(query)
        ]

    def charge(self, relationship_id: str, period: str) -> ChargeRecord | None:
        row = self._session.scalar(
            select(SubscriptionChargeRow).where(
                SubscriptionChargeRow.relationship_id == relationship_id,
                SubscriptionChargeRow.period == period,
            )
        )
        return None if row is None else _record(row)

    def latest_unpaid(self, relationship_id: str) -> ChargeRecord | None:
        row = self._session.scalar(
            select(SubscriptionChargeRow)
            .where(
                SubscriptionChargeRow.relationship_id == relationship_id,
                SubscriptionChargeRow.status == UNPAID,
            )
            .order_by(SubscriptionChargeRow.id.desc())
            .limit(1)
        )
        return None if row is None else _record(row)

    def add(self, record: ChargeRecord) -> None:
        """A second row for the same (relationship, period) raises IntegrityError."""
        self._session.add(
            SubscriptionChargeRow(
                relationship_id=record.relationship_id,
                period=record.period,
                follower_id=record.follower_id,
                provider_id=record.provider_id,
                status=record.status,
                price=record.price,
                provider_part=record.provider_part,
                platform_part=record.platform_part,
                updated_at=record.updated_at,
            )
        )
        self._session.flush()

    def mark_paid(self, record: ChargeRecord) -> bool:
        """Turn an unpaid row paid; False when it was paid already (a concurrent payer)."""
        c = SubscriptionChargeRow
        result = self._session.execute(
            update(c)
            .where(
                c.relationship_id == record.relationship_id,
                c.period == record.period,
                c.status == UNPAID,
            )
            .values(
                status=PAID,
                provider_part=record.provider_part,
                platform_part=record.platform_part,
                updated_at=record.updated_at,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def all(self) -> list[ChargeRecord]:
        rows = self._session.scalars(
            select(SubscriptionChargeRow).order_by(SubscriptionChargeRow.id)
        )
        return [_record(row) for row in rows]

    def charges_of(self, account: str, periods: Sequence[str]) -> list[ChargeRecord]:
        """The charges ``account`` paid (follower) or earned (provider) in ``periods`` (all
        when empty), oldest first."""
        row = SubscriptionChargeRow
        query = select(row).where(or_(row.follower_id == account, row.provider_id == account))
        if periods:
            query = query.where(row.period.in_(periods))
        return [_record(r) for r in self._session.scalars(query.order_by(row.id))]

    def commission_books(self, books: Sequence[str]) -> set[str]:
        """Which of these books are relationships of a provider charging commission."""
        found: set[str] = set()
        for part in chunks(list(books)):
            query = (
                select(RelationshipRow.id)
                .join(ProviderRow, ProviderRow.account_id == RelationshipRow.provider_id)
                .where(
                    RelationshipRow.id.in_(part),
                    ProviderRow.fee_model == FeeModel.COMMISSION.value,
                )
            )
            found.update(self._session.scalars(query))
        return found


def _record(row: SubscriptionChargeRow) -> ChargeRecord:
    return ChargeRecord(
        row.relationship_id,
        row.period,
        row.follower_id,
        row.provider_id,
        row.status,
        row.price,
        row.provider_part,
        row.platform_part,
        row.updated_at,
    )
