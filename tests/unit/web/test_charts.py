"""The server-drawn charts' geometry, the identicons, paging and the dashboard's daily sums."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from copytrade.domain.statistics import EquityPoint
from copytrade.service_layer.following.history import summed_by_day
from copytrade.web.paging import Paging
from copytrade.web.svg import identicon, line_chart, nice_step, value_ticks

DAY = date(2026, 1, 5)


def series(*values: str) -> list[tuple[date, D]]:
    return [(DAY + timedelta(days=i), D(v)) for i, v in enumerate(values)]


def test_value_ticks_are_round_and_enclose_the_values() -> None:
    assert nice_step(D("357.5"), 4) == D(100)
    assert nice_step(D("9"), 4) == D("2.5")
    assert value_ticks(D("9876.5"), D("10234")) == (D(9800), D(10300), D(100))
    bottom, top, _ = value_ticks(D(7), D(7))  # a flat line gets a band around it
    assert bottom < 7 < top


def test_a_line_chart_has_gridlines_date_ticks_and_a_hover_point_per_day() -> None:
    chart = line_chart(series(*(str(10_000 + 37 * i) for i in range(30))), 640, 240)
    assert chart is not None
    assert [t.value for t in chart.y_ticks] == [D(10_000), D(10_500), D(11_000), D(11_500)]
    assert chart.y_ticks[0].at == chart.bottom and chart.y_ticks[-1].at == chart.top
    assert chart.x_ticks[0].day == DAY and len(chart.x_ticks) == 6
    assert chart.x_ticks[-1].day == DAY + timedelta(days=29)
    assert len(chart.dots) == 30 and chart.dots[0].value == D(10_000)
    assert chart.dots[0].x == chart.left and chart.dots[-1].x == chart.right
    assert chart.trend == "up" and chart.places == 0 and chart.date_format == "%d %b"
    assert len(chart.points.split()) == 30


def test_a_chart_needs_two_points_and_long_spans_label_months() -> None:
    assert line_chart(series("1")) is None
    year = [(DAY + timedelta(days=i), D(100 - i % 7)) for i in range(0, 365, 5)]
    chart = line_chart(year)
    assert chart is not None and chart.date_format == "%b %Y" and chart.trend == "down"


def test_identicons_are_stable_mirrored_and_distinct() -> None:
    one = identicon("user-1")
    assert one == identicon("user-1")
    assert all((4 - x, y) in one.cells for x, y in one.cells)  # mirrored left to right
    others = {identicon(f"user-{i}") for i in range(50)}
    assert len(others) == 50


def test_paging_with_and_without_a_total() -> None:
    assert Paging(1, 25, 25, 60).pages == 3 and Paging(3, 25, 10, 60).has_next is False
    assert Paging(2, 25, 25, 60).has_next and Paging(1, 25, 0, 0).pages == 1
    assert Paging(1, 20, 20).has_next and not Paging(2, 20, 7).has_next  # a short page ends it


def test_daily_sums_carry_each_book_forward_and_end_with_the_live_value() -> None:
    books = {
        "a": [EquityPoint(DAY, D(100), D(100)), EquityPoint(DAY + timedelta(2), D(120), D(0))],
        "b": [EquityPoint(DAY + timedelta(1), D(50), D(50))],
    }
    today = DAY + timedelta(3)
    assert summed_by_day(books, today, D(175)) == [
        (DAY, D(100)),
        (DAY + timedelta(1), D(150)),
        (DAY + timedelta(2), D(170)),
        (today, D(175)),
    ]
    assert summed_by_day({"a": [EquityPoint(today, D(1), D(1))]}, today, D(2)) == [(today, D(2))]
