"""Live prices: a source of the latest tickers (a live exchange's), and a feed of the
prices that changed (docs/marketdata.md, "Live tickers").

The source does the I/O (``copytrade/adapters/venues/ccxt/tickers.py`` reads an
exchange's tickers through ccxt); what is here does none: it keeps the last price of
each symbol and passes on what moved, in time order, so the consumer (``copytrade
serve``'s ``tickers`` job) marks books only when a price changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Protocol

from copytrade.marketdata.ticks import PriceTick


class TickerSource(Protocol):
    """The latest price of each of ``symbols``, now (one request per poll, or a few)."""

    @property
    def symbols(self) -> tuple[str, ...]: ...

    def latest(self) -> Sequence[PriceTick]: ...


class LiveTickerFeed:
    """The ticks of a ``TickerSource`` whose price changed since the last poll.

    ``poll()`` is one step (the serve job); iterating is the ``PriceFeed`` protocol's
    form of the same, polling every ``interval_s`` until ``wait`` says stop (a live feed
    never replays: iterating again goes on from now). Ticks come out in non-decreasing
    time: a tick stamped before the last one passed on is stamped at that one's time.
    """

    def __init__(
        self,
        source: TickerSource,
        interval_s: float = 2.0,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self._source = source
        self._interval_s = interval_s
        self._wait = wait
        self._last: dict[str, Decimal] = {}
        self._last_tick: PriceTick | None = None

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._source.symbols

    @property
    def prices(self) -> dict[str, Decimal]:
        """The last price seen of each symbol."""
        return dict(self._last)

    def poll(self) -> list[PriceTick]:
        """Read the source once; the ticks whose price moved (or is new), oldest first."""
        moved: list[PriceTick] = []
        for tick in sorted(self._source.latest(), key=lambda t: t.ts):
            if self._last.get(tick.symbol) == tick.price:
                continue
            previous = self._last_tick
            if previous is not None and tick.ts < previous.ts:
                tick = PriceTick(tick.symbol, previous.ts, tick.price)
            self._last[tick.symbol] = tick.price
            self._last_tick = tick
            moved.append(tick)
        return moved

    def __iter__(self) -> Iterator[PriceTick]:
        while True:
            yield from self.poll()
            if self._wait is None or self._wait(self._interval_s):
                return
