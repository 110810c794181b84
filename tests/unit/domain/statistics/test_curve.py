from datetime import timedelta
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.statistics import CurvePoint, equity_curve, sample_curve
from tests.unit.domain.statistics.factories import DAY0, series


def test_curve_follows_returns_not_deposits() -> None:
    # returns 0, 0.1, 0 (deposit of 1000), gap day 0, -0.1 → 10000, 11000, 11000, 11000, 9900
    points = series((0, "1000", "1000"), (1, "1100", "0"), (2, "2100", "1000"), (4, "1890", "0"))
    curve = equity_curve(points)
    assert [p.value for p in curve] == [
        Decimal("10000.00"),
        Decimal("11000.00"),
        Decimal("11000.00"),
        Decimal("11000.00"),
        Decimal("9900.00"),
    ]
    assert [p.day for p in curve] == [DAY0 + timedelta(days=i) for i in range(5)]


def test_curve_start_and_rounding() -> None:
    # 3 → 4 is +1/3: 100 × 4/3 = 133.333... shown as 133.33
    curve = equity_curve(series((0, "3", "3"), (1, "4", "0")), start=100)
    assert curve[-1].value == Decimal("133.33")


def test_empty_series_gives_empty_curve() -> None:
    assert equity_curve([]) == ()


@pytest.mark.parametrize("start", [0, -5])
def test_curve_start_must_be_positive(start: int) -> None:
    with pytest.raises(InvalidValueError, match="curve start"):
        equity_curve([], start=start)


def _curve(size: int) -> list[CurvePoint]:
    return [CurvePoint(DAY0 + timedelta(days=i), Decimal(i)) for i in range(size)]


@pytest.mark.parametrize(
    ("size", "n", "indices"),
    [
        (10, 4, [0, 3, 6, 9]),  # step 3 exactly
        (11, 3, [0, 5, 10]),
        (10, 3, [0, 5, 9]),  # 4.5 rounds to 5 (nearest, half up in integers)
        (5, 5, [0, 1, 2, 3, 4]),  # n ≥ size: the whole curve
        (3, 10, [0, 1, 2]),
        (0, 2, []),
    ],
)
def test_sample_curve_keeps_first_and_last(size: int, n: int, indices: list[int]) -> None:
    curve = _curve(size)
    assert list(sample_curve(curve, n)) == [curve[i] for i in indices]


def test_sample_curve_needs_two_points() -> None:
    with pytest.raises(InvalidValueError, match="n=1"):
        sample_curve(_curve(5), 1)
