from datetime import UTC, datetime, timedelta, timezone

import pytest

from copytrade.marketdata import (
    Clock,
    ClockBackwardsError,
    InvalidMarketDataError,
    MarketDataError,
    SimulatedClock,
    SystemClock,
    as_utc,
)

START = datetime(2024, 1, 1, tzinfo=UTC)


def test_simulated_clock_stands_still_until_advanced() -> None:
    clock = SimulatedClock(START)
    assert clock.now() == START
    assert clock.now() == START
    assert clock.advance(timedelta(minutes=5)) == START + timedelta(minutes=5)
    assert clock.now() == START + timedelta(minutes=5)


def test_set_moves_forward_and_allows_the_same_time() -> None:
    clock = SimulatedClock(START)
    later = START + timedelta(days=1)
    assert clock.set(later) == later
    assert clock.set(later) == later  # equal times: several ticks at one moment


def test_set_refuses_going_backwards_and_keeps_the_time() -> None:
    clock = SimulatedClock(START + timedelta(hours=1))
    with pytest.raises(ClockBackwardsError, match="cannot set the clock back") as caught:
        clock.set(START)
    assert isinstance(caught.value, MarketDataError)
    assert clock.now() == START + timedelta(hours=1)


def test_advance_refuses_negative_durations() -> None:
    clock = SimulatedClock(START)
    with pytest.raises(ClockBackwardsError, match="negative duration"):
        clock.advance(timedelta(seconds=-1))
    assert clock.advance(timedelta(0)) == START


def test_times_are_converted_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    clock = SimulatedClock(datetime(2024, 1, 1, 2, 0, tzinfo=plus_two))
    assert clock.now() == START
    assert clock.now().tzinfo is UTC


@pytest.mark.parametrize("bad", [datetime(2024, 1, 1), "2024-01-01", 1704067200])
def test_naive_or_non_datetime_start_is_refused(bad: object) -> None:
    with pytest.raises(InvalidMarketDataError, match="simulated clock start"):
        SimulatedClock(bad)  # type: ignore[arg-type]


def test_as_utc_names_the_naive_value() -> None:
    with pytest.raises(InvalidMarketDataError, match="naive datetime 2024-01-01T00:00:00"):
        as_utc(datetime(2024, 1, 1), "tick time")


def test_system_clock_returns_aware_utc_and_both_are_clocks() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert isinstance(SystemClock(), Clock)
    assert isinstance(SimulatedClock(START), Clock)
