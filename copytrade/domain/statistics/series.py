"""The equity series: one point per UTC day, the input of every return figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import pairwise

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import to_decimal

# A recorded point as a plain row: (day, equity, net flow), as a full refresh reads it.
EquityRow = tuple[date, Decimal, Decimal]


@dataclass(frozen=True, slots=True)
class EquityPoint:
    """An account's equity at one UTC day's close and that day's net external flow.

    ``net_flow`` is deposits minus withdrawals during the day (negative for a
    net withdrawal); it is taken out of the day's change so that moving money
    in or out is never counted as performance (docs/statistics.md).
    """

    day: date
    equity: Decimal
    net_flow: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        check_day(self.day, "equity point day")
        equity = to_decimal(self.equity, f"equity on {self.day}")
        if equity < 0:
            raise InvalidValueError(f"equity on {self.day} must not be negative, got {equity}")
        object.__setattr__(self, "equity", equity)
        object.__setattr__(self, "net_flow", to_decimal(self.net_flow, f"net flow on {self.day}"))

    @property
    def row(self) -> EquityRow:
        """The point as the plain row a full refresh reads (``returns_of_rows``)."""
        return self.day, self.equity, self.net_flow


def check_series(points: Sequence[EquityPoint]) -> None:
    """Refuse a series whose days are not strictly increasing.

    An unsorted or repeated day means the caller assembled the series wrongly;
    reordering it silently would hide that bug, so it is an error instead.
    """
    for before, after in pairwise(points):
        if after.day <= before.day:
            raise out_of_order(before.day, after.day)


def out_of_order(before: date, after: date) -> InvalidValueError:
    return InvalidValueError(
        f"equity series days must be strictly increasing: {after} follows {before}"
    )


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of a timestamp; a naive timestamp is taken to be UTC."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


def check_day(value: date, what: str) -> date:
    """``value`` as a plain date, refusing a datetime (which would compare wrongly)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidValueError(f"{what} must be a datetime.date (a UTC day), got {value!r}")
    return value
