"""OHLCV candles built from price ticks, closed on UTC boundaries (docs/alerts.md).

A candle covers ``[open_time, open_time + timeframe)``. It closes when the first tick
at or after its end arrives (that tick opens the next candle), or when ``close_due``
is told the time has passed its end (a quiet market still closes its candles). A
period with no tick at all has no candle: none is invented.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from copytrade.domain.alerts.errors import CandleOrderError, InvalidAlertError
from copytrade.domain.alerts.timeframes import Timeframe

DEFAULT_HISTORY = 500  # closed candles kept per (symbol, timeframe) for warm-up and replay


@dataclass(frozen=True, slots=True)
class Candle:
    symbol: str
    timeframe: Timeframe
    open_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    ticks: int

    @property
    def close_time(self) -> datetime:
        return self.open_time + self.timeframe.length

    def with_tick(self, price: Decimal, volume: Decimal) -> Candle:
        return replace(
            self,
            high=max(self.high, price),
            low=min(self.low, price),
            close=price,
            volume=self.volume + volume,
            ticks=self.ticks + 1,
        )


def _opening(symbol: str, timeframe: Timeframe, ts: datetime, price: Decimal,
             volume: Decimal) -> Candle:
    return Candle(symbol, timeframe, timeframe.open_time(ts), price, price, price, price,
                  volume, 1)


class CandleAggregator:
    """The open candle of every (symbol, timeframe); ``add`` returns what a tick closed."""

    def __init__(self, timeframes: Iterable[Timeframe] = tuple(Timeframe)) -> None:
        self.timeframes = tuple(sorted(set(timeframes), key=lambda t: t.length))
        if not self.timeframes:
            raise InvalidAlertError("a candle aggregator needs at least one timeframe")
        self._open: dict[tuple[str, Timeframe], Candle] = {}

    def add(self, symbol: str, ts: datetime, price: Decimal,
            volume: Decimal = Decimal(0)) -> list[Candle]:
        """Apply one tick (the price in force from ``ts`` on); the candles it closed,
        shortest timeframe first."""
        if not isinstance(price, Decimal) or price <= 0:
            raise InvalidAlertError(
                f"{symbol} tick price must be a positive Decimal, got {price!r}"
            )
        closed: list[Candle] = []
        for timeframe in self.timeframes:
            key = (symbol, timeframe)
            current = self._open.get(key)
            if current is None:
                self._open[key] = _opening(symbol, timeframe, ts, price, volume)
            elif ts < current.open_time:
                raise CandleOrderError(
                    f"{symbol} tick at {ts.isoformat()} is earlier than its open "
                    f"{timeframe.value} candle ({current.open_time.isoformat()})"
                )
            elif ts >= current.close_time:
                closed.append(current)
                self._open[key] = _opening(symbol, timeframe, ts, price, volume)
            else:
                self._open[key] = current.with_tick(price, volume)
        return closed

    def close_due(self, now: datetime) -> list[Candle]:
        """Close every open candle whose end is at or before ``now``."""
        due = [c for c in self._open.values() if c.close_time <= now]
        for candle in due:
            del self._open[(candle.symbol, candle.timeframe)]
        return sorted(due, key=lambda c: (c.close_time, c.timeframe.length, c.symbol))

    def open_candle(self, symbol: str, timeframe: Timeframe) -> Candle | None:
        return self._open.get((symbol, timeframe))


class CandleHistory:
    """The last ``size`` closed candles of each (symbol, timeframe), oldest first."""

    def __init__(self, size: int = DEFAULT_HISTORY) -> None:
        if size < 1:
            raise InvalidAlertError(f"candle history size must be at least 1, got {size}")
        self._size = size
        self._candles: dict[tuple[str, Timeframe], deque[Candle]] = {}

    def append(self, candle: Candle) -> None:
        key = (candle.symbol, candle.timeframe)
        kept = self._candles.get(key)
        if kept is None:
            kept = self._candles[key] = deque(maxlen=self._size)
        elif kept and candle.open_time <= kept[-1].open_time:
            raise CandleOrderError(
                f"{candle.symbol} {candle.timeframe.value} candle at "
                f"{candle.open_time.isoformat()} is not after the last one kept"
            )
        kept.append(candle)

    def recent(self, symbol: str, timeframe: Timeframe) -> Sequence[Candle]:
        return tuple(self._candles.get((symbol, timeframe), ()))
