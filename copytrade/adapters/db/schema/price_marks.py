"""The prices the engine applied, in order: the recorded market a what-if replays
(docs/whatif.md, "What is recorded")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import Base, money
from copytrade.adapters.db.types import UtcDateTime


class PriceMarkRow(Base):
    """One symbol's price at one moment, as ``CopyEngine.on_prices`` applied it.

    ``id`` keeps the order the engine applied them in (one moment's prices are
    consecutive); a moment's time may repeat, so it is no key."""

    __tablename__ = "price_marks"
    __table_args__ = (Index("ix_price_marks_symbol_ts", "symbol", "ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    symbol: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = money()
    ts: Mapped[datetime] = mapped_column(UtcDateTime())
