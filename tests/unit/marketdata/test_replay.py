from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from copytrade.marketdata import (
    BarTicks,
    CsvFormatError,
    CsvReplayFeed,
    InvalidMarketDataError,
    PriceFeed,
    SyntheticFeed,
    default_symbol_specs,
    merge_feeds,
)
from tests.unit.marketdata.conftest import WriteCsv

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
HEADER = "timestamp,open,high,low,close,volume"
# Two hourly bars: the first rises (100 -> 105), the second falls (105 -> 101).
TWO_BARS = f"""
    {HEADER}
    2024-01-01T00:00:00Z,100,110,95,105,1
    2024-01-01T01:00:00Z,105,108,99,101,1
"""


def rows(feed: PriceFeed) -> list[tuple[str, timedelta, Decimal]]:
    return [(t.symbol, t.ts - T0, t.price) for t in feed]


def test_close_mode_stamps_each_close_one_interval_after_the_open(write_csv: WriteCsv) -> None:
    feed = CsvReplayFeed(write_csv(TWO_BARS), "BTC/USDT")
    assert isinstance(feed, PriceFeed)
    assert feed.symbols == ("BTC/USDT",)
    assert feed.interval == HOUR  # inferred from the gap between the bars
    # The 00:00 bar's close (105) is known at 01:00, the 01:00 bar's at 02:00.
    assert rows(feed) == [("BTC/USDT", HOUR, 105), ("BTC/USDT", 2 * HOUR, 101)]
    assert rows(feed) == rows(feed)  # iterating again replays


def test_ohlc_mode_rising_bar_visits_low_first_falling_bar_high_first(
    write_csv: WriteCsv,
) -> None:
    feed = CsvReplayFeed(write_csv(TWO_BARS), "BTC/USDT", ticks=BarTicks.OHLC)
    m20, m40 = timedelta(minutes=20), timedelta(minutes=40)
    assert rows(feed) == [
        ("BTC/USDT", timedelta(0), 100),  # open
        ("BTC/USDT", m20, 95),  # rising bar: low first
        ("BTC/USDT", m40, 110),
        ("BTC/USDT", HOUR, 105),  # close
        ("BTC/USDT", HOUR, 105),  # next bar's open, same time, after the close
        ("BTC/USDT", HOUR + m20, 108),  # falling bar: high first
        ("BTC/USDT", HOUR + m40, 99),
        ("BTC/USDT", 2 * HOUR, 101),
    ]


def test_multi_symbol_file_is_replayed_in_time_order(write_csv: WriteCsv) -> None:
    # ETH's rows come after BTC's in the file; ticks interleave by time and
    # at equal times follow first appearance in the file (BTC, then ETH).
    path = write_csv(f"""
        {HEADER},symbol
        2024-01-01T00:00:00Z,10,10,10,10,1,BTC/USDT
        2024-01-01T00:30:00Z,11,11,11,11,1,BTC/USDT
        2024-01-01T00:00:00Z,20,20,20,20,1,ETH/USDT
        2024-01-01T00:15:00Z,21,21,21,21,1,ETH/USDT
        2024-01-01T00:45:00Z,22,22,22,22,1,ETH/USDT
    """)
    feed = CsvReplayFeed(path)
    assert feed.symbols == ("BTC/USDT", "ETH/USDT")
    assert feed.interval == timedelta(minutes=15)  # smallest gap, ETH's
    minutes = [(s, ts // timedelta(minutes=1), int(p)) for s, ts, p in rows(feed)]
    assert minutes == [
        ("BTC/USDT", 15, 10),
        ("ETH/USDT", 15, 20),
        ("ETH/USDT", 30, 21),
        ("BTC/USDT", 45, 11),
        ("ETH/USDT", 60, 22),
    ]


def test_a_gap_in_the_data_does_not_change_the_interval(write_csv: WriteCsv) -> None:
    path = write_csv(f"""
        {HEADER}
        2024-01-01T00:00:00Z,1,1,1,1,1
        2024-01-01T03:00:00Z,1,1,1,1,1
        2024-01-01T04:00:00Z,1,1,1,1,1
    """)
    assert CsvReplayFeed(path, "X").interval == HOUR


def test_one_bar_needs_an_explicit_interval(write_csv: WriteCsv) -> None:
    path = write_csv(f"{HEADER}\n2024-01-01T00:00:00Z,5,5,5,5,1")
    with pytest.raises(
        InvalidMarketDataError, match=r"cannot infer the bar interval.*pass interval"
    ):
        CsvReplayFeed(path, "X")
    feed = CsvReplayFeed(path, "X", interval=timedelta(minutes=5))
    assert rows(feed) == [("X", timedelta(minutes=5), 5)]


@pytest.mark.parametrize(
    ("interval", "message"),
    [(timedelta(hours=2), "longer than the 1:00:00 between two bars"), (timedelta(0), "positive")],
)
def test_bad_interval_is_refused(write_csv: WriteCsv, interval: timedelta, message: str) -> None:
    with pytest.raises(InvalidMarketDataError, match=message):
        CsvReplayFeed(write_csv(TWO_BARS), "X", interval=interval)


def test_unknown_tick_mode_is_refused(write_csv: WriteCsv) -> None:
    with pytest.raises(InvalidMarketDataError, match="ticks must be one of close, ohlc"):
        CsvReplayFeed(write_csv(TWO_BARS), "X", ticks="hl")  # type: ignore[arg-type]


def test_a_bad_last_row_fails_construction_before_any_tick(write_csv: WriteCsv) -> None:
    path = write_csv(TWO_BARS.rstrip() + "\n2024-01-01T02:00:00Z,1,1,1,1,-1")
    with pytest.raises(CsvFormatError, match="line 4, column 'volume'"):
        CsvReplayFeed(path, "BTC/USDT")


def test_a_replay_merges_with_a_synthetic_feed(write_csv: WriteCsv) -> None:
    replay = CsvReplayFeed(write_csv(TWO_BARS), "BTC/USDT")
    synthetic = SyntheticFeed(1, default_symbol_specs("ETH/USDT"), T0, HOUR, 3)
    merged = [(t.symbol, t.ts - T0) for t in merge_feeds(replay, synthetic)]
    assert merged == [
        ("ETH/USDT", timedelta(0)),
        ("BTC/USDT", HOUR),
        ("ETH/USDT", HOUR),
        ("BTC/USDT", 2 * HOUR),
        ("ETH/USDT", 2 * HOUR),
    ]
