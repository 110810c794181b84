"""The cap on one follower's exposure to a symbol (docs/domain.md, "Limits across
providers"): a copy within the room is unchanged, a larger one is cut to the room on the
lot step, and none is left when that is below the instrument's minimum."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying import CopyAction, ReasonCode, cap_symbol_exposure, gate_opening
from tests.unit.domain.copying.factories import book, fill, settings

# usage 0.1 of a 2,000 equity: 200 USDT at the current 20,100 → 0.009 BTC, 180.9 USDT.
FILL = fill()
PLACED = gate_opening(settings(), FILL, book())


def test_the_placed_copy_is_180_9_usdt() -> None:
    assert (PLACED.action, PLACED.qty, PLACED.notional) == (
        CopyAction.PLACED, D("0.009"), D("180.9")
    )


def test_within_the_room_nothing_changes_and_beyond_it_the_copy_is_cut() -> None:
    assert cap_symbol_exposure(FILL, PLACED, D("180.9")) is PLACED
    cut = cap_symbol_exposure(FILL, PLACED, D("150"))  # 150 / 20,100 = 0.00746 → 0.007
    assert (cut.action, cut.reason, cut.qty, cut.notional) == (
        CopyAction.CAPPED, ReasonCode.SYMBOL_EXPOSURE, D("0.007"), D("140.7")
    )
    assert cut.margin == D("14.07")  # at the provider's 10x
    none_left = cap_symbol_exposure(FILL, PLACED, D("-50"))
    assert (none_left.action, none_left.reason) == (CopyAction.SKIPPED, ReasonCode.SYMBOL_EXPOSURE)
    below_minimum = cap_symbol_exposure(FILL, PLACED, D("4"))  # under min notional 5
    assert below_minimum.action is CopyAction.SKIPPED


@given(room=st.decimals(min_value=D("-1000"), max_value=D("1000"), places=8))
def test_a_capped_copy_never_exceeds_the_room(room: D) -> None:
    decided = cap_symbol_exposure(FILL, PLACED, room)
    if decided.is_order:
        assert decided.notional <= PLACED.notional
        assert decided.qty % FILL.instrument.lot_step == 0
        assert decided is PLACED or decided.notional <= room
