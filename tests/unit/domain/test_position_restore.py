"""A position restored from its stored state carries on exactly like the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.instruments import Instrument
from copytrade.domain.positions import Position
from tests.unit.domain.fills_factory import ACCOUNT, PERP, SPOT
from tests.unit.domain.test_position_properties import STEPS, to_fills


@given(steps=STEPS, split=st.integers(0, 25), spot=st.booleans())
def test_restore_then_more_fills_equals_never_stopping(
    steps: list[tuple[bool, int, int, int]], split: int, spot: bool
) -> None:
    on: Instrument = SPOT if spot else PERP
    fills = to_fills(steps, on)
    original = Position(ACCOUNT, on, on.max_leverage)
    for f in fills[:split]:
        original.apply_fill(f)
    restored = Position.restore(ACCOUNT, on, original.state())
    assert restored.state() == original.state()
    for f in fills[split:]:
        ours, theirs = original.apply_fill(f), restored.apply_fill(f)
        assert ours == theirs  # the same realized PnL and the same closed trade
    assert restored.state() == original.state()
    assert restored.side == original.side
