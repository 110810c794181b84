from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from copytrade.domain.values import Price
from copytrade.marketdata import (
    ClockBackwardsError,
    InvalidMarketDataError,
    OutOfOrderError,
    PriceFeed,
    PriceTick,
    SimulatedClock,
    clocked,
    merge_feeds,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


class ListFeed:
    """A feed of hand-written ticks: (symbol, minutes after T0, price)."""

    def __init__(self, *rows: tuple[str, int, int]) -> None:
        self.ticks = [PriceTick(s, T0 + timedelta(minutes=m), Price(p)) for s, m, p in rows]

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.symbol for t in self.ticks))

    def __iter__(self) -> Iterator[PriceTick]:
        return iter(self.ticks)


def as_rows(ticks: object) -> list[tuple[str, int, int]]:
    return [
        (t.symbol, (t.ts - T0) // timedelta(minutes=1), int(t.price))
        for t in ticks  # type: ignore[attr-defined]
    ]


def test_merge_interleaves_in_time_order_ties_in_argument_order() -> None:
    btc = ListFeed(("BTC", 0, 1), ("BTC", 2, 2), ("BTC", 4, 3))
    eth = ListFeed(("ETH", 0, 10), ("ETH", 1, 11), ("ETH", 4, 12))
    merged = merge_feeds(eth, btc)
    assert isinstance(merged, PriceFeed)
    assert merged.symbols == ("ETH", "BTC")
    # At minutes 0 and 4 both feeds tick: eth first, as it was given first.
    expected = [
        ("ETH", 0, 10),
        ("BTC", 0, 1),
        ("ETH", 1, 11),
        ("BTC", 2, 2),
        ("ETH", 4, 12),
        ("BTC", 4, 3),
    ]
    assert as_rows(merged) == expected
    assert as_rows(merged) == expected  # iterating again replays the same ticks


def test_merge_keeps_a_feeds_own_order_at_equal_times() -> None:
    both = ListFeed(("SOL", 0, 1), ("ADA", 0, 2))
    other = ListFeed(("XRP", 0, 3))
    assert as_rows(merge_feeds(other, both)) == [("XRP", 0, 3), ("SOL", 0, 1), ("ADA", 0, 2)]


def test_merge_refuses_a_symbol_carried_twice() -> None:
    with pytest.raises(InvalidMarketDataError, match="'BTC' is carried by two feeds"):
        merge_feeds(ListFeed(("BTC", 0, 1)), ListFeed(("BTC", 1, 1)))


def test_merge_refuses_no_feeds() -> None:
    with pytest.raises(InvalidMarketDataError, match="at least one feed"):
        merge_feeds()


def test_merge_detects_a_feed_going_back_in_time() -> None:
    broken = ListFeed(("BTC", 5, 1), ("BTC", 3, 2))
    with pytest.raises(OutOfOrderError, match=r"feed #2 \(BTC\) went back in time"):
        list(merge_feeds(ListFeed(("ETH", 0, 1)), broken))


def test_clocked_moves_the_clock_to_each_tick() -> None:
    clock = SimulatedClock(T0)
    seen = []
    for tick in clocked(ListFeed(("BTC", 1, 1), ("BTC", 1, 2), ("BTC", 3, 3)), clock):
        seen.append(clock.now())
        assert clock.now() == tick.ts
    assert seen == [T0 + timedelta(minutes=m) for m in (1, 1, 3)]


def test_clocked_refuses_ticks_before_the_clock() -> None:
    clock = SimulatedClock(T0 + timedelta(minutes=10))
    with pytest.raises(ClockBackwardsError):
        list(clocked(ListFeed(("BTC", 1, 1)), clock))
