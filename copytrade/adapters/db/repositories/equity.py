"""Daily equity snapshots per book (UTC close), with the day's flows kept apart."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.repositories.bulk_reads import packed_rows
from copytrade.adapters.db.schema import EquitySnapshotRow
from copytrade.domain.statistics import EquityPoint, EquityRow

_TABLE = cast(Table, EquitySnapshotRow.__table__)


def _close_upsert(insert_into: Callable[[Table], Any]) -> BulkStatement:
    """Insert a day's close, or set the equity of the day's row (its flows kept)."""
    statement = insert_into(_TABLE)
    return BulkStatement(
        statement.on_conflict_do_update(
            index_elements=[_TABLE.c.book, _TABLE.c.day],
            set_={"equity": statement.excluded.equity},
        ),
        ("book", "day", "equity", "net_flow"),
    )


# One statement per day close, whatever the number of books (docs/statistics.md).
_RECORD_CLOSES = {"sqlite": _close_upsert(sqlite_insert), "postgresql": _close_upsert(pg_insert)}


class EquitySnapshotRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record_close(self, book: str, day: date, equity: Decimal) -> None:
        """Set the day's closing equity, keeping any flows already recorded for it."""
        self.record_closes(day, {book: equity})

    def record_closes(self, day: date, closes: Mapping[str, Decimal]) -> None:
        """Set the day's closing equity of every book in ``closes`` (book -> equity), in one
        executemany upsert, keeping any flows already recorded for the day."""
        if not closes:
            return
        self._session.flush()  # flows added through the ORM reach the table first
        books = list(closes)
        _RECORD_CLOSES[self._session.get_bind().dialect.name].execute_columns(
            self._session,
            {
                "book": books,
                "day": [day] * len(books),
                "equity": [closes[book] for book in books],
                "net_flow": [Decimal(0)] * len(books),
            },
        )
        # A row this session already holds is read again from the table when next used.
        for held in list(self._session.identity_map.values()):
            if isinstance(held, EquitySnapshotRow) and held.day == day and held.book in closes:
                self._session.expire(held)

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

    def series_of(self, books: Sequence[str]) -> dict[str, list[EquityRow]]:
        """The series of many books as plain rows (day, equity, net flow), in day order.

        Packed per book by the database (``packed_rows``) and parsed here once:
        a full refresh reads every point of every provider.
        """
        table = EquitySnapshotRow.__table__.c
        found: dict[str, list[EquityRow]] = {book: [] for book in books}
        day, number = date.fromisoformat, Decimal
        packed = packed_rows(self._session, table.book, books,
                             (table.day, table.equity, table.net_flow))  # fmt: skip
        for book, (days, equities, flows) in packed.items():
            found[book] = list(zip(map(day, days), map(number, equities), map(number, flows),
                                   strict=True))  # fmt: skip
        return found
