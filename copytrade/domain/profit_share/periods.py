"""Settlement periods: their boundaries and canonical ids (docs/domain.md, Profit share).

A weekly period ends on a Monday 00:00 UTC, a monthly one on the first of a
month 00:00 UTC. A period is named after the time it covers, not the run that
settles it: the week ending Monday 2026-11-23 is ``2026-W47`` (the ISO week of
its last day), the month ending 2026-12-01 is ``2026-11``. The id is what makes
a settlement unique per (relationship, period), so it must not depend on when
or how often the run happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError

_WEEK = timedelta(days=7)


class PeriodKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class BillingPeriod:
    """One period of one kind: ``[start, end)``, settled at ``end``."""

    kind: PeriodKind
    start: datetime
    end: datetime

    @property
    def id(self) -> str:
        last_day = self.end - timedelta(days=1)
        if self.kind is PeriodKind.WEEKLY:
            year, week, _ = last_day.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{last_day.year}-{last_day.month:02d}"


def parse_kind(value: str) -> PeriodKind:
    try:
        return PeriodKind(value)
    except ValueError:
        kinds = ", ".join(k.value for k in PeriodKind)
        message = f"settlement period must be one of {kinds}, got {value!r}"
        raise InvalidValueError(message) from None


def _utc(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        raise InvalidValueError(f"period times are timezone-aware (UTC), got naive {ts}")
    return ts.astimezone(UTC)


def boundary_at_or_before(ts: datetime, kind: PeriodKind) -> datetime:
    """The latest boundary of ``kind`` that is not after ``ts``."""
    midnight = _utc(ts).replace(hour=0, minute=0, second=0, microsecond=0)
    if kind is PeriodKind.WEEKLY:
        return midnight - timedelta(days=midnight.weekday())
    return midnight.replace(day=1)


def is_boundary(ts: datetime, kind: PeriodKind) -> bool:
    return boundary_at_or_before(ts, kind) == _utc(ts)


def latest_boundary(ts: datetime) -> datetime:
    """The latest boundary of any kind not after ``ts``: the default run's period end."""
    return max(boundary_at_or_before(ts, kind) for kind in PeriodKind)


def previous_boundary(end: datetime, kind: PeriodKind) -> datetime:
    """The boundary of ``kind`` just before ``end`` (itself a boundary)."""
    if kind is PeriodKind.WEEKLY:
        return _utc(end) - _WEEK
    return boundary_at_or_before(_utc(end) - timedelta(days=1), kind)


def period_ending(end: datetime, kind: PeriodKind) -> BillingPeriod:
    """The period of ``kind`` that ends at ``end``; refused when ``end`` is no boundary."""
    if not is_boundary(end, kind):
        what = "a Monday 00:00 UTC" if kind is PeriodKind.WEEKLY else "a 1st of month 00:00 UTC"
        raise InvalidValueError(f"a {kind.value} period ends at {what}, not at {end.isoformat()}")
    return BillingPeriod(kind, previous_boundary(end, kind), _utc(end))


def periods_ending(end: datetime) -> list[BillingPeriod]:
    """Every kind's period that ends at ``end`` (none when ``end`` is no boundary)."""
    return [period_ending(end, kind) for kind in PeriodKind if is_boundary(end, kind)]


def boundaries_between(after: datetime, until: datetime) -> list[datetime]:
    """Every boundary of any kind in ``(after, until]``, oldest first."""
    found: set[datetime] = set()
    for kind in PeriodKind:
        end = boundary_at_or_before(until, kind)
        while end > _utc(after):
            found.add(end)
            end = previous_boundary(end, kind)
    return sorted(found)
