from datetime import timedelta
from decimal import Context, Decimal, localcontext

import pytest

from copytrade.domain.statistics import DailyReturns, daily_returns, growth_factor, roi
from tests.unit.domain.statistics.factories import DAY0, decimals, series

# Rows are (day offset, equity at close, net flow of the day).
RETURN_CASES = [
    pytest.param(
        # deposit 1000 → r0 = (1000 - 1000 - 0) / (0 + 1000) = 0
        # +100 → 100 / 1000 = 0.1
        # deposit 1000 more, no gain: (2100 - 1000 - 1100) / 2100 = 0
        # 2100 → 2310: 210 / 2100 = 0.1
        [(0, "1000", "1000"), (1, "1100", "0"), (2, "2100", "1000"), (3, "2310", "0")],
        ["0", "0.1", "0", "0.1"],
        id="deposit mid-series is not a return",
    ),
    pytest.param(
        # 1000 → 1200: 0.2; withdraw 600 at the start: base 600, close 630 → 30 / 600 = 0.05
        [(0, "1000", "1000"), (1, "1200", "0"), (2, "630", "-600")],
        ["0", "0.2", "0.05"],
        id="withdrawal is not a loss",
    ),
    pytest.param(
        # 1000 → 900: -100 / 1000
        [(0, "1000", "1000"), (1, "900", "0")],
        ["0", "-0.1"],
        id="loss day",
    ),
    pytest.param(
        # first funding day already trades: (1010 - 1000 - 0) / 1000
        [(0, "1010", "1000")],
        ["0.01"],
        id="gain on the funding day",
    ),
    pytest.param(
        # everything withdrawn: base 1000 - 1000 = 0 → return 0; later re-funded
        [(0, "1000", "1000"), (1, "0", "-1000"), (2, "500", "500"), (3, "550", "0")],
        ["0", "0", "0", "0.1"],
        id="zero start value earns nothing",
    ),
    pytest.param(
        # withdrew 105 from 100: gains came first, so the flow is timed at the close:
        # (0 + 105 - 100) / 100 = 0.05
        [(0, "100", "100"), (1, "0", "-105")],
        ["0", "0.05"],
        id="withdrawal larger than the morning equity",
    ),
    pytest.param(
        # a series that starts without a recorded flow: the first close is the base
        [(0, "500", "0"), (1, "550", "0")],
        ["0", "0.1"],
        id="series starting mid-life",
    ),
    pytest.param(
        # days 1 and 2 missing: equity carried forward, return 0; day 3: 100 / 1000
        [(0, "1000", "1000"), (3, "1100", "0")],
        ["0", "0", "0", "0.1"],
        id="gap carries equity forward",
    ),
    pytest.param([], [], id="empty series"),
]


@pytest.mark.parametrize(("rows", "expected"), RETURN_CASES)
def test_daily_returns_worked_examples(
    rows: list[tuple[int, str, str]], expected: list[str]
) -> None:
    returns = daily_returns(series(*rows))
    assert returns.values == tuple(decimals(*expected))
    assert len(returns.days()) == len(expected)
    assert returns.first_day == (DAY0 if rows else None)


def test_through_ignores_later_points_and_fills_to_the_day() -> None:
    points = series((0, "1000", "1000"), (1, "1100", "0"), (5, "1210", "0"))
    # through day 3: the day-5 point is ignored, days 2..3 carry 1100 forward
    returns = daily_returns(points, through=DAY0 + timedelta(days=3))
    assert returns.values == tuple(decimals("0", "0.1", "0", "0"))
    assert returns.days()[-1] == DAY0 + timedelta(days=3)


def test_through_before_the_first_point_is_empty() -> None:
    returns = daily_returns(series((2, "1000", "1000")), through=DAY0)
    assert returns == DailyReturns(None, ())


@pytest.mark.parametrize(
    ("days", "expected"),
    [(None, 4), (2, 2), (4, 4), (10, 4), (0, 0)],
)
def test_last_window_is_since_inception_when_younger(days: int | None, expected: int) -> None:
    returns = DailyReturns(DAY0, tuple(decimals("0.1", "0.2", "0.3", "0.4")))
    window = returns.last(days)
    assert len(window) == expected
    assert window == returns.values[len(returns.values) - expected :]


@pytest.mark.parametrize(
    ("returns", "expected"),
    [
        (["0.1", "0.1"], "21.0000"),  # 1.1 × 1.1 − 1 = 0.21, not 0.2
        (["0.5", "-0.5"], "-25.0000"),  # 1.5 × 0.5 − 1 = −0.25, not 0
        (["-1", "0.5"], "-100.0000"),  # a total loss stays a total loss
        ([], "0.0000"),  # empty product is 1
        (["0.000012345"], "0.0012"),  # 0.0012345 % rounds half-even to 4 dp
        (["-0.0000000001"], "0.0000"),  # never a negative zero
    ],
)
def test_roi_compounds(returns: list[str], expected: str) -> None:
    result = roi(decimals(*returns))
    assert str(result) == expected


def test_roi_ignores_the_ambient_decimal_context() -> None:
    returns = decimals("0.0123456789", "-0.0234567891", "0.0345678912")
    reference = roi(returns)
    with localcontext() as ctx:
        ctx.prec = 3
        assert roi(returns) == reference
        assert growth_factor(returns) == growth_factor(returns)
    # 1.0123456789 × 0.9765432109 × 1.0345678912 − 1 = 0.0227730..., by Fraction
    assert reference == Decimal("2.2773")


def test_returns_keep_34_digits_not_money_precision() -> None:
    # 3 → 4 is a return of 1/3, kept to 34 significant digits whatever the ambient context
    with localcontext() as ctx:
        ctx.prec = 5
        returns = daily_returns(series((0, "3", "3"), (1, "4", "0")))
    assert returns.values[1] == Context(prec=34).divide(Decimal(1), Decimal(3))
    assert len(returns.values[1].as_tuple().digits) == 34
