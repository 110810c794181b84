"""Subscription charges: one row per (relationship, period) (docs/fees.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import Base, money
from copytrade.adapters.db.schema.copying import PerRelationshipPeriod
from copytrade.adapters.db.types import UtcDateTime


class SubscriptionChargeRow(PerRelationshipPeriod, Base):
    """``status`` is ``paid`` or ``unpaid``; an unpaid row turns paid when it is paid late."""

    __tablename__ = "subscription_charges"
    __table_args__ = (UniqueConstraint("relationship_id", "period"),)

    status: Mapped[str] = mapped_column(String(8))
    price: Mapped[Decimal] = money()
    provider_part: Mapped[Decimal] = money()
    platform_part: Mapped[Decimal] = money()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
