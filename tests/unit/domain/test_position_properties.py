"""Hypothesis properties of positions, checked against an independent cash-flow count."""

from __future__ import annotations

import copy
from dataclasses import fields
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Fill
from copytrade.domain.positions import Position, position_from_fills
from tests.unit.domain.fills_factory import ACCOUNT, PERP, SPOT, fill

# (buy?, qty in lots of 0.001, price in cents, fee in units of 1e-8)
STEP = st.tuples(
    st.booleans(),
    st.integers(1, 3_000),
    st.integers(1, 10_000_000),
    st.integers(0, 10_000_000),
)
STEPS = st.lists(STEP, min_size=1, max_size=25)
MARK = st.integers(1, 10_000_000).map(lambda cents: Decimal(cents).scaleb(-2))


def to_fills(steps: list[tuple[bool, int, int, int]], on: Instrument) -> list[Fill]:
    """Fills from drawn steps; on spot a sell is cut to the holding (or becomes a buy)."""
    fills, held = [], 0
    for minute, (buy, lots, cents, fee_units) in enumerate(steps):
        if on.is_spot and not buy:
            lots = min(lots, held)
            buy = lots == 0
            lots = lots or 1
        held += lots if buy else -lots
        fills.append(
            fill(
                "buy" if buy else "sell",
                Decimal(lots).scaleb(-3),
                Decimal(cents).scaleb(-2),
                Decimal(fee_units).scaleb(-8),
                on=on,
                minutes=minute,
            )
        )
    return fills


def state(position: Position) -> dict[str, object]:
    return {f.name: copy.copy(getattr(position, f.name)) for f in fields(position)}


def cash_flow_value(fills: list[Fill], mark: Decimal) -> Fraction:
    """What the fills are worth at ``mark``, computed with fractions, not positions."""
    cash = sum(
        (-Fraction(f.signed_qty) * Fraction(f.price) - Fraction(f.fee) for f in fills), Fraction(0)
    )
    held = sum((Fraction(f.signed_qty) for f in fills), Fraction(0))
    return cash + held * Fraction(mark)


@given(steps=STEPS, mark=MARK, spot=st.booleans())
def test_realized_plus_unrealized_equals_the_cash_flows(
    steps: list[tuple[bool, int, int, int]], mark: Decimal, spot: bool
) -> None:
    on = SPOT if spot else PERP
    fills = to_fills(steps, on)
    position, _ = position_from_fills(ACCOUNT, on, fills)
    total = position.net_realized_pnl + position.unrealized_pnl(mark)
    assert Fraction(total) == cash_flow_value(fills, mark)
    assert Fraction(position.qty) == sum(Fraction(f.signed_qty) for f in fills)
    assert position.fees_paid == sum(f.fee for f in fills)


@given(steps=STEPS, data=st.data())
def test_applying_a_fill_twice_changes_nothing(
    steps: list[tuple[bool, int, int, int]], data: st.DataObject
) -> None:
    fills = to_fills(steps, PERP)
    once, _ = position_from_fills(ACCOUNT, PERP, fills)
    again = Position(ACCOUNT, PERP)
    repeat = data.draw(st.integers(0, len(fills) - 1))
    for index, each in enumerate(fills):
        again.apply_fill(each)
        if index == repeat:
            assert not again.apply_fill(each).applied  # straight away
    assert not again.apply_fill(fills[repeat]).applied  # and much later
    assert state(again) == state(once)


@given(steps=STEPS, close_cents=st.integers(1, 10_000_000))
def test_closed_trades_add_up_to_realized_minus_fees(
    steps: list[tuple[bool, int, int, int]], close_cents: int
) -> None:
    fills = to_fills(steps, PERP)
    position, trades = position_from_fills(ACCOUNT, PERP, fills)
    if not position.is_flat:  # close what is left, so every fill belongs to a trade
        side = "sell" if position.qty > 0 else "buy"
        last = position.apply_fill(
            fill(
                side,
                abs(position.qty),
                Decimal(close_cents).scaleb(-2),
                on=PERP,
                minutes=len(fills),
            )
        )
        assert last.trade is not None
        trades.append(last.trade)
    assert sum(t.pnl for t in trades) == position.realized_pnl - position.fees_paid
    assert sum(t.fees for t in trades) == position.fees_paid
