"""Replaying OHLCV bars from a CSV file as price ticks.

A bar's timestamp is the time it opens (the ccxt and exchange convention), so
its close is only known one bar interval later: ticks are stamped at the time
their price is known, and a replay never shows a price before it happened.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

from copytrade.marketdata.csv_bars import load_bars
from copytrade.marketdata.errors import InvalidMarketDataError
from copytrade.marketdata.feed import merge_in_time_order
from copytrade.marketdata.ticks import Bar, PriceTick


class BarTicks(StrEnum):
    """Which ticks a bar becomes."""

    CLOSE = "close"  # one tick, the close, at open time + interval
    OHLC = "ohlc"  # four ticks through the bar: open, both extremes, close


def bar_ticks(bar: Bar, interval: timedelta, mode: BarTicks) -> tuple[PriceTick, ...]:
    """The ticks of one bar that opens at ``bar.ts`` and lasts ``interval``.

    In OHLC mode a rising bar (close >= open) visits its low before its high,
    a falling one its high before its low: the usual assumption of bar-based
    backtesters, that the bar first moves against its final direction. The
    extremes sit at one and two thirds of the interval.
    """
    close = PriceTick(bar.symbol, bar.ts + interval, bar.close)
    if mode is BarTicks.CLOSE:
        return (close,)
    first, second = (bar.low, bar.high) if bar.close >= bar.open else (bar.high, bar.low)
    third = interval / 3
    return (
        PriceTick(bar.symbol, bar.ts, bar.open),
        PriceTick(bar.symbol, bar.ts + third, first),
        PriceTick(bar.symbol, bar.ts + 2 * third, second),
        close,
    )


def smallest_gap(bars: Sequence[Bar]) -> timedelta | None:
    """The shortest time between consecutive bars of one symbol (None if none).

    A file with missing bars still shows its true interval somewhere.
    """
    last: dict[str, Bar] = {}
    gap: timedelta | None = None
    for bar in bars:
        previous = last.get(bar.symbol)
        if previous is not None and (gap is None or bar.ts - previous.ts < gap):
            gap = bar.ts - previous.ts
        last[bar.symbol] = bar
    return gap


class CsvReplayFeed:
    """The bars of a CSV file as ticks in time order (see ``load_bars`` for the format).

    The whole file is read and validated on construction, so iterating never
    fails half-way. ``symbol`` selects one symbol of a multi-symbol file or
    names the instrument of a file without a symbol column. ``interval`` is
    the bar length; by default the smallest gap between consecutive bars.
    Symbols at equal times come in the order they first appear in the file.
    """

    __slots__ = ("_bars", "_by_symbol", "_interval", "_mode")

    def __init__(
        self,
        path: str | Path,
        symbol: str | None = None,
        *,
        ticks: BarTicks = BarTicks.CLOSE,
        interval: timedelta | None = None,
    ) -> None:
        bars = load_bars(path, symbol)
        gap = smallest_gap(bars)
        if interval is None:
            if gap is None:
                raise InvalidMarketDataError(
                    f"cannot infer the bar interval of {path}: it has one bar per symbol; "
                    "pass interval"
                )
            interval = gap
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            raise InvalidMarketDataError(f"interval must be a positive timedelta, got {interval!r}")
        if gap is not None and interval > gap:
            raise InvalidMarketDataError(
                f"interval {interval} is longer than the {gap} between two bars of {path}: "
                "its bars would overlap"
            )
        try:
            self._mode = BarTicks(ticks)
        except ValueError:
            choices = ", ".join(mode.value for mode in BarTicks)
            raise InvalidMarketDataError(f"ticks must be one of {choices}, got {ticks!r}") from None
        self._bars = bars
        self._interval = interval
        by_symbol: dict[str, list[Bar]] = {}
        for bar in bars:
            by_symbol.setdefault(bar.symbol, []).append(bar)
        self._by_symbol = {symbol: tuple(group) for symbol, group in by_symbol.items()}

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self._by_symbol)

    @property
    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    @property
    def interval(self) -> timedelta:
        return self._interval

    def _ticks_of(self, symbol: str) -> Iterator[PriceTick]:
        # Bars of one symbol are in increasing time (load_bars checked it) and
        # do not overlap, so each symbol's ticks are already in time order.
        for bar in self._by_symbol[symbol]:
            yield from bar_ticks(bar, self._interval, self._mode)

    def __iter__(self) -> Iterator[PriceTick]:
        return merge_in_time_order(self._ticks_of(symbol) for symbol in self._by_symbol)
