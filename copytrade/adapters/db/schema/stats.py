"""Daily equity snapshots: the series every time-weighted statistic is built on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money


class EquitySnapshotRow(Base):
    """A book's equity at a UTC day's close, with that day's deposits and withdrawals."""

    __tablename__ = "equity_snapshots"

    book: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    equity: Mapped[Decimal] = money()
    net_flow: Mapped[Decimal] = money(default=Decimal(0))
