from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying import drawdown, max_loss_reached

D = Decimal


@pytest.mark.parametrize(
    ("equity", "net", "dd"),
    [
        (D(800), D(1000), D("0.2")),  # 1 − 800/1,000
        (D(1000), D(1000), D(0)),
        (D(1250), D(1000), D("-0.25")),  # a gain is a negative drawdown
        (D(0), D(1000), D(1)),  # everything lost
        (D(-50), D(1000), D("1.05")),  # a leveraged loss past zero
        (D(300), D(0), D(0)),  # all capital withdrawn already: nothing left to lose
        (D(300), D(-200), D(0)),  # withdrew more than allocated (took profits out)
    ],
)
def test_drawdown(equity: Decimal, net: Decimal, dd: Decimal) -> None:
    assert drawdown(equity, net) == dd


@pytest.mark.parametrize(
    ("equity", "net", "pct", "reached"),
    [
        (D(800), D(1000), D(20), True),  # exactly at the threshold counts ("reaches")
        (D("800.00000001"), D(1000), D(20), False),
        (D(799), D(1000), D(20), True),
        (D(900), D(1000), D(10), True),
        (D(1), D(1000), D(100), False),  # 100 %: only when nothing is left
        (D(0), D(1000), D(100), True),
        (D(0), D(0), D(20), False),  # nothing allocated: the rule cannot fire
        (D(-10), D(-5), D(20), False),
    ],
)
def test_max_loss_reached(equity: Decimal, net: Decimal, pct: Decimal, reached: bool) -> None:
    assert max_loss_reached(equity, net, pct) is reached


@given(
    equity=st.decimals(min_value=-(10**6), max_value=10**6, places=4),
    net=st.decimals(min_value=D("0.0001"), max_value=10**6, places=4),
    pct=st.decimals(min_value=D("0.01"), max_value=100, places=2),
)
def test_the_multiplication_form_agrees_with_the_formula(
    equity: Decimal, net: Decimal, pct: Decimal
) -> None:
    # Cross-check with exact fractions, independent of Decimal's division rounding.
    exact = 1 - Fraction(equity) / Fraction(net) >= Fraction(pct) / 100
    assert max_loss_reached(equity, net, pct) is exact
