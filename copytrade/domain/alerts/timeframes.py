"""Candle timeframes and their UTC boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import Enum

from copytrade.domain.alerts.errors import InvalidAlertError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Timeframe(Enum):
    """A candle length; every boundary is a multiple of it since the Unix epoch (UTC), so
    4h candles start at 00:00, 04:00, ... and 1d candles at 00:00 UTC."""

    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1d"

    @property
    def length(self) -> timedelta:
        return _LENGTHS[self]

    @classmethod
    def parse(cls, text: str) -> Timeframe:
        for timeframe in cls:
            if timeframe.value == text.strip().lower():
                return timeframe
        known = ", ".join(t.value for t in cls)
        raise InvalidAlertError(f"unknown timeframe {text!r}; known timeframes: {known}")

    def open_time(self, ts: datetime) -> datetime:
        """The start of the candle that ``ts`` (aware) falls in; a time on a boundary
        starts the next candle."""
        if ts.tzinfo is None:
            raise InvalidAlertError(f"candle time {ts.isoformat()} has no time zone")
        buckets = (ts - EPOCH) // self.length
        return EPOCH + buckets * self.length


_LENGTHS = {
    Timeframe.M1: timedelta(minutes=1),
    Timeframe.M5: timedelta(minutes=5),
    Timeframe.M15: timedelta(minutes=15),
    Timeframe.H1: timedelta(hours=1),
    Timeframe.H4: timedelta(hours=4),
    Timeframe.D1: timedelta(days=1),
}
