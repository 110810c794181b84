"""LiveTickerFeed: only moved prices, in non-decreasing time; iterating polls until told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from copytrade.domain.values import Price
from copytrade.marketdata import LiveTickerFeed, PriceFeed, PriceTick
from copytrade.marketdata.live import LiveFunding, NextFunding

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
    feed = LiveTickerFeed(
        Script(
            [("A", 5, "1"), ("B", 3, "2")],
            [("A", 6, "1"), ("B", 4, "2.5")],  # A did not move; B is stamped before A's 5 s
        )
    )
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


class FundingScript:
    """A funding source that answers what the test last set, counting its reads."""

    def __init__(self) -> None:
        self.coming: list[NextFunding] = []
        self.reads = 0

    def next_funding(self) -> Sequence[NextFunding]:
        self.reads += 1
        return list(self.coming)


def test_live_funding_is_due_once_at_its_time_at_the_rate_last_read() -> None:
    t0 = datetime(2024, 6, 3, 7, 50, tzinfo=UTC)
    eight = datetime(2024, 6, 3, 8, tzinfo=UTC)
    perp = "BTC/USDT:USDT"
    source = FundingScript()
    funding = LiveFunding(source, refresh=timedelta(minutes=1))
    source.coming = [NextFunding(perp, eight, Decimal("0.0001"))]
    assert funding.refresh(t0) and funding.due(t0) == []
    assert not funding.refresh(t0 + timedelta(seconds=30))  # read at most once a minute
    source.coming = [NextFunding(perp, eight, Decimal("0.00012"))]
    assert funding.refresh(t0 + timedelta(minutes=5))
    # The exchange moved on to 16:00 before we read again: 08:00 is still paid, as last read.
    source.coming = [NextFunding(perp, eight + timedelta(hours=8), Decimal("0.0003"))]
    assert funding.refresh(eight + timedelta(minutes=1))
    due = funding.due(eight + timedelta(minutes=1))
    assert [(r.ts, r.rate) for r in due] == [(eight, Decimal("0.00012"))]
    assert funding.due(eight + timedelta(minutes=2)) == []
    # Off the 8-hour grid (a 4-hour perp): not followed.
    source.coming = [NextFunding(perp, eight + timedelta(hours=4), Decimal("0.0001"))]
    funding.refresh(eight + timedelta(hours=3))
    assert funding.due(eight + timedelta(hours=5)) == []
    assert source.reads == 4
