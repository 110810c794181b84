"""Server-side chart points and the number filters the pages use."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.web.pages import duration, number, percent, signed_class
from copytrade.web.svg import polyline_points, trend


def test_polyline_puts_the_highest_value_at_the_top_and_spans_the_width() -> None:
    points = polyline_points([D("100"), D("150"), D("50")], width=104, height=54, pad=2)
    assert points == "2.0,27.0 52.0,2.0 102.0,52.0"


def test_a_flat_or_short_series() -> None:
    assert polyline_points([D("7"), D("7")], 20, 10, pad=0) == "0.0,5.0 20.0,5.0"
    assert polyline_points([D("7")], 20, 10) == ""
    assert [trend(v) for v in ([D(1), D(2)], [D(2), D(1)], [D(1), D(1)], [])] == [
        "up", "down", "flat", "flat",
    ]


def test_number_filters() -> None:
    assert number("1234.5678") == "1,234.57" and number(D("-0.004")) == "0.00"
    assert number(None) == "—" and percent("12.5", 1) == "12.5%" and percent(None) == "—"
    assert [signed_class(v) for v in ("3", "-1", "0", None)] == ["up", "down", "flat", "flat"]
    assert [duration(s) for s in (None, 59, 5400, 200_000)] == ["—", "0m", "1h 30m", "2d 7h"]
