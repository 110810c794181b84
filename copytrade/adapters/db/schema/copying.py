"""Copy relationships (with their settings and HWM) and every copy decision."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class RelationshipRow(Base):
    __tablename__ = "relationships"
    __table_args__ = (Index("ix_relationships_provider_status", "provider_id", "status"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    follower_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[str] = mapped_column(String(16))
    stop_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pause_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Settings (docs/domain.md, Copying); symbol lists are space-separated symbols.
    mode: Mapped[str] = mapped_column(String(16))
    fixed_amount: Mapped[Decimal | None] = money(nullable=True)
    multiplier: Mapped[Decimal] = money(default=Decimal(1))
    leverage: Mapped[Decimal | None] = money(nullable=True)
    margin_mode: Mapped[str] = mapped_column(String(8), default="isolated")
    max_per_trade_pct: Mapped[Decimal] = money()
    max_open_trades: Mapped[int] = mapped_column(Integer)
    max_loss_pct: Mapped[Decimal] = money()
    slippage_pct: Mapped[Decimal] = money()
    symbols_allowed: Mapped[str] = mapped_column(Text, default="")
    symbols_blocked: Mapped[str] = mapped_column(Text, default="")
    close_on_stop: Mapped[bool] = mapped_column(Boolean, default=True)
    copy_open_positions: Mapped[bool] = mapped_column(Boolean, default=False)
    # The follower's protections (docs/domain.md, "Follower protections"); NULL: off.
    copy_stop_loss_pct: Mapped[Decimal | None] = money(nullable=True)
    copy_take_profit_pct: Mapped[Decimal | None] = money(nullable=True)
    take_profit_pct: Mapped[Decimal | None] = money(nullable=True)
    trailing_stop_pct: Mapped[Decimal | None] = money(nullable=True)
    # The trailing stop's peak: the best copy equity at a mark and the net allocation then.
    peak_equity: Mapped[Decimal | None] = money(nullable=True)
    peak_net_allocated: Mapped[Decimal | None] = money(nullable=True)
    # Money bookkeeping of the allocation (docs/domain.md: max loss, high-watermark).
    net_allocated: Mapped[Decimal] = money(default=Decimal(0))
    hwm: Mapped[Decimal] = money(default=Decimal(0))
    owed: Mapped[Decimal] = money(default=Decimal(0))
    risk_acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CopyDecisionRow(Base):
    """What the gate decided for one relationship and one provider fill, and why."""

    __tablename__ = "copy_decisions"
    __table_args__ = (UniqueConstraint("provider_fill_id", "relationship_id", "leg"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_fill_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    relationship_id: Mapped[str] = mapped_column(ForeignKey("relationships.id"), index=True)
    leg: Mapped[str] = mapped_column(String(8))
    follower_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    provider_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    symbol: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    qty: Mapped[Decimal] = money()
    notional: Mapped[Decimal] = money()
    price: Mapped[Decimal] = money()
    client_order_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SettingsChangeRow(Base):
    """One edit of a relationship's copy settings: when, and each setting's old and new
    value as JSON text (docs/domain.md, "Editing copy settings")."""

    __tablename__ = "settings_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    relationship_id: Mapped[str] = mapped_column(ForeignKey("relationships.id"), index=True)
    follower_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    changes: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PerRelationshipPeriod:
    """The key columns of a row made once per (relationship, period): settlements and
    subscription charges (the subclass adds the unique constraint on the pair)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    relationship_id: Mapped[str] = mapped_column(ForeignKey("relationships.id"), index=True)
    period: Mapped[str] = mapped_column(String(64), index=True)
    follower_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    provider_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)


class SettlementRow(PerRelationshipPeriod, Base):
    """One relationship's profit-share settlement for one period (docs/domain.md, Profit share)."""

    __tablename__ = "settlements"
    __table_args__ = (UniqueConstraint("relationship_id", "period"),)

    equity: Mapped[Decimal] = money()
    hwm_before: Mapped[Decimal] = money()
    hwm_after: Mapped[Decimal] = money()
    gross: Mapped[Decimal] = money()
    platform_fee: Mapped[Decimal] = money()
    provider_credit: Mapped[Decimal] = money()
    debit: Mapped[Decimal] = money()
    owed_before: Mapped[Decimal] = money()
    owed_after: Mapped[Decimal] = money()
    settled_at: Mapped[datetime] = mapped_column(UtcDateTime())
