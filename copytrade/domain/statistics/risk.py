"""Risk figures of a run of daily returns: drawdown, volatility, Sharpe, Sortino.

Each takes the unrounded daily returns of one window and publishes a figure
rounded to 4 dp. Ratios are annualised with √365 (crypto trades every day)
and a risk-free rate of 0 (docs/statistics.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from itertools import repeat
from operator import sub

from copytrade.domain.statistics.numeric import (
    SQRT_DAYS_PER_YEAR,
    STATS_CONTEXT,
    mean,
    to_places,
)
from copytrade.domain.values import HUNDRED, ONE, ZERO


def max_drawdown(returns: Sequence[Decimal]) -> Decimal:
    """Largest peak-to-trough fall of the compounded index, in percent (≥ 0).

    The index starts at 1 and that start counts as a peak, so a loss on the
    very first day is a drawdown; a series that only rises gives 0.
    """
    with localcontext(STATS_CONTEXT):
        _, deepest = deepest_fall(ONE + r for r in returns)
        return to_places(deepest * HUNDRED)


def deepest_fall(factors: Iterable[Decimal]) -> tuple[Decimal, Decimal]:
    """An index starting at 1 compounded by each factor ``1 + r``: its end, and its deepest fall.

    The fall is ``(peak − index) / peak`` at its largest, unrounded; the end is
    ``growth_factor`` of the same returns (the same products in the same order).
    Call in ``STATS_CONTEXT``. Below one peak the fall is largest at the lowest
    index, and rounding is monotonic, so dividing once per peak, at its lowest
    point, gives the very figure that dividing every day would.
    """
    peak = index = ONE
    deepest = ZERO
    low: Decimal | None = None
    for factor in factors:
        index *= factor
        if index > peak:
            if low is not None:
                deepest = max(deepest, (peak - low) / peak)
                low = None
            peak = index
        elif low is None or index < low:
            low = index
    if low is not None:
        deepest = max(deepest, (peak - low) / peak)
    return index, deepest


def stdev(values: Sequence[Decimal], average: Decimal) -> Decimal:
    """Sample standard deviation (ddof = 1) around ``average``; needs two values."""
    # (v − average) ** 2 for each v, summed in order: the same operations as a
    # generator expression, without a Python frame per value.
    squares = sum(map(pow, map(sub, values, repeat(average)), repeat(2)), ZERO)
    return (squares / (len(values) - 1)).sqrt()


def volatility_of(deviation: Decimal) -> Decimal:
    """The daily returns' deviation annualised, in percent."""
    return to_places(deviation * SQRT_DAYS_PER_YEAR * HUNDRED)


def sharpe_of(average: Decimal, deviation: Decimal) -> Decimal | None:
    return None if deviation == 0 else to_places(average / deviation * SQRT_DAYS_PER_YEAR)


def sortino_of(average: Decimal, downside: Decimal) -> Decimal | None:
    """From the mean return and the mean of the losing days' squares (over all days)."""
    return None if downside == 0 else to_places(average / downside.sqrt() * SQRT_DAYS_PER_YEAR)


def annualised_volatility(returns: Sequence[Decimal]) -> Decimal | None:
    """stdev(ddof=1) of daily returns × √365, in percent; None with fewer than 2 returns."""
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        return volatility_of(stdev(values, mean(values)))


def sharpe(returns: Sequence[Decimal]) -> Decimal | None:
    """mean / stdev(ddof=1) × √365; None with fewer than 2 returns or no deviation."""
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        average = mean(values)
        return sharpe_of(average, stdev(values, average))


def sortino(returns: Sequence[Decimal]) -> Decimal | None:
    """mean / √(mean of min(r, 0)² over all days) × √365.

    None with fewer than 2 returns, and None when no day lost money: the
    downside deviation is then 0 and the ratio unbounded, which a ranking
    must not read as "best" (docs/statistics.md: null on zero deviation).
    """
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        downside = sum((r * r for r in values if r < 0), ZERO) / len(values)
        return sortino_of(mean(values), downside)
