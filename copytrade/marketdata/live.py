"""Live prices: a source of the latest tickers (a live exchange's), and a feed of the
prices that changed (docs/marketdata.md, "Live tickers"); a live exchange's perps'
funding, paid at each funding time they pass (``LiveFunding``, "Live funding").

The source does the I/O (``copytrade/adapters/venues/ccxt/tickers.py`` reads an
exchange's tickers through ccxt); what is here does none: it keeps the last price of
each symbol and passes on what moved, in time order, so the consumer (``copytrade
serve``'s ``tickers`` job) marks books only when a price changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from copytrade.marketdata.funding import FundingRate, is_funding_time
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


@dataclass(frozen=True, slots=True)
class NextFunding:
    """What an exchange shows of a perp's coming funding: its time and rate so far."""

    symbol: str
    ts: datetime
    rate: Decimal


class FundingSource(Protocol):
    """The coming funding of each watched perp, now (one request per read)."""

    def next_funding(self) -> Sequence[NextFunding]: ...


class LiveMarketSource(TickerSource, FundingSource, Protocol):
    """A live exchange's tickers and funding (``copytrade serve``'s tickers job)."""


REFRESH = timedelta(minutes=1)


class LiveFunding:
    """The funding times a live exchange's perps pass, each paid once at the rate last
    read before it (docs/marketdata.md "Live funding"). ``due(now)`` is the funding whose
    time has come; ``refresh(now)`` reads the source at most once per ``refresh``. A perp
    whose funding time is off the 8-hour grid (another interval) is not followed."""

    def __init__(self, source: FundingSource, refresh: timedelta = REFRESH) -> None:
        self._source = source
        self._refresh = refresh
        self._read_at: datetime | None = None
        self._coming: dict[str, NextFunding] = {}
        self._paid: dict[str, datetime] = {}

    def due(self, now: datetime) -> list[FundingRate]:
        """The funding whose time is at or before ``now``, not given before, by symbol."""
        due = []
        for symbol in sorted(self._coming):
            coming = self._coming[symbol]
            if coming.ts <= now:
                due.append(FundingRate(symbol, coming.ts, coming.rate))
                self._paid[symbol] = coming.ts
                del self._coming[symbol]
        return due

    def refresh(self, now: datetime) -> bool:
        """Read the source if the last read is older than ``refresh``; whether it did. A
        coming funding already due stays as read until ``due`` gives it."""
        if self._read_at is not None and now - self._read_at < self._refresh:
            return False
        read = self._source.next_funding()
        self._read_at = now
        for item in read:
            held = self._coming.get(item.symbol)
            if held is not None and held.ts <= now:
                continue
            paid = self._paid.get(item.symbol)
            if (paid is None or item.ts > paid) and is_funding_time(item.ts):
                self._coming[item.symbol] = item
        return True
