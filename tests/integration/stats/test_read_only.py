"""The leaderboard's read-only unit of work: same pages, and no write lock on SQLite."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_read_session_factory, make_session_factory
from copytrade.adapters.db.read_unit_of_work import StatsReadUnitOfWork
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.stats.leaderboard import LeaderboardFilters, LeaderboardSort, leaderboard
from tests.integration.stats.test_leaderboard import expected_ids, generated


def test_read_only_page_matches_and_does_not_wait_for_a_writer(db_engine: Engine) -> None:
    records = generated()
    writes = make_session_factory(db_engine)
    with SqlUnitOfWork(writes) as uow:
        uow.provider_stats.replace(records)
        uow.commit()
    reads = make_read_session_factory(db_engine)
    # A writer holds its transaction open (on SQLite: BEGIN IMMEDIATE, the write lock).
    with SqlUnitOfWork(writes) as writer:
        writer.provider_stats.replace(records[:4])
        start = time.monotonic()
        with StatsReadUnitOfWork(reads) as uow:
            page = leaderboard(uow, LeaderboardFilters(), LeaderboardSort.ROI, 1, 50)
        waited = time.monotonic() - start
    # busy_timeout is 10 s: a reader queuing behind the lock would take that long.
    assert waited < 2
    assert [c.provider_id for c in page.cards] == expected_ids(records, LeaderboardSort.ROI)
    assert page.total == len(page.cards)
