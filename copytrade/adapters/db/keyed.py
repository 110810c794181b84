"""SELECTs of the rows of many keys, chunk by chunk, as plain Core rows.

The batch paths (settlement, fan-out, the paper venue) read the rows of a
thousand keys at a time. Built afresh as ``column.in_(keys)``, such a query
coerces every key into its own literal and goes through the ORM's result
machinery; a ``KeyedSelect`` is built once with an expanding parameter and run
on the session's connection, which costs about a third less per key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BindParameter, Dialect, Executable, bindparam
from sqlalchemy.orm import Session

from copytrade.adapters.db.keyed_driver import DriverSelect

KEYS = "keys"
CHUNK = 500  # keys per query: well under SQLite's limit on parameters


def keys_param() -> BindParameter[Any]:
    """The placeholder a ``KeyedSelect``'s statement takes its keys in."""
    return bindparam(KEYS, expanding=True)


class KeyedSelect:
    """``statement`` filters on ``column.in_(keys_param())``; other parameters are
    given by name to ``rows``."""

    def __init__(self, statement: Executable, chunk: int = CHUNK) -> None:
        self._statement = statement
        self._chunk = chunk
        self._driver: dict[str, DriverSelect | None] = {}  # by dialect name

    def rows(self, session: Session, keys: Sequence[Any], **params: Any) -> list[Any]:
        """The rows of ``keys``, in the session's transaction. Pending ORM changes are
        flushed first, as ``session.execute`` would (autoflush)."""
        if not keys:
            return []
        if session.autoflush:
            session.flush()
        connection = session.connection()
        driver = self._driver_for(connection.dialect)
        found: list[Any] = []  # Core rows, or the same values as named tuples
        for start in range(0, len(keys), self._chunk):
            part = list(keys[start : start + self._chunk])
            if driver is not None:
                found.extend(driver.rows(connection, part, params))
            else:
                found.extend(connection.execute(self._statement, {KEYS: part, **params}).all())
        return found

    def _driver_for(self, dialect: Dialect) -> DriverSelect | None:
        if dialect.name not in self._driver:
            self._driver[dialect.name] = DriverSelect.compile(self._statement, dialect, KEYS)
        return self._driver[dialect.name]
