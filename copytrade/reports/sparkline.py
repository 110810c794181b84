"""Unicode sparklines for equity curves in a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal]) -> str:
    """One bar per value, scaled between the series' minimum and maximum."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return _BARS[len(_BARS) // 2] * len(values)
    top = len(_BARS) - 1
    return "".join(_BARS[int((v - low) / (high - low) * top)] for v in values)
