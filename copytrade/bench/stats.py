"""``copytrade bench stats``: provider statistics and the leaderboard at scale (issue 5).

On a fresh SQLite file, and on a fresh PostgreSQL schema when one is reachable:
P providers with T closed trades each (``stats_data``, loaded by ``stats_load``),
then the stats service's full refresh, its update for one new closed trade, and
leaderboard pages. See docs/benchmarks.md for what each figure measures.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.bench.fanout import NoProgress, Progress
from copytrade.bench.stats_backends import (
    DEFAULT_POSTGRES_URL,
    postgres_database,
    postgres_unreachable,
    sqlite_database,
)
from copytrade.bench.stats_data import INSTRUMENTS, PRICES, StatsDataConfig
from copytrade.bench.stats_load import load_stats_data
from copytrade.bench.stats_requests import leaderboard_queries, new_trades
from copytrade.bench.stats_target import StatsTarget
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.marketdata.clock import SimulatedClock

# Issue 5's targets (the figures are compared against them in ``within_targets``).
TARGETS = {"full_refresh_s": 5.0, "incremental_ms": 2.0, "leaderboard_p99_ms": 10.0}
WARMUP = 5  # untimed calls before each timed series (imports, caches, prepared plans)


@dataclass(frozen=True, slots=True)
class StatsBenchConfig:
    providers: int = 2000
    trades: int = 500
    postgres: bool = True
    postgres_url: str = DEFAULT_POSTGRES_URL
    refresh_repeat: int = 3
    incremental: int = 200
    leaderboard_requests: int = 500
    seed: int = 5
    workers: int = 2  # processes a full refresh computes in (COPYTRADE_STATS_REFRESH_WORKERS)

    def __post_init__(self) -> None:
        counts = (self.refresh_repeat, self.incremental, self.leaderboard_requests)
        if min(counts) < 1:
            raise ValueError(f"refresh_repeat, incremental and leaderboard_requests must be "
                             f"at least 1, got {counts}")  # fmt: skip

    @property
    def data(self) -> StatsDataConfig:
        return StatsDataConfig(providers=self.providers, trades=self.trades, seed=self.seed)


@dataclass(frozen=True, slots=True)
class BackendFigures:
    full_refresh_s: float  # median of refresh_repeat full refreshes
    incremental_ms: float  # p50 of on_trade_closed, one new closed trade each
    incremental_p99_ms: float
    leaderboard_p50_ms: float  # one filtered, sorted page of 20
    leaderboard_p99_ms: float
    setup_s: float  # generating and loading the data (not in any figure above)
    providers_refreshed: int
    relationships: int

    def to_json(self) -> dict[str, Any]:
        figures = asdict(self)
        figures["within_targets"] = {key: figures[key] <= limit for key, limit in TARGETS.items()}
        return figures


@dataclass(frozen=True, slots=True)
class StatsBenchResult:
    providers: int
    trades: int
    sqlite: BackendFigures
    postgresql: BackendFigures | None
    postgresql_skipped: str | None  # why there are no PostgreSQL figures

    def to_json(self) -> dict[str, Any]:
        sqlite = self.sqlite.to_json()
        return {
            # The contract's keys (issue 5), from the embedded default (SQLite).
            **{key: sqlite[key] for key in TARGETS},
            "providers": self.providers,
            "trades": self.trades,
            "sqlite": sqlite,
            "postgresql": None if self.postgresql is None else self.postgresql.to_json(),
            "postgresql_skipped": self.postgresql_skipped,
            "targets": dict(TARGETS),
        }


def run_stats_bench(config: StatsBenchConfig, progress: Progress | None = None) -> StatsBenchResult:
    progress = progress or NoProgress()
    sqlite = _measure("sqlite", sqlite_database(), config, progress)
    skipped = "--no-postgres" if not config.postgres else postgres_unreachable(config.postgres_url)
    postgresql = None
    if skipped is None:
        postgresql = _measure("postgresql", postgres_database(config.postgres_url), config,
                              progress)  # fmt: skip
    return StatsBenchResult(config.providers, config.trades, sqlite, postgresql, skipped)


def _measure(
    name: str, database: AbstractContextManager[Engine], config: StatsBenchConfig,
    progress: Progress,
) -> BackendFigures:  # fmt: skip
    with database as engine:
        session_factory = make_session_factory(engine)
        progress.stage(f"{name}: set-up, {config.providers} providers", config.providers)
        start = now_ns()
        loaded = load_stats_data(session_factory, config.data, progress.advance)
        setup_ns = now_ns() - start
        clock = SimulatedClock(config.data.end)
        target = StatsTarget(
            session_factory, INSTRUMENTS, lambda: PRICES, clock.now, config.workers
        )
        progress.stage(f"{name}: full refresh", config.refresh_repeat)
        refreshes = list(_timed_refreshes(target, config.refresh_repeat, progress))
        progress.stage(f"{name}: one closed trade", config.incremental)
        incremental = _incremental(target, clock, config, progress)
        progress.stage(f"{name}: leaderboard pages", config.leaderboard_requests)
        pages = _leaderboard(target, config, progress)
    return BackendFigures(
        full_refresh_s=round(percentile([ns for ns, _ in refreshes], 50) / 1e9, 3),
        incremental_ms=ms(percentile(incremental, 50)),
        incremental_p99_ms=ms(percentile(incremental, 99)),
        leaderboard_p50_ms=ms(percentile(pages, 50)),
        leaderboard_p99_ms=ms(percentile(pages, 99)),
        setup_s=round(setup_ns / 1e9, 3),
        providers_refreshed=min(count for _, count in refreshes),
        relationships=loaded.relationships,
    )


def _timed_refreshes(
    target: StatsTarget, repeat: int, progress: Progress
) -> Iterator[tuple[int, int]]:
    """(nanoseconds, providers refreshed) of each full refresh."""
    for _ in range(repeat):
        start = now_ns()
        count = target.full_refresh()
        yield now_ns() - start, count
        progress.advance()


def _incremental(
    target: StatsTarget, clock: SimulatedClock, config: StatsBenchConfig, progress: Progress
) -> list[int]:
    """``on_trade_closed`` for new trades, one at a time, each closing one second later.

    The trade's own row and its day tally are written first, untimed, in their
    own transaction: that is the ingestor's work when it books the closing fill;
    the figure is what the statistics add to it.
    """
    rng = random.Random(f"{config.seed}:incremental")
    samples = []
    trades = new_trades(rng, clock, config.providers, WARMUP + config.incremental)
    for number, (provider, trade) in enumerate(trades):
        with target.uow_factory() as uow:
            uow.trades.add_many([trade])
            uow.trade_tallies.add_trades([trade])
            uow.commit()
        start = now_ns()
        target.trade_closed(provider, trade)
        if number >= WARMUP:
            samples.append(now_ns() - start)
            progress.advance()
    return samples


def _leaderboard(target: StatsTarget, config: StatsBenchConfig, progress: Progress) -> list[int]:
    rng = random.Random(f"{config.seed}:leaderboard")
    samples = []
    for number, query in enumerate(leaderboard_queries(rng, WARMUP + config.leaderboard_requests)):
        start = now_ns()
        target.leaderboard_page(query)
        if number >= WARMUP:
            samples.append(now_ns() - start)
            progress.advance()
    return samples
