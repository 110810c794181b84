"""The stats service and the leaderboard as ``bench stats`` drives them.

The one module of the bench that imports ``copytrade.stats``, so the bench
depends on that API in one place: ``StatsService`` (full refresh, one closed
trade) and ``leaderboard`` (one filtered, sorted page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.engine import make_read_session_factory
from copytrade.adapters.db.read_unit_of_work import StatsReadUnitOfWork
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.instruments import Instrument
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.domain.trades import Trade
from copytrade.stats.leaderboard import LeaderboardFilters, LeaderboardSort, leaderboard
from copytrade.stats.service import StatsService

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class LeaderboardQuery:
    """One leaderboard request: docs/statistics.md, Leaderboard's filters (None: not filtered), a
    sort, a page."""

    period: Period
    sort: str  # a LeaderboardSort value: roi, pnl, win_rate, drawdown, sharpe, ...
    page: int = 1
    min_aum: Decimal | None = None
    min_followers: int | None = None
    max_drawdown: Decimal | None = None
    risk_level: RiskLevel | None = None
    strategy: Strategy | None = None
    min_track_record_days: int | None = None


class StatsTarget:
    """What is timed: the service's full refresh and incremental update, and a page."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        instruments: Mapping[str, Instrument],
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        workers: int = 1,
    ) -> None:
        self._session_factory = session_factory
        engine = session_factory.kw["bind"]
        self._read_session_factory = make_read_session_factory(engine)
        self._instruments = instruments
        self._service = StatsService(
            self.uow_factory,
            prices,
            now,
            workers=workers,
            after_fork=lambda: engine.dispose(close=False),
            read_uow_factory=self.read_uow_factory,
        )

    def uow_factory(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._session_factory, self._instruments)

    def read_uow_factory(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._read_session_factory, self._instruments)

    def full_refresh(self) -> int:
        """Every provider's statistics recomputed; how many providers were refreshed."""
        return self._service.full_refresh()

    def trade_closed(self, provider: str, trade: Trade) -> None:
        self._service.on_trade_closed(provider, trade)

    def leaderboard_page(self, query: LeaderboardQuery) -> None:
        filters = LeaderboardFilters(
            period=query.period,
            min_aum=query.min_aum,
            min_followers=query.min_followers,
            max_drawdown=query.max_drawdown,
            risk_level=query.risk_level,
            strategy=query.strategy,
            min_track_record_days=query.min_track_record_days,
        )
        with StatsReadUnitOfWork(self._read_session_factory) as uow:
            leaderboard(uow, filters, LeaderboardSort(query.sort), page=query.page,
                        page_size=PAGE_SIZE)  # fmt: skip
