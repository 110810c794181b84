"""The paper venue's bulk writes: one driver executemany per table and kind of change.

Each statement is compiled once per dialect (``BulkStatement``): a batch of
10,000 orders is one INSERT of orders, one of fills, one UPDATE of positions
and one of cash, with no ORM unit of work and no per-row parameter machinery.
Rows are plain mappings of the paper tables' columns (rows.py builds them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import (
    PaperBalanceRow,
    PaperFillRow,
    PaperOrderRow,
    PaperPositionRow,
)

_ORDERS = cast(Table, PaperOrderRow.__table__)
_FILLS = cast(Table, PaperFillRow.__table__)
_POSITIONS = cast(Table, PaperPositionRow.__table__)
_BALANCES = cast(Table, PaperBalanceRow.__table__)
_PREFIX = "w_"  # an UPDATE's parameters may not be named like the columns they set


def _insert(table: Table, *, skip: tuple[str, ...] = ()) -> BulkStatement:
    return BulkStatement(insert(table), [c.key for c in table.c if c.key not in skip])


class _ByKeyUpdate:
    """UPDATE every non-key column of ``table`` by its primary key, rows given by column."""

    def __init__(self, table: Table) -> None:
        key = [c.key for c in table.primary_key.columns]
        self._columns = [c.key for c in table.c]
        statement = (
            update(table)
            .where(*(table.c[k] == bindparam(_PREFIX + k) for k in key))
            .values({c: bindparam(_PREFIX + c) for c in self._columns if c not in key})
        )
        self._statement = BulkStatement(statement, [_PREFIX + c for c in self._columns])

    def execute(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:  # column by column: no mapping per row is built
            columns = {_PREFIX + c: [row[c] for row in rows] for c in self._columns}
            self._statement.execute_columns(session, columns)


INSERT_ORDERS = _insert(_ORDERS)
UPDATE_ORDERS = _ByKeyUpdate(_ORDERS)
INSERT_FILLS = _insert(_FILLS, skip=("seq",))  # the stream position: the database numbers it
INSERT_POSITIONS = _insert(_POSITIONS)
UPDATE_POSITIONS = _ByKeyUpdate(_POSITIONS)
INSERT_BALANCES = _insert(_BALANCES)
UPDATE_BALANCES = _ByKeyUpdate(_BALANCES)
