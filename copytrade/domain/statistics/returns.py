"""Time-weighted daily returns and the compounded return over a window.

Flow timing: a day's net flow is taken to arrive at the start of the day,
so the day's return is earned on ``E[t-1] + F[t]``:

    r[t] = (E[t] - F[t] - E[t-1]) / (E[t-1] + F[t]),   E[-1] = 0

which handles the first funding day without a special case. Gaps: a day
without a point carries the last equity forward with no flow (return 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.statistics.series import EquityPoint, EquityRow, check_series, out_of_order
from copytrade.domain.values import HUNDRED, ONE, ZERO


@dataclass(frozen=True, slots=True)
class DailyReturns:
    """One return per calendar day from ``first_day``, consecutive, unrounded."""

    first_day: date | None
    values: tuple[Decimal, ...]

    def last(self, days: int | None) -> tuple[Decimal, ...]:
        """The last ``days`` returns (all of them when ``days`` is None or exceeds the record)."""
        if days is None or days >= len(self.values):
            return self.values
        return self.values[len(self.values) - days :] if days > 0 else ()

    def days(self) -> tuple[date, ...]:
        """The calendar day of each return, in order."""
        if self.first_day is None:
            return ()
        start = self.first_day
        return tuple(start + timedelta(days=i) for i in range(len(self.values)))


def day_return(previous_equity: Decimal, net_flow: Decimal, equity: Decimal) -> Decimal:
    """One day's time-weighted return (in STATS_CONTEXT), flow at the start of the day.

    A start value of exactly 0 (nothing invested, e.g. everything withdrawn)
    earns nothing: return 0. A negative start value means the withdrawal was
    larger than the morning's equity, so it can only have left after the day's
    gains: that day the flow is timed at the close instead (base ``E[t-1]``).
    """
    start = previous_equity + net_flow
    if start > 0:
        return (equity - start) / start
    if start < 0 and previous_equity > 0:
        return (equity - net_flow - previous_equity) / previous_equity
    return ZERO


def daily_returns(points: Sequence[EquityPoint], through: date | None = None) -> DailyReturns:
    """Daily returns of a series, gaps filled, up to and including ``through``.

    Points after ``through`` are ignored; days between the last point and
    ``through`` carry the last equity forward (return 0), so the result always
    ends at ``through`` when the series started on or before it.
    """
    check_series(points)
    return returns_of_rows([point.row for point in points], through)


def returns_of_rows(rows: Iterable[EquityRow], through: date | None = None) -> DailyReturns:
    """``daily_returns`` of recorded points as plain rows, in day order.

    A full refresh reads every provider's series; plain rows spare it building
    an ``EquityPoint`` per day. Days must strictly increase up to ``through``.
    """
    values: list[Decimal] = []
    append, extend = values.append, values.extend
    first_day: date | None = None
    previous_day: date | None = None
    previous_equity = ZERO
    with localcontext(STATS_CONTEXT):
        for day, equity, net_flow in rows:
            if through is not None and day > through:
                break
            if previous_day is None:
                first_day = day
            elif day <= previous_day:
                raise out_of_order(previous_day, day)
            elif (gap := (day - previous_day).days) > 1:
                extend([ZERO] * (gap - 1))
            append(day_return(previous_equity, net_flow, equity))
            previous_day, previous_equity = day, equity
    if through is not None and previous_day is not None:
        extend([ZERO] * (through - previous_day).days)
    return DailyReturns(first_day, tuple(values))


def growth_factor(returns: Sequence[Decimal]) -> Decimal:
    """The compounded index ``Π(1 + r)``: what 1 unit became (1 for no returns)."""
    factor = ONE
    with localcontext(STATS_CONTEXT):
        for r in returns:
            factor *= ONE + r
    return factor


def roi(returns: Sequence[Decimal]) -> Decimal:
    """Compounded return over ``returns`` in percent, 4 dp: ``(Π(1 + r) − 1) × 100``.

    Never a sum of per-trade percents: that ignores compounding and position
    size (two trades of +50 % and −50 % on the whole account lose 25 %, not 0).
    """
    return roi_of(growth_factor(returns))


def roi_of(factor: Decimal) -> Decimal:
    """The return in percent, 4 dp, of a compounded index ``factor`` (``growth_factor``)."""
    with localcontext(STATS_CONTEXT):
        return to_places((factor - ONE) * HUNDRED)
