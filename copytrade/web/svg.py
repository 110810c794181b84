"""Charts and avatars as SVG geometry, computed on the server (no chart script).

Coordinates are Decimals rounded to 0.1 px: the values are money and stay exact
until they become screen positions. The templates draw the shapes and format the
labels (``_chart.html``, ``_avatar.html``); a ``<title>`` per point is the hover value.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_PX = Decimal("0.1")
_NICE = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


def polyline_points(values: Sequence[Decimal], width: int, height: int, pad: int = 2) -> str:
    """``x,y`` pairs left to right, the highest value at the top; "" for under two values."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    return " ".join(
        f"{x},{y}"
        for x, y in _place(values, low, high, (pad, pad, width - pad, height - pad))
    )


def trend(values: Sequence[Decimal]) -> str:
    """``up``, ``down`` or ``flat``: the curve's colour class."""
    if len(values) < 2 or values[-1] == values[0]:
        return "flat"
    return "up" if values[-1] > values[0] else "down"


def _place(
    values: Sequence[Decimal], low: Decimal, high: Decimal, box: tuple[int, int, int, int]
) -> list[tuple[Decimal, Decimal]]:
    """Each value's (x, y) in ``box`` (left, top, right, bottom): ``low`` at the bottom."""
    left, _, right, _ = (Decimal(edge) for edge in box)
    step = (right - left) / (len(values) - 1) if len(values) > 1 else Decimal(0)
    return [
        ((left + step * i).quantize(_PX), _y(value, low, high, box))
        for i, value in enumerate(values)
    ]


def _y(value: Decimal, low: Decimal, high: Decimal, box: tuple[int, int, int, int]) -> Decimal:
    top, bottom = Decimal(box[1]), Decimal(box[3])
    share = (value - low) / (high - low) if high != low else Decimal("0.5")
    return (top + (bottom - top) * (1 - share)).quantize(_PX)


@dataclass(frozen=True, slots=True)
class Tick:
    at: Decimal  # the x (date ticks) or y (value ticks) in px
    value: Decimal | None = None
    day: date | None = None


@dataclass(frozen=True, slots=True)
class Dot:
    x: Decimal
    y: Decimal
    day: date
    value: Decimal
    band_x: Decimal  # the hover band around the point: where it starts and how wide
    band_w: Decimal


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    points: str
    trend: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    dots: tuple[Dot, ...]
    first: Dot
    last: Dot
    places: int  # decimals of the value labels: none for a whole-number step
    date_format: str  # the date ticks': day and month, or month and year over long spans


def nice_step(span: Decimal, ticks: int) -> Decimal:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ) that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    return next(m * magnitude for m in _NICE if m * magnitude >= raw)


def value_ticks(low: Decimal, high: Decimal, ticks: int = 4) -> tuple[Decimal, Decimal, Decimal]:
    """The axis's (bottom, top, step): round numbers enclosing ``low`` to ``high``."""
    if low == high:  # a flat line sits in the middle of a band around it
        pad = abs(low) / 100 or Decimal(1)
        low, high = low - pad, high + pad
    step = nice_step(high - low, ticks)
    bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    return bottom, top, step


def line_chart(
    series: Sequence[tuple[date, Decimal]],
    width: int = 640,
    height: int = 240,
    date_ticks: int = 6,
) -> LineChart | None:
    """A dated line with value gridlines, date ticks and a hover band per point; None
    for under two points (no line to draw)."""
    if len(series) < 2:
        return None
    left, top, right, bottom = 64, 12, width - 28, height - 28  # room for the labels
    values = [value for _, value in series]
    low, high, step = value_ticks(min(values), max(values))
    box = (left, top, right, bottom)
    placed = _place(values, low, high, box)
    y_ticks = tuple(
        Tick(_y(low + step * i, low, high, box), value=low + step * i)
        for i in range(int((high - low) / step) + 1)
    )
    band = (Decimal(right - left) / (len(series) - 1)).quantize(_PX)
    dots = tuple(
        Dot(x, y, day, value, max(Decimal(left), x - band / 2), band)
        for (day, value), (x, y) in zip(series, placed, strict=True)
    )
    shown = _spread(len(series), date_ticks)
    x_ticks = tuple(Tick(dots[i].x, day=dots[i].day) for i in shown)
    return LineChart(
        width, height, left, top, right, bottom,
        " ".join(f"{d.x},{d.y}" for d in dots), trend(values),
        y_ticks, x_ticks, dots, dots[0], dots[-1], 0 if step == step.to_integral_value() else 2,
        "%b %Y" if (series[-1][0] - series[0][0]).days > 180 else "%d %b",
    )  # fmt: skip


def _spread(count: int, wanted: int) -> list[int]:
    """About ``wanted`` indexes spread evenly over ``count`` items, first and last included."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


@dataclass(frozen=True, slots=True)
class Identicon:
    """A 5 × 5 mirrored pattern in one colour: a distinct, stable avatar for an id."""

    colour: str
    cells: tuple[tuple[int, int], ...]


def identicon(key: str) -> Identicon:
    digest = hashlib.sha256(key.encode()).digest()
    hue = int.from_bytes(digest[:2]) % 360
    cells = []
    for row in range(5):
        for col in range(3):  # the left half and the middle; the right mirrors the left
            if digest[2 + row * 3 + col] % 2:
                cells.append((col, row))
                if col < 2:
                    cells.append((4 - col, row))
    if not cells:
        cells.append((2, 2))
    return Identicon(f"hsl({hue} 55% 42%)", tuple(sorted(cells)))
