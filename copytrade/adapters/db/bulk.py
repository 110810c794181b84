"""Executemany for the hottest bulk writes, without SQLAlchemy's per-row parameter work.

``connection.execute(insert(table), rows)`` sends every row through the
compiler's generic parameter machinery (``construct_params``, then each type's
processor): about 10 µs a row on top of the driver's own few. A settlement run
writes several rows per relationship, so that machinery was a large part of it.

``BulkStatement`` compiles its statement once per dialect, converts each value
with the column type's own bind processor (``ExactDecimal`` and ``UtcDateTime``
keep their checks and storage forms) and hands the converted rows to the
driver's ``executemany`` through ``exec_driver_sql``. Driver errors are wrapped
as usual (an ``IntegrityError`` is still one). It runs in the session's
transaction and, like any Core statement, does not flush the session's ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import is_
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters in the order the SQL takes them
    processors: tuple[Processor | None, ...]
    positional: bool


class BulkStatement:
    """An INSERT or UPDATE run as one driver executemany over rows given as mappings.

    ``names`` are the parameters each row supplies: an insert's column keys, or
    an update's ``bindparam`` names.
    """

    def __init__(self, statement: UpdateBase, names: Sequence[str]) -> None:
        self._statement = statement
        self._names = tuple(names)
        self._by_dialect: dict[str, _Compiled] = {}

    def execute(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
        """How many rows the statement changed (the driver's count over all rows)."""
        if not rows:
            return 0
        return self.execute_columns(
            session, {name: [row[name] for row in rows] for name in self._names}
        )

    def execute_columns(self, session: Session, columns: Mapping[str, Sequence[Any]]) -> int:
        """The same, given column by column (``name -> its values``, all one length):
        for a caller that has its values by column, no mapping per row is built."""
        if not columns or not next(iter(columns.values())):
            return 0
        connection = session.connection()
        compiled = self._compiled(connection.dialect)
        # Column by column: map() the processor over a column's values, then zip
        # the columns back into rows (far fewer Python frames than row by row).
        converted = [
            _converted(list(columns[name]), process)
            for name, process in zip(compiled.names, compiled.processors, strict=True)
        ]
        params: list[Any] = list(zip(*converted, strict=True))
        if not compiled.positional:
            params = [dict(zip(compiled.names, values, strict=True)) for values in params]
        return int(connection.exec_driver_sql(compiled.sql, params).rowcount)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self._statement.compile(dialect=dialect, column_keys=list(self._names))
        positional = bool(compiled.positional)
        names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
        if set(names) != set(self._names):
            raise ValueError(
                f"the statement takes parameters {sorted(names)}, not {sorted(self._names)}"
            )
        processors = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        )
        return _Compiled(str(compiled), names, processors, positional)


def _converted(values: list[Any], process: Processor | None) -> list[Any]:
    """``values`` through ``process``; each distinct timestamp once (a batch's rows share
    a few: a datetime's conversion costs microseconds). Processors are pure. Only
    datetimes are memoised: equal Decimals can differ in their stored form (1.0, 1.00)."""
    if process is None or not values:
        return values
    first = values[0]
    if all(map(is_, values, repeat(first))):  # C-level, stops at the first other object
        return [process(first)] * len(values)
    if all(type(value) is datetime for value in values):
        done: dict[datetime, Any] = {}
        return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]
    return list(map(process, values))
