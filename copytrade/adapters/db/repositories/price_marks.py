"""The recorded prices: written as the engine applies them, read back by moment."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import PriceMarkRow

_INSERT = BulkStatement(insert(cast(Table, PriceMarkRow.__table__)), ("symbol", "price", "ts"))

# One moment: its time and every symbol's price applied then.
Moment = tuple[datetime, dict[str, Decimal]]


class PriceMarkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, points: Mapping[str, Decimal], ts: datetime) -> None:
        """Record one moment's prices, in the order given."""
        if not points:
            return
        symbols = list(points)
        _INSERT.execute_columns(self._session, {
            "symbol": symbols,
            "price": [points[s] for s in symbols],
            "ts": [ts] * len(symbols),
        })

    def moments(
        self, symbols: Collection[str], since: datetime, until: datetime | None = None
    ) -> list[Moment]:
        """The moments at or after ``since`` (up to ``until``) that priced one of
        ``symbols``, in the order applied; consecutive rows of one time are one moment."""
        query = select(PriceMarkRow.ts, PriceMarkRow.symbol, PriceMarkRow.price).where(
            PriceMarkRow.symbol.in_(sorted(symbols)), PriceMarkRow.ts >= since
        )
        if until is not None:
            query = query.where(PriceMarkRow.ts <= until)
        moments: list[Moment] = []
        for ts, symbol, price in self._session.execute(query.order_by(PriceMarkRow.id)):
            if moments and moments[-1][0] == ts:
                moments[-1][1][symbol] = price
            else:
                moments.append((ts, {symbol: price}))
        return moments

    def last_times(self, symbols: Collection[str]) -> list[datetime]:
        """Each symbol's last recorded time (symbols never priced are left out); one
        index lookup each (``ix_price_marks_symbol_ts``)."""
        found = []
        for symbol in sorted(symbols):
            query = select(func.max(PriceMarkRow.ts)).where(PriceMarkRow.symbol == symbol)
            last = self._session.execute(query).scalar_one_or_none()
            if last is not None:
                found.append(last)
        return found

    def times_before(self, symbols: Collection[str], before: datetime) -> dict[str, datetime]:
        """Each symbol's last recorded time before ``before`` (when the price in force
        then came; symbols never priced before it are left out)."""
        query = (
            select(PriceMarkRow.symbol, func.max(PriceMarkRow.ts))
            .where(PriceMarkRow.symbol.in_(sorted(symbols)), PriceMarkRow.ts < before)
            .group_by(PriceMarkRow.symbol)
        )
        return {symbol: ts for symbol, ts in self._session.execute(query)}

    def latest_before(self, symbols: Collection[str], before: datetime) -> dict[str, Decimal]:
        """Each symbol's last recorded price before ``before`` (symbols never priced
        before it are left out)."""
        latest: dict[str, Decimal] = {}
        for symbol in sorted(symbols):
            query = (
                select(PriceMarkRow.price)
                .where(PriceMarkRow.symbol == symbol, PriceMarkRow.ts < before)
                .order_by(PriceMarkRow.id.desc())
                .limit(1)
            )
            price = self._session.execute(query).scalar_one_or_none()
            if price is not None:
                latest[symbol] = price
        return latest
