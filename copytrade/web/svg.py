"""Equity curves as SVG polyline points, computed on the server (no chart script).

Coordinates are Decimals rounded to 0.1 px: the values are money and stay exact
until they become screen positions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

_PX = Decimal("0.1")


def polyline_points(values: Sequence[Decimal], width: int, height: int, pad: int = 2) -> str:
    """``x,y`` pairs left to right, the highest value at the top; "" for under two values."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = high - low
    inner_w = Decimal(width - 2 * pad)
    inner_h = Decimal(height - 2 * pad)
    step = inner_w / (len(values) - 1)
    points = []
    for i, value in enumerate(values):
        x = pad + step * i
        share = (value - low) / span if span else Decimal("0.5")
        y = pad + inner_h * (1 - share)
        points.append(f"{x.quantize(_PX)},{y.quantize(_PX)}")
    return " ".join(points)


def trend(values: Sequence[Decimal]) -> str:
    """``up``, ``down`` or ``flat``: the curve's colour class."""
    if len(values) < 2 or values[-1] == values[0]:
        return "flat"
    return "up" if values[-1] > values[0] else "down"
