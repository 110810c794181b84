"""The windows computed together equal each figure's own function, digit for digit."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.statistics import (
    DailyReturns,
    EquityPoint,
    annualised_volatility,
    compound_curve,
    daily_returns,
    max_drawdown,
    roi,
    sample_curve,
    sharpe,
    sortino,
    trailing_windows,
)
from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.statistics.risk import deepest_fall
from copytrade.domain.values import HUNDRED, ONE, ZERO
from tests.unit.domain.statistics.factories import DAY0
from tests.unit.domain.statistics.test_properties import records

LENGTHS = (7, 30, 90, None, 1, 2, 0)
# Few distinct returns, so equal indices, repeated lows and flat stretches are common.
COARSE = st.sampled_from(["0", "0", "-0.5", "1", "-0.1", "0.25", "-0.2", "0.1111", "-1"])
FINE = st.decimals(min_value=Decimal("-0.99"), max_value=Decimal(3), places=12)


def returns_of(values: list[str] | list[Decimal]) -> DailyReturns:
    return DailyReturns(DAY0 if values else None, tuple(Decimal(v) for v in values))


def expected(returns: DailyReturns, length: int | None, points: int) -> tuple[object, ...]:
    window = returns.last(length)
    curve = compound_curve(returns)
    tail = curve[len(curve) - len(window) :]
    return (roi(window), max_drawdown(window), annualised_volatility(window), sharpe(window),
            sortino(window), tuple(p.value for p in sample_curve(tail, points)))  # fmt: skip


def assert_same(returns: DailyReturns, points: int = 30) -> None:
    found = trailing_windows(returns, LENGTHS, points)
    assert set(found) == set(LENGTHS)
    for length, figures in found.items():
        ours = (figures.roi, figures.max_drawdown, figures.volatility, figures.sharpe,
                figures.sortino, figures.sparkline)  # fmt: skip
        assert ours == expected(returns, length, points), length
        # The same digits too, not only the same values (they are stored as text).
        assert [str(v) for v in ours[:5]] == [str(v) for v in expected(returns, length, points)[:5]]


@given(records())
def test_windows_of_a_record_equal_the_figures_one_by_one(points: list[EquityPoint]) -> None:
    assert_same(daily_returns(points))


@given(st.lists(st.one_of(COARSE, FINE), max_size=120), st.integers(2, 40))
def test_windows_of_any_returns_equal_the_figures_one_by_one(
    values: list[str | Decimal], points: int
) -> None:
    assert_same(returns_of([Decimal(v) for v in values]), points)


def dividing_every_day(returns: list[Decimal]) -> Decimal:
    """The drawdown's definition as first written: one division per day below the peak."""
    peak = index = ONE
    deepest = ZERO
    with localcontext(STATS_CONTEXT):
        for r in returns:
            index *= ONE + r
            if index > peak:
                peak = index
            else:
                deepest = max(deepest, (peak - index) / peak)
        return deepest


@given(st.lists(st.one_of(COARSE, FINE), max_size=200))
def test_dividing_once_per_peak_gives_the_daily_division_s_figure(values: list[str]) -> None:
    returns = [Decimal(v) for v in values]
    with localcontext(STATS_CONTEXT):
        index, deepest = deepest_fall(ONE + r for r in returns)
    assert deepest == dividing_every_day(returns)
    assert max_drawdown(returns) == to_places(dividing_every_day(returns) * HUNDRED)
    assert roi(returns) == to_places((index - ONE) * HUNDRED)


def test_a_total_loss_is_a_full_drawdown_in_every_window() -> None:
    found = trailing_windows(returns_of(["0.1", "-1", "0", "0"]), (None, 2), 30)
    assert found[None].max_drawdown == Decimal("100.0000")
    assert found[2].max_drawdown == Decimal("0.0000")  # already at 0: nothing left to lose
    assert found[None].sparkline == (Decimal("11000.00"), Decimal("0.00"), Decimal("0.00"),
                                     Decimal("0.00"))  # fmt: skip
