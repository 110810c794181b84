"""Clocks: where "now" comes from, so that simulations never read the wall clock.

Code that needs the time takes a ``Clock``. Simulations and tests pass a
``SimulatedClock`` that only moves when told to (and never backwards); live
processes pass a ``SystemClock``, the one place in copytrade that reads the
wall clock. Every time is a timezone-aware datetime in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from copytrade.marketdata.errors import ClockBackwardsError, InvalidMarketDataError


def as_utc(value: object, what: str) -> datetime:
    """``value`` as an aware UTC datetime; a naive one is refused as ambiguous."""
    if not isinstance(value, datetime):
        raise InvalidMarketDataError(f"{what} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidMarketDataError(
            f"{what} must be timezone-aware (UTC), got the naive datetime {value.isoformat()}"
        )
    # Skip the conversion when it is already UTC: ticks are built by the million.
    return value if value.tzinfo is UTC else value.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """A source of the current time (aware, UTC)."""

    def now(self) -> datetime: ...


class SimulatedClock:
    """A clock that stands still until advanced; it never goes backwards."""

    __slots__ = ("_now",)

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start, "simulated clock start")

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (zero is allowed) and return the new time."""
        if not isinstance(delta, timedelta):
            raise InvalidMarketDataError(f"clock advance must be a timedelta, got {delta!r}")
        if delta < timedelta(0):
            raise ClockBackwardsError(
                f"cannot advance the clock by a negative duration {delta} (now {self._now})"
            )
        self._now += delta
        return self._now

    def set(self, when: datetime) -> datetime:
        """Move to ``when``, which must not be earlier than now (equal is allowed)."""
        target = as_utc(when, "clock time")
        if target < self._now:
            raise ClockBackwardsError(
                f"cannot set the clock back from {self._now.isoformat()} to {target.isoformat()}"
            )
        self._now = target
        return self._now

    def __repr__(self) -> str:
        return f"SimulatedClock({self._now.isoformat()})"


class SystemClock:
    """The wall clock, for live use only; the only reader of real time."""

    __slots__ = ()

    def now(self) -> datetime:
        return datetime.now(UTC)
