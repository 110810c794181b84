"""A ``KeyedSelect`` run as driver SQL on qmark dialects (SQLite), rows as named tuples.

SQLAlchemy renders an expanding ``IN`` parameter afresh on every execution (a
bind name, a placeholder and a parameter entry per key) and builds each result
row through its generic processing. For the batch reads of the fan-out and the
paper venue (thousands of keys per call) that was about a twentieth of a copy's
CPU time. ``DriverSelect`` compiles the statement once, keeps one SQL text per
number of keys (``?, ?, ...``), converts the parameters with the bound types' own
processors, and converts each result column with the column type's own result
processor (``ExactDecimal``, ``UtcDateTime``, ``Boolean``): the same values, in
the same order, as ``connection.execute(...).all()`` (docs/engine.md, "The lean
path"). Rows are named tuples: attribute access by column key, indexing and
unpacking, as Core rows. Statements it cannot take (another paramstyle, column
keys that are not field names) give ``None`` and run the generic way.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.sql.compiler import SQLCompiler

_MARK = "__[POSTCOMPILE_{}]"


class DriverSelect:
    def __init__(self, compiled: SQLCompiler, dialect: Dialect, keys: str) -> None:
        self._keys = keys
        self._names = tuple(compiled.positiontup or ())
        self._template = compiled.string
        self._by_count: dict[int, str] = {}
        binds = compiled.binds
        self._bind = {
            name: binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self._names
        }
        columns = compiled._result_columns  # (key, name, objects, type) per column
        self._make: Callable[[Any], Any] = namedtuple(  # type: ignore[attr-defined]
            "KeyedRow", [column[0] for column in columns]
        )._make
        self._results: tuple[Callable[[Any], Any] | None, ...] = tuple(
            column[3].dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )

    @classmethod
    def compile(cls, statement: Executable, dialect: Dialect, keys: str) -> DriverSelect | None:
        """The statement compiled for ``dialect``, or None where only the generic way fits."""
        if dialect.paramstyle != "qmark":
            return None
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        names = compiled.positiontup or ()
        if not compiled.positional or list(names).count(keys) != 1:
            return None
        if compiled.string.count(_MARK.format(keys)) != 1:
            return None
        try:
            return cls(compiled, dialect, keys)
        except ValueError:  # a column key namedtuple refuses: the generic way
            return None

    def rows(
        self, connection: Connection, keys: Sequence[Any], params: Mapping[str, Any]
    ) -> list[Any]:
        params = {**params, self._keys: list(keys)}
        values: list[Any] = []
        for name in self._names:
            process, given = self._bind[name], params[name]
            if name == self._keys:
                values.extend(given if process is None else map(process, given))
            else:
                values.append(given if process is None else process(given))
        found = connection.exec_driver_sql(self._sql(len(keys)), tuple(values)).all()
        if not found:
            return []
        columns = [
            column if process is None else list(map(process, column))
            for column, process in zip(zip(*found, strict=True), self._results, strict=True)
        ]
        return list(map(self._make, zip(*columns, strict=True)))

    def _sql(self, count: int) -> str:
        sql = self._by_count.get(count)
        if sql is None:
            marks = ", ".join("?" * count)
            sql = self._by_count[count] = self._template.replace(_MARK.format(self._keys), marks)
        return sql
