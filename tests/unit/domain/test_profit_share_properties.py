"""Hypothesis properties of profit-share settlement (docs/domain.md, Profit share).

(a) value is conserved in every settlement and nothing is negative;
(b) the same gain is never charged twice, checked along random lives of a
    relationship against an independent exact model;
(c) owed is never negative and a debit never exceeds the cash.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from copytrade.domain.profit_share import (
    HighWatermark,
    ProfitShareTerms,
    Settlement,
    WithdrawalExceedsFreeCashError,
)
from copytrade.domain.values import USDT, ZERO, round_down

UNIT = USDT.unit


def money(low: str, high: str) -> st.SearchStrategy[D]:
    return st.decimals(min_value=D(low), max_value=D(high), places=8)


terms_st = st.builds(
    ProfitShareTerms,
    share_pct=st.decimals(min_value=0, max_value=30, places=2),
    platform_fee_pct=st.decimals(min_value=0, max_value=100, places=2),
)


def check_settlement(s: Settlement, cash: D, terms: ProfitShareTerms) -> None:
    """Properties (a) and (c) of one settlement."""
    amounts = (s.gross, s.platform_fee, s.provider_credit, s.debit, s.owed_after, s.hwm_after)
    assert all(amount >= 0 for amount in amounts)
    assert s.debit == s.provider_credit + s.platform_fee
    # Gross is at most share × the gain of the net equity above the HWM, itself at
    # most share × (E - HWM); exact rational arithmetic as the judge.
    gain = max(F(s.equity) - F(s.owed_before) - F(s.hwm_before), F(0))
    assert F(s.gross) <= gain * F(terms.share_pct) / 100
    assert F(s.gross) <= max(F(s.equity) - F(s.hwm_before), F(0)) * F(terms.share_pct) / 100
    assert F(s.platform_fee) <= F(s.debit) * F(terms.platform_fee_pct) / 100
    assert s.debit <= max(cash, ZERO)
    assert s.owed_after == s.owed_before + s.gross - s.debit
    assert s.hwm_after >= s.hwm_before


@given(
    hwm=money("0", "1000000"),
    owed=money("0", "10000"),
    equity=st.decimals(min_value=D(-1000), max_value=D(2000000), places=12),
    cash=money("-1000", "2000000"),
    terms=terms_st,
)
def test_any_settlement_conserves_value(
    hwm: D, owed: D, equity: D, cash: D, terms: ProfitShareTerms
) -> None:
    settlement, state = HighWatermark(hwm, owed).settle(equity, cash, terms)
    check_settlement(settlement, cash, terms)
    assert (state.hwm, state.owed) == (settlement.hwm_after, settlement.owed_after)


# A relationship's life: positions move with the market, cash is moved into and out
# of positions, the follower tops up and withdraws, and settlements run.
fraction = st.decimals(min_value=0, max_value=1, places=4)
event_st = st.one_of(
    st.tuples(st.just("move"), st.decimals(min_value=D("-0.9"), max_value=2, places=6)),
    st.tuples(st.just("buy"), fraction),
    st.tuples(st.just("sell"), fraction),
    st.tuples(st.just("top_up"), money("0.00000001", "50000")),
    st.tuples(st.just("withdraw"), fraction),
    st.tuples(st.just("settle"), st.just(ZERO)),
)
# Settlement periods, each closed by a settlement: charged gains followed by more
# gains are the paths where a gain could be charged twice.
periods_st = st.lists(st.lists(event_st, max_size=6), min_size=1, max_size=8).map(
    lambda periods: [event for period in periods for event in [*period, ("settle", ZERO)]]
)


class ReferenceModel:
    """An independent exact model of the gain a follower can be charged for.

    It keeps no watermark and no owed amount: only ``excess``, the trading gain
    not yet charged (negative: a loss still to win back), in exact fractions.
    Market moves add to it; deposits do not; a withdrawal takes its pro-rata
    slice of it away; a settlement books the positive excess as chargeable gain
    and starts again from zero.
    """

    def __init__(self) -> None:
        self.excess = F(0)
        self.chargeable = F(0)

    def market_move(self, change: D) -> None:
        self.excess += F(change)

    def withdrawal(self, amount: D, own_equity_before: D) -> None:
        self.excess *= 1 - F(amount) / F(own_equity_before)

    def settlement(self) -> None:
        self.chargeable += max(self.excess, F(0))
        self.excess = min(self.excess, F(0))


@given(
    allocation=money("1", "100000"),
    invested=st.one_of(st.just(D(1)), fraction),  # fully invested: no cash, so owed arises
    terms=terms_st,
    events=periods_st,
)
def test_never_charged_twice_for_the_same_gain(
    allocation: D, invested: D, terms: ProfitShareTerms, events: list[tuple[str, D]]
) -> None:
    state = HighWatermark.start(allocation)
    # The allocation: cash on the unit, and positions marked at market (bought at once).
    positions = round_down(allocation * invested, UNIT)
    cash = allocation - positions
    reference = ReferenceModel()
    total_gross = ZERO
    for name, value in events:
        if name == "move":
            moved = positions * (1 + value)
            reference.market_move(moved - positions)
            positions = moved
        elif name == "buy" and cash > 0:
            spent = round_down(cash * value, UNIT)
            cash, positions = cash - spent, positions + spent
        elif name == "sell":
            proceeds = round_down(positions * value, UNIT)
            cash, positions = cash + proceeds, positions - proceeds
        elif name == "top_up":
            state, cash = state.top_up(value), cash + value
        elif name == "withdraw":
            w = round_down(state.withdrawable(cash) * value, UNIT)
            if w > 0:  # the follower's own equity: what the ledger holds less what it owes
                reference.withdrawal(w, cash + positions - state.owed)
                state, cash = state.withdraw(w, cash + positions, cash), cash - w
                assert cash >= state.owed  # money owed to the provider stays in
        elif name == "settle":
            settlement, state = state.settle(cash + positions, cash, terms)
            check_settlement(settlement, cash, terms)
            cash -= settlement.debit
            total_gross += settlement.gross
            reference.settlement()
            # Settling again at once, at the equity after the debit, finds no new gain.
            again, _ = state.settle(cash + positions, cash, terms)
            assert again.gross == 0
            assert again.hwm_after == state.hwm
        assert state.owed >= 0 and cash >= 0
    share = F(terms.share_pct) / 100
    assert F(total_gross) <= share * reference.chargeable
    # Rounding (gross down, HWM up) may only forgive less than a unit per step and
    # settlement; anything more would mean gain went uncharged by mistake.
    slack = F(UNIT) * (len(events) + 1) ** 2
    assert F(total_gross) >= share * reference.chargeable - slack


@given(
    hwm=money("0", "100000"),
    owed=money("0", "1000"),
    equity=money("0.00000001", "200000"),
    data=st.data(),
)
def test_withdrawal_scales_hwm_up_to_one_unit(
    hwm: D, owed: D, equity: D, data: st.DataObject
) -> None:
    own = equity - owed
    free = equity  # spot: all equity in cash
    state = HighWatermark(hwm, owed)
    available = round_down(min(state.withdrawable(free), own), UNIT)
    assume(available > 0)
    w = data.draw(money("0.00000001", str(available)))
    after = state.withdraw(w, equity, free)
    exact = F(hwm) * (1 - F(w) / F(own))
    assert exact <= F(after.hwm) < exact + F(UNIT)
    assert after.owed == owed


@given(
    owed=money("0", "1000"),
    free=money("0", "2000"),
    positions=money("0", "2000"),
    w=money("0.00000001", "2000"),
)
def test_owed_money_cannot_be_withdrawn(owed: D, free: D, positions: D, w: D) -> None:
    state = HighWatermark(D(1000), owed)
    if w > free - owed:
        with pytest.raises(WithdrawalExceedsFreeCashError):
            state.withdraw(w, free + positions, free)
    else:
        assert state.withdraw(w, free + positions, free).owed == owed
        assert free - w >= owed
