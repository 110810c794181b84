"""The price-feed interface, merging feeds in time order, and driving a clock."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Protocol, runtime_checkable

from copytrade.marketdata.clock import SimulatedClock
from copytrade.marketdata.errors import InvalidMarketDataError, OutOfOrderError
from copytrade.marketdata.ticks import PriceTick

_BY_TIME = attrgetter("ts")


@runtime_checkable
class PriceFeed(Protocol):
    """Ticks of one or more symbols in time order; iterating again replays them."""

    @property
    def symbols(self) -> tuple[str, ...]: ...

    def __iter__(self) -> Iterator[PriceTick]: ...


def in_time_order(ticks: Iterable[PriceTick], source: str) -> Iterator[PriceTick]:
    """Pass ``ticks`` through, raising if one is earlier than the one before."""
    previous: PriceTick | None = None
    for tick in ticks:
        if previous is not None and tick.ts < previous.ts:
            raise OutOfOrderError(
                f"{source} went back in time: {tick.symbol} at {tick.ts.isoformat()} "
                f"came after {previous.symbol} at {previous.ts.isoformat()}"
            )
        previous = tick
        yield tick


def merge_in_time_order(streams: Iterable[Iterable[PriceTick]]) -> Iterator[PriceTick]:
    """Interleave time-ordered streams; equal times keep the streams' order.

    ``heapq.merge`` breaks ties by the position of the stream, like a stable
    sort of the concatenation, so the result is the same on every run.
    """
    return heapq.merge(*streams, key=_BY_TIME)


class MergedFeed:
    """Several feeds as one: time order; at equal times, the feeds' argument order."""

    __slots__ = ("_feeds", "_symbols")

    def __init__(self, feeds: tuple[PriceFeed, ...]) -> None:
        if not feeds:
            raise InvalidMarketDataError("merge_feeds needs at least one feed")
        symbols: list[str] = []
        for feed in feeds:
            for symbol in feed.symbols:
                if symbol in symbols:
                    # Two price streams for one symbol would make its price jump between them.
                    raise InvalidMarketDataError(f"symbol {symbol!r} is carried by two feeds")
                symbols.append(symbol)
        self._feeds = feeds
        self._symbols = tuple(symbols)

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._symbols

    def __iter__(self) -> Iterator[PriceTick]:
        return merge_in_time_order(
            in_time_order(feed, f"feed #{index + 1} ({', '.join(feed.symbols)})")
            for index, feed in enumerate(self._feeds)
        )


def merge_feeds(*feeds: PriceFeed) -> MergedFeed:
    """One feed of all ``feeds``' ticks in time order (see ``MergedFeed``)."""
    return MergedFeed(feeds)


def clocked(feed: Iterable[PriceTick], clock: SimulatedClock) -> Iterator[PriceTick]:
    """Yield ``feed``'s ticks, first moving ``clock`` to each tick's time.

    The clock refuses to go backwards, so a misordered feed fails loudly here.
    """
    for tick in feed:
        clock.set(tick.ts)
        yield tick
