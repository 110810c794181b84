"""Shard ownership by PostgreSQL advisory locks (docs/engine.md, "Workers").

A worker owns shard k of N while it holds the session advisory lock keyed by
(this schema, N, k) on a connection of its own. The lock goes with the
connection: a worker that dies, or loses its connection, owns nothing, and
another worker's next ``take`` gets the shard.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

_TRY = text("SELECT pg_try_advisory_lock(hashtext(current_schema() || :name), :key)")
_NAME = "/copy-fanout"  # the lock class: this schema's fan-out shards


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
        """Raise if the lock connection is gone (its locks are then released)."""
        self._conn().execute(text("SELECT 1"))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self.owned = []
