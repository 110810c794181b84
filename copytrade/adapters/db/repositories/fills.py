"""The fills the platform recorded, once each (a re-delivered fill is a no-op)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import FillRow
from copytrade.domain.order_events import Fill

_CHUNK = 500
_FILLS = cast(Table, FillRow.__table__)


class RecordedFill(NamedTuple):
    """A fill as we recorded it, under our order's client order id."""

    fill_id: str
    order_id: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    liquidity: str
    ts: datetime


_FILL_AS_IS = ("symbol", "qty", "price", "fee", "ts")  # stored as the fill has them


def _fill_row(venue: str, fill: Fill) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(fill, name) for name in _FILL_AS_IS}
    row.update(
        venue=venue, fill_id=str(fill.fill_id), order_id=str(fill.client_order_id or fill.order_id),
        book=str(fill.account), side=fill.side.value, liquidity=fill.liquidity.value,
    )  # fmt: skip
    return row


def _insert_new_fills(dialect: str) -> ReturningInsert[tuple[str]]:
    """The dialect's ``INSERT … ON CONFLICT DO NOTHING RETURNING fill_id`` into fills."""
    keys = ["venue", "fill_id"]
    if dialect == "sqlite":
        return (
            sqlite_insert(_FILLS)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(_FILLS.c.fill_id)
        )
    return pg_insert(_FILLS).on_conflict_do_nothing(index_elements=keys).returning(_FILLS.c.fill_id)


_FILL_COLUMNS = (*_FILL_AS_IS, "venue", "fill_id", "order_id", "book", "side", "liquidity")
# SQLite's fast path: the same insert without RETURNING, as one driver executemany.
_INSERT_FILLS_QUIETLY = BulkStatement(
    sqlite_insert(_FILLS).on_conflict_do_nothing(index_elements=["venue", "fill_id"]),
    _FILL_COLUMNS,
)


class FillRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_new(self, fills: Sequence[Fill], venue: str = "paper") -> list[Fill]:
        """Store the fills not seen before and return them, in order (a re-delivered fill
        is a no-op).

        One ``INSERT … ON CONFLICT (venue, fill_id) DO NOTHING RETURNING fill_id``: two
        processes booking the same fill at once (the relay reading the venue's stream and
        a worker booking its copy's answer, docs/deploy.md) never fail on the unique key.
        On PostgreSQL the second insert waits for the first's transaction; once it
        commits, the fill is not returned to the second, which so books only what it
        stored itself. Rows go in fill id order, so two overlapping batches take their
        row locks in one order and cannot deadlock on each other."""
        unique: dict[str, Fill] = {}
        for fill in fills:
            unique.setdefault(str(fill.fill_id), fill)
        if not unique:
            return []
        rows = [_fill_row(venue, unique[key]) for key in sorted(unique)]
        dialect = self._session.get_bind().dialect.name
        if dialect == "sqlite" and self._all_stored_quietly(rows):
            return list(unique.values())
        statement = _insert_new_fills(dialect)
        stored: set[str] = set()
        for start in range(0, len(rows), _CHUNK):
            result = self._session.execute(statement, rows[start : start + _CHUNK])
            stored.update(str(fill_id) for fill_id in result.scalars())
        return [fill for key, fill in unique.items() if key in stored]

    def _all_stored_quietly(self, rows: Sequence[dict[str, object]]) -> bool:
        """SQLite (one writer, so no race): insert ``rows`` as one executemany in a
        SAVEPOINT and keep them if every one was new (the usual case: the executor's
        fresh fills); else roll the savepoint back and say so, for the RETURNING insert
        to tell which were new (docs/engine.md "The lean path")."""
        self._session.flush()  # the caller's pending changes fail as theirs
        savepoint = self._session.begin_nested()
        if _INSERT_FILLS_QUIETLY.execute(self._session, rows) == len(rows):
            savepoint.commit()
            return True
        savepoint.rollback()
        return False

    def of_orders(self, order_ids: Sequence[str]) -> dict[str, list[RecordedFill]]:
        """The fills recorded for each of these orders (by our client order id), in order."""
        found: dict[str, list[RecordedFill]] = {}
        for start in range(0, len(order_ids), _CHUNK):
            query = (
                select(*(getattr(FillRow, name) for name in RecordedFill._fields))
                .where(FillRow.order_id.in_(order_ids[start : start + _CHUNK]))
                .order_by(FillRow.id)
            )
            for row in self._session.execute(query):
                found.setdefault(row.order_id, []).append(RecordedFill(*row))
        return found
