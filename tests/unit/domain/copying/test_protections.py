"""The follower's own protections (docs/domain.md, "Follower protections"): the trigger
rules at and around their boundaries, and the sweep over plain exposures."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying.exposure import Exposure, HeldPosition, Peak, Protections
from copytrade.domain.copying.protections import (
    copy_trigger,
    relationship_trigger,
    rises,
    sweep_protections,
)
from copytrade.domain.copying.reasons import ReasonCode

BTC = "BTC/USDT:USDT"
LONG = HeldPosition(BTC, D("0.01"), D("1000"), D("1"))  # entry 100,000
SHORT = HeldPosition(BTC, D("-0.01"), D("1000"), D("1"))


@pytest.mark.parametrize(
    ("position", "mark", "expected"),
    [
        (LONG, "95000", ReasonCode.COPY_STOP_LOSS),  # exactly −5 %: fires
        (LONG, "95000.1", None),
        (LONG, "110000", ReasonCode.COPY_TAKE_PROFIT),  # exactly +10 %
        (LONG, "109999.9", None),
        (SHORT, "105000", ReasonCode.COPY_STOP_LOSS),  # a short loses as the price rises
        (SHORT, "104999.9", None),
        (SHORT, "90000", ReasonCode.COPY_TAKE_PROFIT),
        (SHORT, "90000.1", None),
    ],
)
def test_copy_trigger_at_the_boundaries(
    position: HeldPosition, mark: str, expected: object
) -> None:
    assert copy_trigger(position, D(mark), D(5), D(10)) is expected


def test_copy_trigger_off_and_flat() -> None:
    assert copy_trigger(LONG, D("1"), None, None) is None
    flat = HeldPosition(BTC, D(0), D(0), D(1))
    assert copy_trigger(flat, D("1"), D(5), D(5)) is None


def test_relationship_take_profit_and_trailing_stop() -> None:
    # +20 % of the net allocation of 1,000: equity 1,200 fires, 1,199.99 does not.
    assert relationship_trigger(D("1200"), D("1000"), D(20), None, None) is ReasonCode.TAKE_PROFIT
    assert relationship_trigger(D("1199.99"), D("1000"), D(20), None, None) is None
    # Peak 1,500 at a net of 1,000; trail 10 % → the floor is 1,350.
    peak = Peak(D("1500"), D("1000"))
    assert relationship_trigger(D("1350"), D("1000"), None, D(10), peak) is ReasonCode.TRAILING_STOP
    assert relationship_trigger(D("1350.01"), D("1000"), None, D(10), peak) is None
    # After a withdrawal of half the net allocation the ratio is what counts: 675 / 500.
    assert relationship_trigger(D("675"), D("500"), None, D(10), peak) is ReasonCode.TRAILING_STOP
    assert relationship_trigger(D("676"), D("500"), None, D(10), peak) is None
    # No capital left to protect: nothing fires.
    assert relationship_trigger(D("5000"), D("0"), D(1), D(1), peak) is None


def test_peaks_rise_only_with_the_ratio() -> None:
    assert rises(None, D("1000"), D("1000"))
    peak = Peak(D("1100"), D("1000"))
    assert rises(peak, D("1100.01"), D("1000"))
    assert not rises(peak, D("1100"), D("1000"))
    assert not rises(peak, D("600"), D("600"))  # ratio 1.0 < 1.1
    assert not rises(None, D("10"), D("0"))


money = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
pct = st.decimals(min_value=D("0.01"), max_value=D("99.99"), places=2)


@given(entry_cost=money, qty=st.decimals(min_value=D("0.001"), max_value=D("100"), places=3),
       stop=pct, move=st.decimals(min_value=D("-99.99"), max_value=D("99.99"), places=2))
def test_a_long_stop_fires_exactly_when_the_loss_reaches_it(
    entry_cost: D, qty: D, stop: D, move: D
) -> None:
    """The rule against the percentage computed by division (exact decimals here)."""
    position = HeldPosition(BTC, qty, entry_cost, D(1))
    entry = entry_cost / qty
    mark = entry * (1 + move / 100)
    fired = copy_trigger(position, mark, stop, None) is ReasonCode.COPY_STOP_LOSS
    loss_pct = (entry_cost - qty * mark) / entry_cost * 100
    # Division rounds in the 28th digit: only a far-from-the-boundary case is asserted.
    if abs(loss_pct - stop) > D("1e-20"):
        assert fired == (loss_pct >= stop)


@given(net=money, gain=st.decimals(min_value=D("-99"), max_value=D("500"), places=2), tp=pct)
def test_the_take_profit_fires_exactly_at_its_gain(net: D, gain: D, tp: D) -> None:
    equity = net * (1 + gain / 100)
    fired = relationship_trigger(equity, net, tp, None, None) is ReasonCode.TAKE_PROFIT
    assert fired == (gain >= tp)


def _exposure(
    rel_id: str, cash: str, protections: Protections | None, *positions: HeldPosition
) -> Exposure:
    return Exposure(rel_id, D("1000"), D("50"), D(cash), positions, protections)


PEAK = Peak(D("1000"), D("1000"))


def test_the_sweep_stops_closes_and_remembers_peaks() -> None:
    spot = {BTC: False}
    prices = {BTC: D("90000")}  # the long copies lost 10 %: 100 USDT each
    rels = [
        _exposure("none", "0", None, LONG),
        _exposure("sl", "0", Protections(copy_stop_loss_pct=D(10)), LONG),
        _exposure("sl-detached", "0", Protections(copy_stop_loss_pct=D(5)),
                  HeldPosition(BTC, D("0.01"), D("1000"), D(1), detached=True)),
        # Cash 1,000 + the short's +100: equity 2,100 on a net of 1,000 → +110 %.
        _exposure("tp", "1000", Protections(take_profit_pct=D(100)), SHORT),
        _exposure("trail", "1000", Protections(trailing_stop_pct=D(5)), SHORT),
        _exposure("trail-hit", "0", Protections(trailing_stop_pct=D(5), peak=PEAK), LONG),
        # At its max loss (50 %): left to that rule.
        _exposure("maxloss", "-500", Protections(copy_stop_loss_pct=D(1)), LONG),
    ]
    sweep = sweep_protections(rels, spot, prices)
    assert sweep.closes == [("sl", BTC, ReasonCode.COPY_STOP_LOSS)]
    assert sweep.stops == [("tp", ReasonCode.TAKE_PROFIT), ("trail-hit", ReasonCode.TRAILING_STOP)]
    assert sweep.peaks == {"trail": Peak(D("2100"), D("1000"))}
