"""Subscription charges: one row per (relationship, period) (docs/fees.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class SubscriptionChargeRow(Base):
    """``status`` is ``paid`` or ``unpaid``; an unpaid row turns paid when it is paid late."""

    __tablename__ = "subscription_charges"
    __table_args__ = (UniqueConstraint("relationship_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    relationship_id: Mapped[str] = mapped_column(ForeignKey("relationships.id"), index=True)
    period: Mapped[str] = mapped_column(String(64))
    follower_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    provider_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(8))
    price: Mapped[Decimal] = money()
    provider_part: Mapped[Decimal] = money()
    platform_part: Mapped[Decimal] = money()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
