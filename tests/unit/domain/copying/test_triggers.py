"""The provider's trigger prices, mirrored to copies (docs/domain.md, "The provider's
stop-loss and take-profit"): when they fire, what may be set, and how a copy's own
protections and the mirrored prices combine in the sweep."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.copying.exposure import Exposure, HeldPosition, Protections
from copytrade.domain.copying.protections import (
    copy_trigger,
    copy_trigger_prices,
    sweep_protections,
)
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.copying.triggers import (
    PositionTriggers,
    TriggerError,
    check_triggers,
    trigger_fired,
)
from copytrade.domain.errors import InvalidValueError

SL, TP = ReasonCode.PROVIDER_STOP_LOSS, ReasonCode.PROVIDER_TAKE_PROFIT
BOTH = PositionTriggers(D(90), D(120))
SHORT_BOTH = PositionTriggers(D(110), D(80))


@pytest.mark.parametrize(
    ("qty", "triggers", "mark", "fired"),
    [
        (D(1), BOTH, D("90.01"), None),
        (D(1), BOTH, D(90), SL),  # reaching it fires
        (D(1), BOTH, D(50), SL),  # gapped through
        (D(1), BOTH, D("119.99"), None),
        (D(1), BOTH, D(120), TP),
        (D(-1), SHORT_BOTH, D("109.99"), None),
        (D(-1), SHORT_BOTH, D(110), SL),
        (D(-1), SHORT_BOTH, D(80), TP),
        (D(-1), SHORT_BOTH, D(95), None),
        (D(0), BOTH, D(10), None),  # flat: nothing to close
        (D(1), None, D(10), None),
        (D(1), PositionTriggers(take_profit=D(120)), D(10), None),  # no stop set
    ],
)
def test_trigger_fired_at_the_boundaries(
    qty: D, triggers: PositionTriggers | None, mark: D, fired: ReasonCode | None
) -> None:
    assert trigger_fired(qty, mark, triggers) is fired


@given(
    stop=st.decimals(min_value=1, max_value=100_000, places=2),
    mark=st.decimals(min_value=1, max_value=100_000, places=2),
)
def test_a_stop_fires_exactly_when_the_mark_reaches_it(stop: D, mark: D) -> None:
    triggers = PositionTriggers(stop_loss=stop)
    assert (trigger_fired(D(1), mark, triggers) is SL) == (mark <= stop)
    assert (trigger_fired(D(-1), mark, triggers) is SL) == (mark >= stop)


def test_check_triggers_refuses_what_would_fire_at_once() -> None:
    check_triggers(D(1), D(100), BOTH)
    check_triggers(D(-1), D(100), SHORT_BOTH)
    check_triggers(D(1), None, PositionTriggers(D(500)))  # no mark yet: signs only
    with pytest.raises(InvalidValueError, match="long position's stop_loss must be below"):
        check_triggers(D(1), D(100), PositionTriggers(stop_loss=D(100)))
    with pytest.raises(InvalidValueError, match="long position's take_profit must be above"):
        check_triggers(D(1), D(100), PositionTriggers(take_profit=D(100)))
    with pytest.raises(InvalidValueError, match="short position's stop_loss must be above"):
        check_triggers(D(-1), D(100), PositionTriggers(stop_loss=D(90)))
    with pytest.raises(InvalidValueError, match="short position's take_profit must be below"):
        check_triggers(D(-1), D(100), PositionTriggers(take_profit=D(110)))
    with pytest.raises(InvalidValueError, match="stop_loss must be a price above 0"):
        check_triggers(D(1), None, PositionTriggers(stop_loss=D(0)))
    with pytest.raises(TriggerError, match="no open position"):
        check_triggers(D(0), D(100), BOTH)


def test_own_trigger_prices_are_where_copy_trigger_fires() -> None:
    long = HeldPosition("X", D(2), D(200), D(1))  # entry 100
    prices = copy_trigger_prices(long.qty, long.entry_cost, D(10), D(20))
    assert prices == PositionTriggers(D(90), D(120))
    assert copy_trigger(long, D(90), D(10), None) is ReasonCode.COPY_STOP_LOSS
    assert copy_trigger(long, D("90.01"), D(10), None) is None
    short = copy_trigger_prices(D(-2), D(200), D(10), D(150))
    assert short == PositionTriggers(D(110), None)  # a short cannot gain 150 %


def _exposure(position: HeldPosition, protections: Protections | None = None) -> Exposure:
    return Exposure("r", D(1000), D(50), D(900), (position,), protections)


def test_the_sweep_closes_copies_and_providers_at_mirrored_prices() -> None:
    copy = HeldPosition("X", D(1), D(100), D(1), mirrored=BOTH)
    own = HeldPosition("X", D(10), D(1000), D(1), mirrored=BOTH)
    spot = {"X": False}
    quiet = sweep_protections([_exposure(copy)], spot, {"X": D(95)}, [("pro", own)])
    assert not quiet
    fired = sweep_protections([_exposure(copy)], spot, {"X": D(90)}, [("pro", own)])
    assert fired.closes == [("r", "X", SL)]
    assert fired.provider_closes == [("pro", "X", SL)]


def test_the_copy_own_stop_is_named_when_both_fire_and_a_detached_copy_is_left() -> None:
    copy = HeldPosition("X", D(1), D(100), D(1), mirrored=BOTH)  # own stop at 95
    mine = Protections(copy_stop_loss_pct=D(5))
    at_both = sweep_protections([_exposure(copy, mine)], {"X": False}, {"X": D(90)})
    assert at_both.closes == [("r", "X", ReasonCode.COPY_STOP_LOSS)]
    detached = HeldPosition("X", D(1), D(100), D(1), detached=True, mirrored=BOTH)
    assert not sweep_protections([_exposure(detached)], {"X": False}, {"X": D(80)})
    # At the max loss the relationship is left to that rule.
    deep = Exposure("r", D(1000), D(5), D(0), (copy,), None)
    assert not sweep_protections([deep], {"X": False}, {"X": D(90)})
