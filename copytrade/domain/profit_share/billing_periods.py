"""Subscription periods are paid in advance: the period that starts at a boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share.periods import (
    BillingPeriod,
    PeriodKind,
    boundary_at_or_before,
    period_ending,
)


def period_starting(start: datetime, kind: PeriodKind) -> BillingPeriod:
    """The period of ``kind`` that begins at the boundary ``start`` (refused otherwise)."""
    if kind is PeriodKind.WEEKLY:
        end = start + timedelta(days=7)
    else:
        end = boundary_at_or_before(start + timedelta(days=32), kind)
    period = period_ending(end, kind)
    if period.start != start:
        raise InvalidValueError(f"{start.isoformat()} starts no {kind.value} period")
    return period
