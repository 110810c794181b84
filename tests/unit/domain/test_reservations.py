"""The pure arithmetic of funds in orders (docs/venues.md "Funds in orders")."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.instruments import Side
from copytrade.domain.reservations import NOTHING, Hold, closing_part, order_hold
from tests.unit.venues.instruments import PERP, SPOT

D = Decimal

qtys = st.decimals(min_value=D(0), max_value=D(100), places=3)
prices = st.decimals(min_value=D("0.1"), max_value=D(100000), places=1)
leverages = st.integers(min_value=1, max_value=50).map(D)
sides = st.sampled_from([Side.BUY, Side.SELL])
helds = st.decimals(min_value=D(-100), max_value=D(100), places=3)
fees = st.decimals(min_value=D(0), max_value=D(100), places=2)


def test_the_worked_examples() -> None:
    # spot buy 0.015 @ 49000, fee 0.735: 735 + 0.735 of the quote
    assert order_hold(SPOT, Side.BUY, D("0.015"), D(49000), D(1), D("0.735")) == Hold(
        quote=D("735.735")
    )
    # spot sell: the base
    assert order_hold(SPOT, Side.SELL, D("0.01"), D(51000), D(1), D("0.51")) == Hold(base=D("0.01"))
    # perp buy 0.1 @ 50000 at 10x, fee 1: margin 500 + 1
    assert order_hold(PERP, Side.BUY, D("0.1"), D(50000), D(10), D(1)) == Hold(quote=D(501))
    # against a short of 0.04, only 0.06 opens: 300 + 1
    assert order_hold(PERP, Side.BUY, D("0.1"), D(50000), D(10), D(1), held=D("-0.04")) == Hold(
        quote=D(301)
    )
    # the margin is rounded up to the quote unit (1e-8): 0.001 × 10000.1 / 3 = 3.333366…
    assert order_hold(PERP, Side.BUY, D("0.001"), D("10000.1"), D(3), D(0)).quote == D("3.33336667")


def test_reduce_only_and_nothing_left_hold_nothing() -> None:
    assert order_hold(PERP, Side.SELL, D(1), D(50000), D(5), D(10), reduce_only=True) is NOTHING
    assert order_hold(SPOT, Side.BUY, D(0), D(50000), D(1), D(0)) is NOTHING


@given(sides, qtys, prices, leverages, fees, helds, st.booleans())
def test_a_hold_is_never_negative(
    side: Side, qty: Decimal, limit: Decimal, lev: Decimal, fee: Decimal, held: Decimal, spot: bool
) -> None:
    hold = order_hold(SPOT if spot else PERP, side, qty, limit, lev, fee, held=held)
    assert hold.quote >= 0 and hold.base >= 0


@given(sides, qtys, qtys, prices, leverages, helds, st.booleans())
def test_a_partial_fill_never_holds_more_and_a_full_one_releases_all(
    side: Side, qty: Decimal, part: Decimal, limit: Decimal, lev: Decimal, held: Decimal, spot: bool
) -> None:
    instrument = SPOT if spot else PERP
    filled = min(part, qty)
    whole = order_hold(instrument, side, qty, limit, lev, D(0), held=held)
    rest = order_hold(instrument, side, qty - filled, limit, lev, D(0), held=held)
    assert rest.quote <= whole.quote and rest.base <= whole.base
    assert order_hold(instrument, side, qty - qty, limit, lev, D(0), held=held) == NOTHING


@given(sides, qtys, helds)
def test_the_closing_part_is_within_the_order_and_the_position(
    side: Side, qty: Decimal, held: Decimal
) -> None:
    closing = closing_part(side, qty, held)
    assert D(0) <= closing <= qty and closing <= abs(held)
    if (held > 0 and side is Side.BUY) or (held < 0 and side is Side.SELL):
        assert closing == 0  # adding to a position closes nothing
