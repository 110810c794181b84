"""The equity curve: a hypothetical deposit following the daily returns (docs/statistics.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from itertools import accumulate
from operator import mul

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.statistics.numeric import CURVE_PLACES, STATS_CONTEXT, to_places
from copytrade.domain.statistics.returns import DailyReturns, daily_returns
from copytrade.domain.statistics.series import EquityPoint
from copytrade.domain.values import ONE, DecimalLike, to_decimal

DEFAULT_DEPOSIT = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class CurvePoint:
    day: date
    value: Decimal


def equity_curve(
    points: Sequence[EquityPoint],
    start: DecimalLike = DEFAULT_DEPOSIT,
    through: date | None = None,
) -> tuple[CurvePoint, ...]:
    """``start`` compounded by each day's return: one point per day, in day order.

    Built from time-weighted returns rather than the account's equity, so a
    deposit is not a jump and a withdrawal is not a fall. Each point is the
    value at that day's close, rounded to 2 dp (the compounding itself is
    unrounded). An empty series gives an empty curve.
    """
    return compound_curve(daily_returns(points, through), start)


def compound_curve(
    returns: DailyReturns, start: DecimalLike = DEFAULT_DEPOSIT
) -> tuple[CurvePoint, ...]:
    """``equity_curve`` from returns already computed (callers that need both)."""
    values = curve_values(returns.values, start)
    return tuple(
        CurvePoint(day, to_places(value, CURVE_PLACES))
        for day, value in zip(returns.days(), values, strict=True)
    )


def curve_values(returns: Sequence[Decimal], start: DecimalLike = DEFAULT_DEPOSIT) -> list[Decimal]:
    """The curve's values, unrounded: ``start`` compounded by each return in turn."""
    deposit = to_decimal(start, "curve start")
    if deposit <= 0:
        raise InvalidValueError(f"curve start must be positive, got {deposit}")
    with localcontext(STATS_CONTEXT):
        # value × (1 + r), day after day; the first element is the deposit itself.
        return list(accumulate(map(ONE.__add__, returns), mul, initial=deposit))[1:]


def sample_curve(curve: Sequence[CurvePoint], n: int) -> tuple[CurvePoint, ...]:
    """At most ``n`` evenly spaced points for a sparkline, always the first and the last."""
    return tuple(curve[i] for i in sample_indices(len(curve), n))


def sample_indices(size: int, n: int) -> Sequence[int]:
    """The indices ``sample_curve`` keeps of a curve of ``size`` points."""
    if n < 2:
        raise InvalidValueError(f"a sparkline needs at least 2 points, got n={n}")
    if size <= n:
        return range(size)
    # Nearest index to i × (size − 1) / (n − 1), in integers: steps are ≥ 1, so no repeats.
    span, steps = size - 1, n - 1
    return [(i * span + steps // 2) // steps for i in range(n)]
