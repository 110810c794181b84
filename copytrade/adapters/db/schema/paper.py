"""The paper venue's own tables: an exchange's state, separate from the platform's books.

The venue writes them in its own transactions, so what it accepted survives a
crash of the platform between "submitted" and "recorded" (the platform then asks
the venue by client order id). No foreign key reaches the platform's tables.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class PaperBalanceRow(Base):
    """Free cash of a paper account in one currency (perp margin is moved out of it)."""

    __tablename__ = "paper_balances"

    account: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    currency: Mapped[str] = mapped_column(String(16), primary_key=True)
    amount: Mapped[Decimal] = money()


class PaperPriceRow(Base):
    """The price in force per symbol, so a restarted venue fills at the same price, and
    what takers have taken of its depth since it came into force (docs/venues.md "Depth":
    the book depletes within a price moment; migration 0040)."""

    __tablename__ = "paper_prices"

    symbol: Mapped[str] = mapped_column(String(64), primary_key=True)
    price: Mapped[Decimal] = money()
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
    taken_buy: Mapped[Decimal] = money(default=Decimal(0))  # of the asks, by buys
    taken_sell: Mapped[Decimal] = money(default=Decimal(0))  # of the bids, by sells


# Where a mixin's columns stand among its table's own: first, or last.
_FIRST, _LAST = -1, 1


class _PaperOrderColumns:
    """The columns a paper order and a waiting trigger order share: what was asked first,
    then the table's own, then why it ended and when (the tables' column order)."""

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, sort_order=_FIRST)
    account: Mapped[str] = mapped_column(String(ID_LENGTH), sort_order=_FIRST)
    client_order_id: Mapped[str] = mapped_column(String(ID_LENGTH), sort_order=_FIRST)
    symbol: Mapped[str] = mapped_column(String(64), sort_order=_FIRST)
    side: Mapped[str] = mapped_column(String(4), sort_order=_FIRST)
    type: Mapped[str] = mapped_column(String(8), sort_order=_FIRST)
    qty: Mapped[Decimal] = money(sort_order=_FIRST)
    limit_price: Mapped[Decimal | None] = money(nullable=True, sort_order=_FIRST)
    leverage: Mapped[Decimal] = money(sort_order=_FIRST)
    reduce_only: Mapped[bool] = mapped_column(Boolean, sort_order=_FIRST)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True, sort_order=_LAST)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), sort_order=_LAST)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), sort_order=_LAST)


class PaperOrderRow(_PaperOrderColumns, Base):
    """Every order the venue answered, rejections included (a retry returns them)."""

    __tablename__ = "paper_orders"
    __table_args__ = (
        # client_order_id first: lookups go by client order ids (IN lists), then the account.
        UniqueConstraint("client_order_id", "account"),
        Index("ix_paper_orders_symbol_status", "symbol", "status"),
    )

    status: Mapped[str] = mapped_column(String(20))
    filled_qty: Mapped[Decimal] = money()
    avg_fill_price: Mapped[Decimal | None] = money(nullable=True)
    fees: Mapped[Decimal] = money()
    reject_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PaperFillRow(Base):
    """Executions; ``seq`` is the stream position ``fills_since`` resumes from."""

    __tablename__ = "paper_fills"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    fill_id: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("paper_orders.id"), index=True)
    client_order_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    account: Mapped[str] = mapped_column(String(ID_LENGTH))
    symbol: Mapped[str] = mapped_column(String(64))
    side: Mapped[str] = mapped_column(String(4))
    qty: Mapped[Decimal] = money()
    price: Mapped[Decimal] = money()
    fee: Mapped[Decimal] = money()
    liquidity: Mapped[str] = mapped_column(String(16))
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class PaperPositionRow(Base):
    """A ``Position``'s stored state (``PositionState``); flat rows are kept for their PnL."""

    __tablename__ = "paper_positions"

    account: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(64), primary_key=True)
    leverage: Mapped[Decimal] = money()
    qty: Mapped[Decimal] = money()
    entry_cost: Mapped[Decimal] = money()
    realized_pnl: Mapped[Decimal] = money()
    fees_paid: Mapped[Decimal] = money()
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    trade_qty: Mapped[Decimal] = money()
    trade_cost: Mapped[Decimal] = money()
    trade_exit_value: Mapped[Decimal] = money()
    trade_realized: Mapped[Decimal] = money()
    trade_fees: Mapped[Decimal] = money()
    margin_mode: Mapped[str] = mapped_column(String(8), default="isolated")


class PaperCashMoveRow(Base):
    """A keyed cash movement the venue made: the same key never moves cash twice.

    What an exchange's client transfer id gives: the platform's outbox relay may
    deliver a settlement's venue debit more than once, the venue applies it once.
    """

    __tablename__ = "paper_cash_moves"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    account: Mapped[str] = mapped_column(String(ID_LENGTH))
    currency: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = money()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PaperFundingRow(Base):
    """A funding payment the venue made: one per (symbol, funding time, account), so a
    repeated funding call returns what was paid instead of paying again."""

    __tablename__ = "paper_funding"
    __table_args__ = (Index("ix_paper_funding_symbol_ts", "symbol", "ts"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    account: Mapped[str] = mapped_column(String(ID_LENGTH))
    symbol: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(16))
    rate: Mapped[Decimal] = money()
    mark: Mapped[Decimal] = money()
    qty: Mapped[Decimal] = money()
    owed: Mapped[Decimal] = money()
    amount: Mapped[Decimal] = money()
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class PaperTriggerRow(_PaperOrderColumns, Base):
    """A trigger order (stop, take-profit, trailing stop) waiting for the mark, and
    after it triggered, its trigger (docs/venues.md "Trigger orders", migration 0030).
    The order it becomes is a paper_orders row with the same id."""

    __tablename__ = "paper_triggers"
    __table_args__ = (
        UniqueConstraint("client_order_id", "account"),
        Index("ix_paper_triggers_symbol_status", "symbol", "status"),
    )

    margin_mode: Mapped[str] = mapped_column(String(8))
    time_in_force: Mapped[str] = mapped_column(String(3))
    post_only: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(16))
    trigger_price: Mapped[Decimal | None] = money(nullable=True)
    trail_distance: Mapped[Decimal | None] = money(nullable=True)
    trail_percent: Mapped[Decimal | None] = money(nullable=True)
    best_mark: Mapped[Decimal | None] = money(nullable=True)
    status: Mapped[str] = mapped_column(String(10))
