"""Risk figures of a run of daily returns: drawdown, volatility, Sharpe, Sortino.

Each takes the unrounded daily returns of one window and publishes a figure
rounded to 4 dp. Ratios are annualised with √365 (crypto trades every day)
and a risk-free rate of 0 (SPEC §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

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
    peak = index = ONE
    deepest = ZERO
    with localcontext(STATS_CONTEXT):
        for r in returns:
            index *= ONE + r
            if index > peak:
                peak = index
            else:
                deepest = max(deepest, (peak - index) / peak)
        return to_places(deepest * HUNDRED)


def _stdev(values: tuple[Decimal, ...], average: Decimal) -> Decimal:
    """Sample standard deviation (ddof = 1) around ``average``; needs two values."""
    squares = sum(((v - average) ** 2 for v in values), ZERO)
    return (squares / (len(values) - 1)).sqrt()


def annualised_volatility(returns: Sequence[Decimal]) -> Decimal | None:
    """stdev(ddof=1) of daily returns × √365, in percent; None with fewer than 2 returns."""
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        return to_places(_stdev(values, mean(values)) * SQRT_DAYS_PER_YEAR * HUNDRED)


def sharpe(returns: Sequence[Decimal]) -> Decimal | None:
    """mean / stdev(ddof=1) × √365; None with fewer than 2 returns or no deviation."""
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        average = mean(values)
        deviation = _stdev(values, average)
        if deviation == 0:
            return None
        return to_places(average / deviation * SQRT_DAYS_PER_YEAR)


def sortino(returns: Sequence[Decimal]) -> Decimal | None:
    """mean / √(mean of min(r, 0)² over all days) × √365.

    None with fewer than 2 returns, and None when no day lost money: the
    downside deviation is then 0 and the ratio unbounded, which a ranking
    must not read as "best" (SPEC §5: null on zero deviation).
    """
    values = tuple(returns)
    if len(values) < 2:
        return None
    with localcontext(STATS_CONTEXT):
        downside = sum((r * r for r in values if r < 0), ZERO) / len(values)
        if downside == 0:
            return None
        return to_places(mean(values) / downside.sqrt() * SQRT_DAYS_PER_YEAR)
