"""Settlement period boundaries and ids (docs/domain.md, Profit share): worked cases and
properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share.periods import (
    PeriodKind,
    boundaries_between,
    boundary_at_or_before,
    is_boundary,
    latest_boundary,
    parse_kind,
    period_ending,
    periods_ending,
)

times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
kinds = st.sampled_from(list(PeriodKind))


def test_weekly_boundary_is_the_last_monday_midnight() -> None:
    wed = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    assert boundary_at_or_before(wed, PeriodKind.WEEKLY) == datetime(2026, 11, 23, tzinfo=UTC)


def test_monthly_boundary_is_the_first_of_the_month() -> None:
    ts = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)
    assert boundary_at_or_before(ts, PeriodKind.MONTHLY) == datetime(2026, 11, 1, tzinfo=UTC)


def test_ids_name_the_period_covered() -> None:
    week = period_ending(datetime(2026, 11, 23, tzinfo=UTC), PeriodKind.WEEKLY)
    assert (week.id, week.start) == ("2026-W47", datetime(2026, 11, 16, tzinfo=UTC))
    month = period_ending(datetime(2026, 12, 1, tzinfo=UTC), PeriodKind.MONTHLY)
    assert (month.id, month.start) == ("2026-11", datetime(2026, 11, 1, tzinfo=UTC))
    january = period_ending(datetime(2027, 1, 1, tzinfo=UTC), PeriodKind.MONTHLY)
    assert (january.id, january.start) == ("2026-12", datetime(2026, 12, 1, tzinfo=UTC))


def test_iso_week_across_the_year_end() -> None:
    # The week of Mon 2024-12-30 .. Sun 2025-01-05 is ISO week 2025-W01.
    assert period_ending(datetime(2025, 1, 6, tzinfo=UTC), PeriodKind.WEEKLY).id == "2025-W01"


def test_a_time_that_is_no_boundary_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="Monday 00:00 UTC"):
        period_ending(datetime(2026, 11, 24, tzinfo=UTC), PeriodKind.WEEKLY)
    with pytest.raises(InvalidValueError, match="1st of month"):
        period_ending(datetime(2026, 11, 23, tzinfo=UTC), PeriodKind.MONTHLY)


def test_naive_times_and_unknown_kinds_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="naive"):
        boundary_at_or_before(datetime(2026, 11, 23), PeriodKind.WEEKLY)
    with pytest.raises(InvalidValueError, match="weekly, monthly"):
        parse_kind("daily")


def test_a_monday_first_of_month_ends_both_kinds() -> None:
    end = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday
    assert [p.id for p in periods_ending(end)] == ["2026-W22", "2026-05"]
    assert periods_ending(datetime(2026, 11, 24, tzinfo=UTC)) == []


@given(times, kinds)
def test_boundary_is_at_or_before_and_within_one_period(ts: datetime, kind: PeriodKind) -> None:
    end = boundary_at_or_before(ts, kind)
    assert end <= ts
    assert is_boundary(end, kind)
    assert ts - end < timedelta(days=31 if kind is PeriodKind.MONTHLY else 7)


@given(times, kinds)
def test_periods_tile_time_with_distinct_ids(ts: datetime, kind: PeriodKind) -> None:
    end = boundary_at_or_before(ts, kind)
    period = period_ending(end, kind)
    before = period_ending(period.start, kind)
    assert before.end == period.start
    assert before.id != period.id
    assert period.start < period.end


@given(times)
def test_latest_boundary_is_the_last_of_any_kind(ts: datetime) -> None:
    end = latest_boundary(ts)
    assert end <= ts
    assert periods_ending(end)
    assert boundaries_between(end, ts) == []


@given(times, st.integers(min_value=0, max_value=90))
def test_boundaries_between_are_exactly_the_boundaries(ts: datetime, days: int) -> None:
    after = ts - timedelta(days=days)
    found = boundaries_between(after, ts)
    assert all(after < b <= ts and periods_ending(b) for b in found)
    assert found == sorted(set(found))
    # Every day's midnight in the range that is a boundary is found.
    day = boundary_at_or_before(after, PeriodKind.MONTHLY)
    expected = []
    while day <= ts:
        if after < day and periods_ending(day):
            expected.append(day)
        day += timedelta(days=1)
    assert found == expected
