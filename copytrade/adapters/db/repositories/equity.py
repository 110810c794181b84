"""Daily equity snapshots per book (UTC close), with the day's flows kept apart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import EquitySnapshotRow
from copytrade.adapters.db.types import raw_decimals
from copytrade.domain.statistics import EquityPoint


class EquitySnapshotRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record_close(self, book: str, day: date, equity: Decimal) -> None:
        """Set the day's closing equity, keeping any flows already recorded for it."""
        row = self._session.get(EquitySnapshotRow, (book, day))
        if row is None:
            self._session.add(
                EquitySnapshotRow(book=book, day=day, equity=equity, net_flow=Decimal(0))
            )
        else:
            row.equity = equity
        self._session.flush()

    def add_flow(self, book: str, day: date, amount: Decimal) -> None:
        """A deposit (+) or withdrawal (−) during ``day``.

        The day's equity moves by the flow at once (from the last close when the
        day has no row yet); the day's close then sets the marked value.
        """
        row = self._session.get(EquitySnapshotRow, (book, day))
        if row is None:
            previous = self._session.scalars(
                select(EquitySnapshotRow.equity)
                .where(EquitySnapshotRow.book == book, EquitySnapshotRow.day < day)
                .order_by(EquitySnapshotRow.day.desc())
                .limit(1)
            ).first()
            start = previous if previous is not None else Decimal(0)
            self._session.add(
                EquitySnapshotRow(book=book, day=day, equity=start + amount, net_flow=amount)
            )
        else:
            row.net_flow += amount
            row.equity += amount
        self._session.flush()

    def series(self, book: str) -> list[EquityPoint]:
        rows = self._session.scalars(
            select(EquitySnapshotRow)
            .where(EquitySnapshotRow.book == book)
            .order_by(EquitySnapshotRow.day)
        )
        return [EquityPoint(row.day, row.equity, row.net_flow) for row in rows]

    def series_of(self, books: Sequence[str]) -> dict[str, list[EquityPoint]]:
        """The series of many books, one query per chunk."""
        found: dict[str, list[EquityPoint]] = {book: [] for book in books}
        for part in chunks(books):
            query = (
                select(
                    EquitySnapshotRow.book,
                    EquitySnapshotRow.day,
                    raw_decimals(EquitySnapshotRow.__table__.c.equity),
                    raw_decimals(EquitySnapshotRow.__table__.c.net_flow),
                )
                .where(EquitySnapshotRow.book.in_(part))
                .order_by(EquitySnapshotRow.book, EquitySnapshotRow.day)
            )
            # Plain tuples, decimals parsed here: a full refresh reads every point.
            for book, day, equity, flow in self._session.connection().execute(query).all():
                found[book].append(EquityPoint.recorded(day, Decimal(equity), Decimal(flow)))
        return found
