"""Candles from ticks: OHLCV per timeframe, closed on UTC boundaries (docs/alerts.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from copytrade.domain.alerts.candles import CandleAggregator, CandleHistory
from copytrade.domain.alerts.errors import CandleOrderError, InvalidAlertError
from copytrade.domain.alerts.timeframes import Timeframe

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday, on every boundary


def d(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize(
    ("timeframe", "ts", "start"),
    [
        (Timeframe.M1, T0 + timedelta(seconds=59.9), T0),
        (Timeframe.M5, T0 + timedelta(minutes=7), T0 + timedelta(minutes=5)),
        (Timeframe.M15, T0 + timedelta(minutes=44, seconds=59), T0 + timedelta(minutes=30)),
        (Timeframe.H1, T0 + timedelta(hours=3, minutes=1), T0 + timedelta(hours=3)),
        (Timeframe.H4, T0 + timedelta(hours=7, minutes=59), T0 + timedelta(hours=4)),
        (Timeframe.D1, T0 + timedelta(hours=23, minutes=59), T0),
        # A boundary itself starts the next candle.
        (Timeframe.H4, T0 + timedelta(hours=8), T0 + timedelta(hours=8)),
    ],
)
def test_open_times_are_utc_boundaries(timeframe: Timeframe, ts: datetime, start: datetime) -> None:
    assert timeframe.open_time(ts) == start


def test_a_time_in_another_zone_falls_in_its_utc_candle() -> None:
    # 01:30 at +02:00 is 23:30 UTC the day before: the daily candle is that UTC day's.
    ts = datetime(2026, 3, 2, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert Timeframe.D1.open_time(ts) == datetime(2026, 3, 1, tzinfo=UTC)


def test_naive_times_and_unknown_timeframes_are_refused() -> None:
    with pytest.raises(InvalidAlertError, match="no time zone"):
        Timeframe.M1.open_time(datetime(2026, 1, 1))
    with pytest.raises(InvalidAlertError, match="known timeframes: 1m, 5m, 15m, 1h, 4h, 1d"):
        Timeframe.parse("2m")
    assert Timeframe.parse(" 4H ") is Timeframe.H4


def test_ohlcv_of_a_one_minute_candle_and_its_close_on_the_next_tick() -> None:
    agg = CandleAggregator([Timeframe.M1])
    prices = ["100", "103", "98.5", "101"]
    for i, price in enumerate(prices):
        assert agg.add("BTC/USDT", T0 + timedelta(seconds=10 * i), d(price), d("2")) == []
    closed = agg.add("BTC/USDT", T0 + timedelta(minutes=1), d("102"))
    assert len(closed) == 1
    c = closed[0]
    assert (c.open, c.high, c.low, c.close, c.volume, c.ticks) == (
        d("100"), d("103"), d("98.5"), d("101"), d("8"), 4
    )
    assert c.open_time == T0 and c.close_time == T0 + timedelta(minutes=1)
    # The closing tick opened the next candle.
    following = agg.open_candle("BTC/USDT", Timeframe.M1)
    assert following is not None and following.open == d("102")


def test_one_tick_a_minute_for_a_day_closes_the_right_number_of_each_timeframe() -> None:
    agg = CandleAggregator()
    closed = []
    for minute in range(24 * 60 + 1):  # the last tick, at midnight, closes the day
        closed += agg.add("ETH/USDT", T0 + timedelta(minutes=minute), d(100 + minute % 7))
    counts = {tf: sum(1 for c in closed if c.timeframe is tf) for tf in Timeframe}
    assert counts == {
        Timeframe.M1: 1440, Timeframe.M5: 288, Timeframe.M15: 96,
        Timeframe.H1: 24, Timeframe.H4: 6, Timeframe.D1: 1,
    }
    day = next(c for c in closed if c.timeframe is Timeframe.D1)
    assert (day.open, day.high, day.low, day.ticks) == (d("100"), d("106"), d("100"), 1440)
    # Shortest timeframe first when one tick closes several candles.
    last = agg.add("ETH/USDT", T0 + timedelta(days=1, minutes=5), d("1"))
    assert [c.timeframe for c in last] == [Timeframe.M1, Timeframe.M5]


def test_symbols_are_independent_and_gaps_invent_no_candle() -> None:
    agg = CandleAggregator([Timeframe.M1])
    agg.add("BTC/USDT", T0, d("10"))
    agg.add("ETH/USDT", T0, d("5"))
    # Five quiet minutes, then a tick: one candle closes (the one that had ticks).
    closed = agg.add("BTC/USDT", T0 + timedelta(minutes=6, seconds=1), d("11"))
    assert [(c.symbol, c.open_time, c.close) for c in closed] == [("BTC/USDT", T0, d("10"))]
    assert agg.open_candle("ETH/USDT", Timeframe.M1) is not None


def test_close_due_closes_candles_of_a_quiet_market_at_their_end() -> None:
    agg = CandleAggregator([Timeframe.M1, Timeframe.M5])
    agg.add("SOL/USDT", T0 + timedelta(seconds=30), d("150"))
    assert agg.close_due(T0 + timedelta(seconds=59)) == []
    due = agg.close_due(T0 + timedelta(minutes=1))
    assert [c.timeframe for c in due] == [Timeframe.M1]
    assert agg.open_candle("SOL/USDT", Timeframe.M1) is None
    # The next tick opens a fresh candle in its own minute.
    agg.add("SOL/USDT", T0 + timedelta(minutes=3), d("151"))
    candle = agg.open_candle("SOL/USDT", Timeframe.M1)
    assert candle is not None and candle.open_time == T0 + timedelta(minutes=3)


def test_an_earlier_tick_is_refused_and_changes_nothing() -> None:
    agg = CandleAggregator([Timeframe.M1])
    agg.add("BTC/USDT", T0 + timedelta(minutes=2), d("10"))
    with pytest.raises(CandleOrderError, match="earlier than its open 1m candle"):
        agg.add("BTC/USDT", T0 + timedelta(minutes=1), d("9"))
    candle = agg.open_candle("BTC/USDT", Timeframe.M1)
    assert candle is not None and (candle.low, candle.ticks) == (d("10"), 1)


def test_float_and_non_positive_prices_are_refused() -> None:
    agg = CandleAggregator([Timeframe.M1])
    with pytest.raises(InvalidAlertError, match="positive Decimal"):
        agg.add("BTC/USDT", T0, 1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidAlertError, match="positive Decimal"):
        agg.add("BTC/USDT", T0, d("0"))


def test_history_keeps_the_last_candles_in_order() -> None:
    agg = CandleAggregator([Timeframe.M1])
    history = CandleHistory(size=3)
    for minute in range(6):
        for candle in agg.add("BTC/USDT", T0 + timedelta(minutes=minute), d(minute + 1)):
            history.append(candle)
    kept = history.recent("BTC/USDT", Timeframe.M1)
    assert [c.close for c in kept] == [d("3"), d("4"), d("5")]
    with pytest.raises(CandleOrderError):
        history.append(kept[0])
    assert history.recent("ETH/USDT", Timeframe.M1) == ()
