"""Orders, fills, positions and closed trades.

``book`` is the trading book an order belongs to: a provider's account id, or
a copy relationship's id (each relationship's allocation is its own book).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)  # fmt: skip
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime

# Migration 0043's partial index: the positions with trigger prices in force.
_TRIGGERS_IN_FORCE = "stop_loss_price IS NOT NULL OR take_profit_price IS NOT NULL"
# Migration 0044's partial index: the orders whose trigger still waits for the mark.
_PENDING_TRIGGER = "trigger_status = 'pending'"


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index(
            "ix_orders_pending_triggers", "symbol",
            sqlite_where=text(_PENDING_TRIGGER), postgresql_where=text(_PENDING_TRIGGER),
        ),
    )  # fmt: skip

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    client_order_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    venue: Mapped[str] = mapped_column(String(32), default="paper")
    book: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    relationship_id: Mapped[str | None] = mapped_column(
        ForeignKey("relationships.id"), nullable=True, index=True
    )
    provider_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    copy_of: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    symbol: Mapped[str] = mapped_column(ForeignKey("instruments.symbol"))
    side: Mapped[str] = mapped_column(String(4))
    type: Mapped[str] = mapped_column(String(8))
    qty: Mapped[Decimal] = money()
    limit_price: Mapped[Decimal | None] = money(nullable=True)
    leverage: Mapped[Decimal] = money(default=Decimal(1))
    reduce_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # The margin mode a position this order opens from flat takes (docs/domain.md "Margin").
    margin_mode: Mapped[str] = mapped_column(String(8), default="isolated")
    # The order's terms (docs/venues.md "Order terms", "Trigger orders"; migration 0039):
    # a trigger (kind with its price or trail), time in force, post-only.
    trigger_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    trigger_price: Mapped[Decimal | None] = money(nullable=True)
    trail_distance: Mapped[Decimal | None] = money(nullable=True)
    trail_percent: Mapped[Decimal | None] = money(nullable=True)
    # Server defaults only: a copy order's insert leaves them out (repositories/orders.py).
    time_in_force: Mapped[str] = mapped_column(String(3), server_default="gtc")
    post_only: Mapped[bool] = mapped_column(Boolean, server_default=false())
    status: Mapped[str] = mapped_column(String(20))
    # A trigger order's trigger: pending, triggered or cancelled (None: a plain order;
    # docs/venues.md "Trigger orders", domain/trigger_status.py; migration 0040).
    trigger_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    filled_qty: Mapped[Decimal] = money(default=Decimal(0))
    avg_fill_price: Mapped[Decimal | None] = money(nullable=True)
    fees: Mapped[Decimal] = money(default=Decimal(0))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FillRow(Base):
    __tablename__ = "fills"
    __table_args__ = (UniqueConstraint("venue", "fill_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    venue: Mapped[str] = mapped_column(String(32))
    fill_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    book: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    symbol: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(4))
    qty: Mapped[Decimal] = money()
    price: Mapped[Decimal] = money()
    fee: Mapped[Decimal] = money()
    liquidity: Mapped[str] = mapped_column(String(16))
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class PositionRow(Base):
    """A book's open position in one symbol: the domain ``PositionState`` (short < 0).

    A position that returns to flat is deleted: its round trip is a trade row
    and its money is in the ledger, so nothing is lost.
    """

    __tablename__ = "positions"
    # The positions with trigger prices in force, read at every price moment (migration 0043).
    __table_args__ = (
        Index(
            "ix_positions_triggers", "book", "symbol",
            sqlite_where=text(_TRIGGERS_IN_FORCE), postgresql_where=text(_TRIGGERS_IN_FORCE),
        ),
    )  # fmt: skip

    book: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    symbol: Mapped[str] = mapped_column(ForeignKey("instruments.symbol"), primary_key=True)
    leverage: Mapped[Decimal] = money(default=Decimal(1))
    qty: Mapped[Decimal] = money()
    entry_cost: Mapped[Decimal] = money()
    realized_pnl: Mapped[Decimal] = money(default=Decimal(0))
    fees_paid: Mapped[Decimal] = money(default=Decimal(0))
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    trade_qty: Mapped[Decimal] = money(default=Decimal(0))
    trade_cost: Mapped[Decimal] = money(default=Decimal(0))
    trade_exit_value: Mapped[Decimal] = money(default=Decimal(0))
    trade_realized: Mapped[Decimal] = money(default=Decimal(0))
    trade_fees: Mapped[Decimal] = money(default=Decimal(0))
    margin_mode: Mapped[str] = mapped_column(String(8), default="isolated")
    detached: Mapped[bool] = mapped_column(Boolean, default=False)
    liquidated: Mapped[bool] = mapped_column(Boolean, default=False)
    # A provider's trigger prices (docs/domain.md, "The provider's stop-loss and
    # take-profit"): gone with the row when flat, cleared by a flip.
    stop_loss_price: Mapped[Decimal | None] = money(nullable=True)
    take_profit_price: Mapped[Decimal | None] = money(nullable=True)


class TradeRow(Base):
    __tablename__ = "trades"
    __table_args__ = (Index("ix_trades_book_closed_at", "book", "closed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    book: Mapped[str] = mapped_column(String(ID_LENGTH))
    symbol: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(5))
    qty: Mapped[Decimal] = money()
    entry_price: Mapped[Decimal] = money()
    exit_price: Mapped[Decimal] = money()
    cost: Mapped[Decimal] = money()
    pnl: Mapped[Decimal] = money()
    fees: Mapped[Decimal] = money()
    leverage: Mapped[Decimal] = money(default=Decimal(1))
    is_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
