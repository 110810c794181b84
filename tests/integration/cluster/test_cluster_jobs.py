"""Each periodic job once across the servers of one PostgreSQL database (cluster_jobs.py).

Two ``ClusterJobs`` on two engines stand for two servers; their turns go through the
real advisory locks and the shared ``scheduled_jobs`` row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text

from copytrade.adapters.db.cluster_jobs import ClusterJobs, lock_key
from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.schema import ScheduledJobRow
from copytrade.config import Settings

pytestmark = pytest.mark.postgres
EVERY = timedelta(minutes=1)


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def engines(postgres_schema_url: str) -> Iterator[tuple[Engine, Engine]]:
    one, two = (make_engine(Settings(database_url=postgres_schema_url)) for _ in range(2))
    upgrade_database(one)
    yield one, two
    one.dispose()
    two.dispose()


def row(engine: Engine, name: str) -> ScheduledJobRow:
    with engine.connect() as conn:
        found = conn.execute(select(ScheduledJobRow.__table__).where(
            ScheduledJobRow.__table__.c.name == name)).one()
    return found  # type: ignore[no-any-return]


def end_backend_holding(engine: Engine, job: str) -> None:
    """End the PostgreSQL backend that holds ``job``'s advisory lock."""
    key = lock_key(job) & 0xFFFF_FFFF_FFFF_FFFF
    with engine.begin() as conn:
        ended = conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                " AND classid = :high AND objid = :low AND objsubid = 1 AND granted"
            ),
            {"high": key >> 32, "low": key & 0xFFFF_FFFF},
        ).scalars().all()
    assert ended == [True]


def test_one_turn_at_a_time_then_once_per_interval(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    a, b = (ClusterJobs(e, name, clock.now) for e, name in zip(engines, "ab", strict=True))
    with a.turn("settlement", EVERY) as first:
        assert first.mine and not first.resumed
        with b.turn("settlement", EVERY) as meanwhile:
            assert meanwhile.busy and not meanwhile.mine
        with b.turn("day-close", EVERY) as other_job:
            assert other_job.mine  # a lock per job
    clock.at += timedelta(seconds=30)
    with b.turn("settlement", EVERY) as early:
        assert not early.mine and not early.busy
        assert early.last_started == clock.at - timedelta(seconds=30)
    clock.at += timedelta(seconds=30)
    with b.turn("settlement", EVERY) as due:
        assert due.mine
    stored = row(engines[0], "settlement")
    assert (stored.runs, stored.runner, stored.finished_at) == (2, "b", clock.at)


def test_a_failed_run_is_recorded_and_waits_its_interval(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    a, b = (ClusterJobs(e, name, clock.now) for e, name in zip(engines, "ab", strict=True))
    with pytest.raises(RuntimeError), a.turn("billing", EVERY) as turn:
        assert turn.mine
        raise RuntimeError("the venue is down")
    assert row(engines[0], "billing").last_error == "RuntimeError: the venue is down"
    with b.turn("billing", EVERY) as again:
        assert not again.mine  # not a dead run: it waits the interval like any other


def test_a_run_whose_server_died_is_resumed_at_once(engines: tuple[Engine, Engine]) -> None:
    clock = Clock()
    a, b = (ClusterJobs(e, name, clock.now) for e, name in zip(engines, "ab", strict=True))
    turn = a.turn("stats-refresh", EVERY)
    assert turn.__enter__().mine
    with b.turn("stats-refresh", EVERY) as held:
        assert held.busy
    end_backend_holding(engines[1], "stats-refresh")  # as a SIGKILL of its server does
    with b.turn("stats-refresh", EVERY) as resumed:
        assert resumed.mine and resumed.resumed
    stored = row(engines[1], "stats-refresh")
    assert (stored.runs, stored.runner) == (1, "b")
