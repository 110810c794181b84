"""Scenario order terms and depth: loaded into the events and instruments, and refused
with the field named when malformed (docs/scenarios.md)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from copytrade.adapters.venues.order_terms import OrderTerms, TimeInForce, Trigger
from copytrade.domain.depth import BookDepth
from copytrade.simulation.scenario import ScenarioError, load_scenario
from copytrade.simulation.scenario.events import ProviderOrder
from tests.unit.simulation.texts import BASE_YAML

Write = Callable[[str, str], Path]
BUY = "side: buy, qty: 0.1, leverage: 5"
PERP = "{symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, max_leverage: 20}"


def test_trigger_terms_and_depth_are_loaded(write: Write) -> None:
    text = BASE_YAML.replace(
        BUY, f"{BUY}, trigger: trailing_stop, trail_percent: 1.5, time_in_force: ioc", 1
    ).replace(PERP, PERP[:-1] + ", depth: {level_size: 0.5, spacing: 0.2, levels: 3}}")
    scenario = load_scenario(write("s.yaml", text))
    first = next(e for e in scenario.events if isinstance(e, ProviderOrder))
    assert first.terms == OrderTerms(
        Trigger("trailing_stop", trail_percent=Decimal("1.5")),  # type: ignore[arg-type]
        TimeInForce.IOC,
    )
    perp = next(i for i in scenario.instruments if i.symbol == "BTC/USDT:USDT")
    assert perp.depth == BookDepth(Decimal("0.5"), Decimal("0.2"), 3)


@pytest.mark.parametrize(
    ("new", "field", "problem"),
    [
        (f"{BUY}, trigger: stop", "events[1].trigger", "needs a trigger price"),
        (f"{BUY}, trigger: stop, trigger_price: 100.05", "events[1].trigger_price", "tick"),
        (f"{BUY}, trigger_price: 100", "events[1].trigger", "need a trigger"),
        (f"{BUY}, trigger: trailing_stop, trail_percent: 60", "events[1].trigger", "at most 50"),
        (f"{BUY}, post_only: true", "events[1].post_only", "limit orders"),
        (f"{BUY}, time_in_force: day", "events[1].time_in_force", ""),
    ],
)
def test_malformed_order_terms_name_the_field(
    write: Write, new: str, field: str, problem: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("s.yaml", BASE_YAML.replace(BUY, new, 1)))
    assert caught.value.field == field and problem in caught.value.problem


def test_a_depth_off_the_lot_step_is_refused(write: Write) -> None:
    text = BASE_YAML.replace(PERP, PERP[:-1] + ", depth: {level_size: 0.0005, spacing: 1}}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("s.yaml", text))
    assert "lot step" in caught.value.problem
