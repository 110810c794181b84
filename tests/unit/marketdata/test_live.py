"""LiveTickerFeed: only moved prices, in non-decreasing time; iterating polls until told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from copytrade.domain.values import Price
from copytrade.marketdata import LiveTickerFeed, PriceFeed, PriceTick

T0 = datetime(2026, 12, 3, tzinfo=UTC)


class Script:
    """A ticker source answering each poll with the next prepared list."""

    symbols = ("A", "B")

    def __init__(self, *polls: list[tuple[str, int, str]]) -> None:
        self._polls = list(polls)

    def latest(self) -> Sequence[PriceTick]:
        rows = self._polls.pop(0) if self._polls else []
        return [PriceTick(s, T0 + timedelta(seconds=t), Price(Decimal(p))) for s, t, p in rows]


def test_only_moves_pass_and_time_never_goes_back() -> None:
    feed = LiveTickerFeed(Script(
        [("A", 5, "1"), ("B", 3, "2")],
        [("A", 6, "1"), ("B", 4, "2.5")],  # A did not move; B is stamped before A's 5 s
    ))
    assert [(t.symbol, t.ts.second) for t in feed.poll()] == [("B", 3), ("A", 5)]
    [b] = feed.poll()
    assert (b.symbol, b.price, b.ts) == ("B", Decimal("2.5"), T0 + timedelta(seconds=5))


def test_iterating_is_a_price_feed_that_stops_when_told() -> None:
    waits: list[float] = []

    def wait(seconds: float) -> bool:
        waits.append(seconds)
        return len(waits) == 2

    feed = LiveTickerFeed(Script([("A", 1, "1")], [("A", 2, "3")]), 0.5, wait)
    assert isinstance(feed, PriceFeed)
    assert [t.price for t in feed] == [Decimal(1), Decimal(3)]
    assert waits == [0.5, 0.5]
