"""Real-looking candles for the alert tests: the synthetic feed, aggregated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from copytrade.domain.alerts.candles import Candle, CandleAggregator
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.marketdata import SyntheticFeed, default_symbol_specs

START = datetime(2026, 1, 5, tzinfo=UTC)


@lru_cache(maxsize=4)
def synthetic_candles(
    symbol: str = "BTC/USDT", minutes: int = 1500, seed: int = 7
) -> tuple[Candle, ...]:
    """1m candles of ``symbol`` from a tick every 10 seconds (six ticks a candle)."""
    feed = SyntheticFeed(seed, default_symbol_specs(symbol), START, timedelta(seconds=10),
                         minutes * 6 + 1)
    agg = CandleAggregator([Timeframe.M1])
    closed: list[Candle] = []
    for tick in feed:
        closed += agg.add(tick.symbol, tick.ts, tick.price)
    return tuple(closed)
