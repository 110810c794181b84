"""Accounts, provider terms and instruments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class AccountRow(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    is_provider: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProviderRow(Base):
    __tablename__ = "providers"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    share_pct: Mapped[Decimal] = money()
    subscription_price: Mapped[Decimal | None] = money(nullable=True)
    follower_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The smallest allocation a follower may copy with (docs/api.md, Rules a follow must pass).
    min_allocation: Mapped[Decimal | None] = money(nullable=True)
    settlement_period: Mapped[str] = mapped_column(String(16), default="weekly")
    # The provider's own book: isolated or cross margin (docs/domain.md "Margin").
    margin_mode: Mapped[str] = mapped_column(String(8), default="isolated")
    # Block execution of its orders and their copies (docs/engine.md "Block execution"):
    # on, off, or None: the platform's setting.
    block_execution: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # profit_share / subscription / commission (docs/fees.md)
    fee_model: Mapped[str] = mapped_column(
        String(16), default="profit_share", server_default="profit_share"
    )


class InstrumentRow(Base):
    __tablename__ = "instruments"

    symbol: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    base: Mapped[str] = mapped_column(String(32))
    quote: Mapped[str] = mapped_column(String(16))
    quote_precision: Mapped[int] = mapped_column(Integer, default=8)
    tick: Mapped[Decimal] = money()
    lot_step: Mapped[Decimal] = money()
    min_qty: Mapped[Decimal] = money()
    min_notional: Mapped[Decimal] = money()
    max_qty: Mapped[Decimal] = money()
    maker_fee: Mapped[Decimal] = money()
    taker_fee: Mapped[Decimal] = money()
    max_leverage: Mapped[Decimal] = money()
    # Perp margin rules (docs/domain.md "Margin"); tiers as JSON text, "" for none.
    maintenance_margin_rate: Mapped[Decimal | None] = money(nullable=True)
    liquidation_fee: Mapped[Decimal] = money(default=Decimal("0.005"))
    margin_tiers: Mapped[str] = mapped_column(Text, default="")
    # The paper venue's depth model "level_size:spacing:levels", "" for none (migration 0030).
    depth: Mapped[str] = mapped_column(Text, default="")
