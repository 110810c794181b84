"""The engine tells the stats service about closed trades and closed days."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import Engine

from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.domain.statistics import Period
from copytrade.domain.trades import Trade
from copytrade.marketdata.clock import SimulatedClock
from copytrade.stats.refresher import StatsRefresher
from copytrade.stats.service import StatsService

from ..engine.harness import START, Harness
from .world import play_world, stats_service


class Recorder(StatsService):
    """The real service, also noting which hook ran (to prove the O(1) path was taken)."""

    def __init__(self, h: Harness) -> None:
        super().__init__(h.platform.uow, h.engine.prices.snapshot, h.clock.now, 3)
        self.trades: list[tuple[str, Trade]] = []
        self.days = 0
        self.provider_refreshes = 0

    def on_trade_closed(self, provider_id: str, trade: Trade) -> None:
        self.trades.append((provider_id, trade))
        super().on_trade_closed(provider_id, trade)

    def on_day_closed(self, day: object) -> None:
        self.days += 1
        super().on_day_closed(day)  # type: ignore[arg-type]

    def refresh_provider(self, provider_id: str) -> None:
        self.provider_refreshes += 1
        super().refresh_provider(provider_id)


def _rows(h: Harness, provider: str) -> dict[Period, ProviderStatsRecord]:
    with h.platform.uow() as uow:
        return uow.provider_stats.of_provider(provider)


def _comparable(record: ProviderStatsRecord) -> ProviderStatsRecord:
    # Copier figures move with prices and followers' own trades: the full refresh's job.
    return replace(record, computed_at=START, aum=0, copier_pnl=0, active_followers=0)  # type: ignore[arg-type]


def test_hooks_keep_rows_equal_to_a_full_refresh(db_engine: Engine) -> None:
    h = Harness(db_engine)
    service = Recorder(h)
    h.engine.listeners.append(service)
    ids = play_world(h)
    # Provider trades only (copies are followers' trades), each announced once.
    assert [p for p, _ in service.trades] == ["pro", "pro", "solo", "pro", "pro", "pro", "pro"]
    assert service.days == 9
    # Each trade came on a day whose rows were fresh (a day close refreshed them all)
    # except the very first one, before any row existed.
    assert service.provider_refreshes == 1
    incremental = {p: _rows(h, p) for p in ids.values()}
    assert incremental["young"] == {}  # joined after the last close: the next refresh adds it
    stats_service(h).full_refresh()
    for provider in ("pro", "solo"):
        full = _rows(h, provider)
        assert {k: _comparable(v) for k, v in incremental[provider].items()} == {
            k: _comparable(v) for k, v in full.items()
        }
    assert incremental["pro"][Period.ALL].total_trades == 6


def test_refresher_runs_when_due_on_a_simulated_clock(db_engine: Engine) -> None:
    h = Harness(db_engine)
    play_world(h)
    runs: list[object] = []

    class Counting(StatsService):
        def full_refresh(self) -> int:
            runs.append(self._now())
            return super().full_refresh()

    clock = SimulatedClock(h.clock.now())
    refresher = StatsRefresher(Counting(h.platform.uow, dict, clock.now), clock)
    assert refresher.tick() is True  # the first tick refreshes at once
    assert refresher.seconds_until_due() == 300.0
    clock.advance(timedelta(minutes=4, seconds=59))
    assert refresher.tick() is False and refresher.seconds_until_due() == 1.0
    clock.advance(timedelta(seconds=1))
    assert refresher.tick() is True
    assert len(runs) == 2
    with h.platform.uow() as uow:
        assert len(uow.provider_stats.of_provider("pro")) == len(Period)
