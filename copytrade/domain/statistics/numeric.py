"""The one arithmetic setting every statistic is computed and rounded in.

Statistics must come out identical wherever they are computed (SQLite or
PostgreSQL deployments, any worker), so nothing here depends on the
thread's ambient decimal context: every function enters ``STATS_CONTEXT``
and every published figure is quantized by ``to_places``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal

from copytrade.domain.values import ZERO

# 34 significant digits (IEEE decimal128): far beyond any displayed place, so
# rounding inside a long compounding chain never reaches a published digit.
STATS_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)

# Percentages and ratios are published to 4 decimal places (0.0001 % is far
# below what any ranking distinguishes); curve values, in money of a
# hypothetical deposit, to 2.
FIGURE_PLACES = Decimal("0.0001")
CURVE_PLACES = Decimal("0.01")

DAYS_PER_YEAR = 365
SQRT_DAYS_PER_YEAR = Decimal(DAYS_PER_YEAR).sqrt(STATS_CONTEXT)


def to_places(value: Decimal, places: Decimal = FIGURE_PLACES) -> Decimal:
    """Round half-even to ``places``; never a negative zero (it would print as -0.0000)."""
    result = value.quantize(places, ROUND_HALF_EVEN, STATS_CONTEXT)
    return result if result else abs(result)


def mean(values: Sequence[Decimal]) -> Decimal:
    """Arithmetic mean of a non-empty sequence, in the caller's (stats) context."""
    return sum(values, ZERO) / len(values)
