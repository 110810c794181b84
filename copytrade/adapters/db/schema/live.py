"""Live copy relationships: which follower's linked exchange account a relationship's
allocation is a sub-account of, and the fees its follower owes the platform
(docs/venues.md "Followers on their own accounts", docs/settlement.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class LiveRelationshipRow(Base):
    """A relationship copied on a linked exchange account (``exchange_account``)."""

    __tablename__ = "live_relationships"

    relationship_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    exchange_account: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LiveFeeOwedRow(Base):
    """A fee of a live relationship its follower's platform balance could not pay:
    ``key`` is the fee's ledger key; ``paid_at`` is set when it is paid."""

    __tablename__ = "live_fees_owed"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    relationship_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    follower: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = money()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
