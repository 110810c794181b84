"""Daily equity snapshots per book (UTC close), with the day's flows kept apart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import EquitySnapshotRow
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

    def add_flow(self, book: str, day: date, amount: Decimal, equity_after: Decimal) -> None:
        """A deposit (+) or withdrawal (−) during ``day``; equity is provisional until close."""
        row = self._session.get(EquitySnapshotRow, (book, day))
        if row is None:
            self._session.add(
                EquitySnapshotRow(book=book, day=day, equity=equity_after, net_flow=amount)
            )
        else:
            row.net_flow += amount
            row.equity = equity_after
        self._session.flush()

    def series(self, book: str) -> list[EquityPoint]:
        rows = self._session.scalars(
            select(EquitySnapshotRow)
            .where(EquitySnapshotRow.book == book)
            .order_by(EquitySnapshotRow.day)
        )
        return [EquityPoint(row.day, row.equity, row.net_flow) for row in rows]
