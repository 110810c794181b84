"""Providers' closed-trade tallies: per close day, and since the first trade.

Written in the transaction that books a provider's closing fill, so a full
statistics refresh reads at most 90 day rows and one total per provider
instead of every trade (docs/statistics.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money


class _TallyColumns:
    """The sums ``TradeTally`` keeps; ``worst`` is the lowest pnl percent, rounded to 4 dp."""

    count: Mapped[int] = mapped_column(Integer)
    wins: Mapped[int] = mapped_column(Integer)
    gross_profit: Mapped[Decimal] = money()
    gross_loss: Mapped[Decimal] = money()
    worst: Mapped[Decimal | None] = money(nullable=True)
    holding_us: Mapped[int] = mapped_column(BigInteger)
    spot: Mapped[int] = mapped_column(Integer)
    leverage_sum: Mapped[Decimal] = money()
    leverage_max: Mapped[Decimal | None] = money(nullable=True)


class TradeDayTallyRow(_TallyColumns, Base):
    __tablename__ = "trade_day_tallies"

    book: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class TradeTotalTallyRow(_TallyColumns, Base):
    __tablename__ = "trade_total_tallies"

    book: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
