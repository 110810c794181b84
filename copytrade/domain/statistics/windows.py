"""What the daily returns give each trailing window, computed together (docs/statistics.md).

A full refresh needs, for the last 7, 30 and 90 days and the whole record,
the ROI, drawdown, volatility, Sharpe and Sortino ratios and a sparkline.
Each figure is the arithmetic of its own function (``roi``, ``max_drawdown``,
``annualised_volatility``, ``sharpe``, ``sortino``, ``sample_curve``),
operation for operation, so the figures are identical (tested); only what is
the same work is done once: each day's factor ``1 + r`` and each losing
day's square for every window, and within a window the compounded index
(ROI and drawdown), the mean (Sharpe, Sortino, deviation) and the deviation
(volatility, Sharpe). The curve is compounded once and rounded only at the
points a sparkline shows.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, localcontext

from copytrade.domain.statistics.curve import curve_values, sample_indices
from copytrade.domain.statistics.numeric import CURVE_PLACES, STATS_CONTEXT, mean, to_places
from copytrade.domain.statistics.returns import DailyReturns, roi_of
from copytrade.domain.statistics.risk import (
    deepest_fall,
    sharpe_of,
    sortino_of,
    stdev,
    volatility_of,
)
from copytrade.domain.values import HUNDRED, ONE, ZERO


@dataclass(frozen=True, slots=True)
class WindowFigures:
    """The return figures of one trailing window and its sparkline (curve values, 2 dp)."""

    roi: Decimal
    max_drawdown: Decimal
    volatility: Decimal | None
    sharpe: Decimal | None
    sortino: Decimal | None
    sparkline: tuple[Decimal, ...]


def trailing_windows(
    returns: DailyReturns, lengths: Iterable[int | None], sparkline_points: int
) -> dict[int | None, WindowFigures]:
    """Each window's figures, by length in days (None: the whole record).

    A window is ``returns.last(length)``; its sparkline samples the last
    ``length`` points of the whole record's curve (``compound_curve``).
    """
    values = returns.values
    size = len(values)
    curve = curve_values(values)
    found: dict[int | None, WindowFigures] = {}
    with localcontext(STATS_CONTEXT):
        factors = list(map(ONE.__add__, values))
        losing = [i for i, r in enumerate(values) if r < 0]
        squares = [values[i] * values[i] for i in losing]
        for length in lengths:
            start = size - len(returns.last(length))
            window = values[start:]
            index, deepest = deepest_fall(factors[start:])
            volatility = sharpe = sortino = None
            if len(window) >= 2:
                average = mean(window)
                deviation = stdev(window, average)
                volatility = volatility_of(deviation)
                sharpe = sharpe_of(average, deviation)
                downside = sum(squares[bisect_left(losing, start) :], ZERO) / len(window)
                sortino = sortino_of(average, downside)
            found[length] = WindowFigures(
                roi=roi_of(index),
                max_drawdown=to_places(deepest * HUNDRED),
                volatility=volatility,
                sharpe=sharpe,
                sortino=sortino,
                sparkline=tuple(
                    to_places(curve[start + i], CURVE_PLACES)
                    for i in sample_indices(size - start, sparkline_points)
                ),
            )
    return found
