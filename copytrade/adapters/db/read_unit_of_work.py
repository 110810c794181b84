"""A read-only unit of work for the statistics reads (the leaderboard).

Cheaper than a full ``SqlUnitOfWork``: it loads no instruments and builds only
the repository it serves; its session should come from a read-only engine view
(``make_read_session_factory``), so on SQLite its transaction is a deferred
``BEGIN`` that never waits for the write lock. Leaving it rolls back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRepository
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork


class StatsReadUnitOfWork(SqlUnitOfWork):
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        super().__init__(session_factory, instruments={})

    def _open_repositories(self, session: Session) -> None:
        self.provider_stats = ProviderStatsRepository(session)
