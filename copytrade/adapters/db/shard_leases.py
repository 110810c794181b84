"""Shard ownership by PostgreSQL advisory locks (docs/engine.md, "Workers").

A worker owns shard k of N while it holds the session advisory lock keyed by
(this schema, N, k) on a connection of its own. The lock goes with the
connection: a worker that dies, or loses its connection, owns nothing, and
another worker's next ``take`` gets the shard.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

_TRY = text("SELECT pg_try_advisory_lock(hashtext(current_schema() || :name), :key)")
_NAME = "/copy-fanout"  # the lock class: this schema's fan-out shards


class LeaseLostError(RuntimeError):
    """The lock connection is gone, and the shards with it: the worker must stop."""


class ShardLeases:
    def __init__(self, engine: Engine, count: int) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError(
                "shard workers need PostgreSQL (a shared database and its advisory locks); "
                f"this database is {engine.dialect.name}"
            )
        self._engine = engine
        self._count = count
        self._connection: Connection | None = None
        self.owned: list[int] = []

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
        return self._connection

    def take(self, limit: int) -> list[int]:
        """Take free shards, lowest first, until ``limit`` are owned; the ones taken now."""
        taken: list[int] = []
        for index in range(self._count):
            if len(self.owned) >= limit:
                break
            if index in self.owned:
                continue
            key = self._count * 65536 + index
            if self._conn().execute(_TRY, {"name": _NAME, "key": key}).scalar():
                self.owned.append(index)
                taken.append(index)
        return taken

    def check(self) -> None:
        """Raise ``LeaseLostError`` if the lock connection is gone (its locks went with it)."""
        if not self.owned:
            return
        try:
            self._conn().execute(text("SELECT 1"))
        except DBAPIError as error:
            raise LeaseLostError(
                f"the connection holding shards {self.owned} is lost; stopping"
            ) from error

    @property
    def backend_pid(self) -> int:
        """The PostgreSQL backend holding the locks (for operators: ``pg_locks.pid``)."""
        return int(self._conn().execute(text("SELECT pg_backend_pid()")).scalar_one())

    def close(self) -> None:
        """Release every shard: the connection is closed, not returned to the pool (a
        pooled connection would keep its session's locks)."""
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
            self._connection = None
        self.owned = []
