"""Shard ownership by advisory locks (docs/engine.md, "Workers"): a shard has one owner;
a closed (dead) owner's shards are free for the next look."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.shard_leases import LeaseLostError, ShardLeases
from copytrade.config import Settings


def test_each_shard_has_one_owner_and_a_dead_owners_shards_are_taken(
    postgres_schema_url: str,
) -> None:
    engine = make_engine(Settings(database_url=postgres_schema_url))
    first, second, third = (ShardLeases(engine, 4) for _ in range(3))
    try:
        assert first.take(2) == [0, 1]
        assert second.take(4) == [2, 3]
        assert third.take(4) == []
        first.close()  # its connection goes, and its locks with it (its backend exits soon)
        taken: list[int] = []
        deadline = time.monotonic() + 10
        while len(taken) < 2 and time.monotonic() < deadline:
            taken += third.take(4)
            time.sleep(0.02)
        assert sorted(taken) == [0, 1]
        assert second.take(4) == []
    finally:
        for leases in (first, second, third):
            leases.close()
        engine.dispose()


def test_a_lost_lock_connection_stops_the_owner(postgres_schema_url: str) -> None:
    engine = make_engine(Settings(database_url=postgres_schema_url))
    leases = ShardLeases(engine, 2)
    try:
        assert leases.take(2) == [0, 1]
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": leases.backend_pid})
            admin.commit()
        with pytest.raises(LeaseLostError, match=r"shards \[0, 1\]"):
            leases.check()
    finally:
        leases.close()
        engine.dispose()


def test_sqlite_is_refused() -> None:
    engine = make_engine(Settings(database_url="sqlite://"))
    with pytest.raises(ValueError, match="need PostgreSQL"):
        ShardLeases(engine, 4)
