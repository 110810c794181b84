"""The timed inputs of ``bench stats``: new closed trades and varied leaderboard requests.

Both are drawn from a seeded ``random.Random``, so every run (and every
backend) times the same sequence.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar

from copytrade.bench.stats_data import DEPOSIT, START, make_trade, provider_id
from copytrade.bench.stats_target import LeaderboardQuery
from copytrade.domain.ids import AccountId
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.domain.trades import Trade
from copytrade.marketdata.clock import SimulatedClock

SORTS = ("roi", "pnl", "win_rate", "drawdown", "sharpe", "followers", "aum", "copier_pnl")
PAGES = 5  # pages 1 to 5: the first pages are what people look at
FILTER_SHARE = 0.3  # each filter is set on about this share of the requests
T = TypeVar("T")


def new_trades(
    rng: random.Random, clock: SimulatedClock, providers: int, count: int
) -> Iterator[tuple[str, Trade]]:
    """``count`` perp trades by random providers, each closing one second after the last.

    Sized on the day-1 deposit rather than each provider's current equity: the
    size changes the figures the service computes, not the work it does.
    """
    for _ in range(count):
        provider = provider_id(rng.randrange(providers))
        closed = clock.advance(timedelta(seconds=1))
        second = int((closed - START).total_seconds())
        leverage = rng.randint(1, 5)
        yield provider, make_trade(rng, AccountId(provider), DEPOSIT, second, False, leverage)


def leaderboard_queries(rng: random.Random, count: int) -> Iterator[LeaderboardQuery]:
    """Every period and sort, pages 1–5, each docs/statistics.md, Leaderboard filter on about 30 %
    of requests."""
    for _ in range(count):
        yield LeaderboardQuery(
            period=rng.choice(tuple(Period)),
            sort=rng.choice(SORTS),
            page=rng.randint(1, PAGES),
            min_aum=_maybe(rng, (Decimal(1000), Decimal(10000), Decimal(50000))),
            min_followers=_maybe(rng, (1, 5, 10)),
            max_drawdown=_maybe(rng, (Decimal(10), Decimal(25), Decimal(50))),
            risk_level=_maybe(rng, tuple(RiskLevel)),
            strategy=_maybe(rng, tuple(Strategy)),
            min_track_record_days=_maybe(rng, (30, 90)),
        )


def _maybe(rng: random.Random, choices: Sequence[T]) -> T | None:
    return rng.choice(choices) if rng.random() < FILTER_SHARE else None
