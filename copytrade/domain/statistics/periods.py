"""The reporting windows of docs/statistics.md: the last 7, 30 and 90 UTC days, and all."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    D7 = "7d"
    D30 = "30d"
    D90 = "90d"
    ALL = "all"

    @property
    def days(self) -> int | None:
        """Length in days; None for the whole record."""
        return None if self is Period.ALL else int(self.value.removesuffix("d"))

    def first_day(self, as_of: date) -> date | None:
        """First UTC day inside the window ending at ``as_of`` (inclusive); None for all."""
        days = self.days
        return None if days is None else as_of - timedelta(days=days - 1)
