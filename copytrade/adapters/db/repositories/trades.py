"""Closed trades: the record every per-trade statistic is computed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import DateTime, Table, func, insert, select, type_coerce
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.observed import observed_ids
from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import TradeRow
from copytrade.domain.ids import AccountId
from copytrade.domain.trades import PositionSide, Trade


class ClosedTrade(NamedTuple):
    """What the statistics need of a closed trade: its figures, no ids or prices."""

    pnl: Decimal
    cost: Decimal
    opened_at: datetime
    closed_at: datetime
    leverage: Decimal
    is_spot: bool


def _row(trade: Trade) -> dict[str, object]:
    return {
        "book": str(trade.account),
        "symbol": trade.symbol,
        "side": trade.side.value,
        "qty": trade.qty,
        "entry_price": trade.entry_price,
        "exit_price": trade.exit_price,
        "cost": trade.cost,
        "pnl": trade.pnl,
        "fees": trade.fees,
        "leverage": trade.leverage,
        "is_spot": trade.is_spot,
        "opened_at": trade.opened_at,
        "closed_at": trade.closed_at,
    }


_INSERT = BulkStatement(
    insert(cast(Table, TradeRow.__table__)),
    (
        "book", "symbol", "side", "qty", "entry_price", "exit_price", "cost", "pnl", "fees",
        "leverage", "is_spot", "opened_at", "closed_at",
    ),
)  # fmt: skip


def _trade(row: TradeRow) -> Trade:
    return Trade(
        account=AccountId(row.book),
        symbol=row.symbol,
        side=PositionSide(row.side),
        qty=row.qty,
        entry_price=row.entry_price,
        exit_price=row.exit_price,
        cost=row.cost,
        pnl=row.pnl,
        fees=row.fees,
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        leverage=row.leverage,
        is_spot=row.is_spot,
    )


class TradeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_many(self, trades: Sequence[Trade]) -> None:
        _INSERT.execute(self._session, [_row(t) for t in trades])

    def for_book(self, book: str, closed_since: datetime | None = None) -> list[Trade]:
        query = select(TradeRow).where(TradeRow.book == book)
        if closed_since is not None:
            query = query.where(TradeRow.closed_at >= closed_since)
        rows = self._session.scalars(query.order_by(TradeRow.closed_at, TradeRow.id))
        return [_trade(row) for row in rows]

    def after_id(
        self, book: str, after: int, limit: int, upto: int | None = None
    ) -> list[tuple[int, Trade]]:
        """A book's trades recorded after the row id ``after`` (up to ``upto``), oldest
        first, with their ids (the cursor of a provider's public trade stream)."""
        below = [] if upto is None else [TradeRow.id <= upto]
        query = (
            select(TradeRow)
            .where(TradeRow.book == book, TradeRow.id > after, *below)
            .order_by(TradeRow.id)
            .limit(limit)
        )
        return [(row.id, _trade(row)) for row in self._session.scalars(query)]

    def last_id(self, book: str) -> int:
        """The row id of the book's latest recorded trade, 0 when it has none."""
        query = select(func.max(TradeRow.id)).where(TradeRow.book == book)
        return self._session.scalar(query) or 0

    def observed_last_id(self, book: str) -> tuple[str | None, tuple[int]]:
        """``last_id`` and, on PostgreSQL, the snapshot it was read in (``observed_ids``):
        the horizon of a provider's public trade stream (docs/api.md "Live events")."""
        last = select(func.max(TradeRow.id)).where(TradeRow.book == book).scalar_subquery()
        snapshot, (last_id,) = observed_ids(self._session, [last])
        return snapshot, (last_id,)

    def latest_of_book(self, book: str, limit: int, offset: int = 0) -> list[Trade]:
        """A page of a book's trades, the most recently closed first (trade history)."""
        query = (
            select(TradeRow)
            .where(TradeRow.book == book)
            .order_by(TradeRow.closed_at.desc(), TradeRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_trade(row) for row in self._session.scalars(query)]

    def closed_of_books(self, books: Sequence[str]) -> dict[str, list[ClosedTrade]]:
        """The figures of every trade of many books, in no particular order.

        A full stats refresh reads about a million trades: plain tuples of the
        six columns it uses cost a fraction of building ``Trade`` objects.
        """
        found: dict[str, list[ClosedTrade]] = {book: [] for book in books}
        # Timestamps as the driver gives them: naive UTC on SQLite (utc_day and the
        # holding time take naive as UTC), skipping UtcDateTime's per-row tz copy.
        columns = [
            type_coerce(column, DateTime()) if name.endswith("_at") else column
            for name in ClosedTrade._fields
            for column in [getattr(TradeRow, name)]
        ]
        for part in chunks(books):
            query = select(TradeRow.book, *columns).where(TradeRow.book.in_(part))
            for book, *values in self._session.execute(query):
                found[book].append(ClosedTrade._make(values))
        return found
