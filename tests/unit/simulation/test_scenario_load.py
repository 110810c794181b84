"""Loading valid scenarios: YAML and JSON agree, numbers are exact, defaults hold."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from copytrade.domain.copying import SizingMode
from copytrade.domain.instruments import InstrumentKind, Side
from copytrade.domain.orders import OrderType
from copytrade.simulation.scenario import (
    Follow,
    Pause,
    ProviderOrder,
    Scenario,
    ScenarioError,
    Settle,
    SettlementPeriod,
    Stop,
    load_scenario,
    scenario_from_data,
)
from copytrade.simulation.scenario.reading import read_document
from tests.unit.simulation.texts import BASE_JSON, BASE_YAML, with_events

Write = Callable[[str, str], Path]
EXAMPLES = sorted(Path(__file__).parents[3].joinpath("examples", "scenarios").glob("*.y*ml"))
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in _floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in _floats(item)]
    return []


def test_yaml_and_json_load_to_equal_scenarios(write: Write) -> None:
    from_yaml = load_scenario(write("s.yaml", BASE_YAML))
    from_json = load_scenario(write("s.json", BASE_JSON))
    assert from_yaml == from_json
    assert from_yaml.source.endswith("s.yaml")  # source is kept but not compared


@pytest.mark.parametrize("name, text", [("s.yml", BASE_YAML), ("s.json", BASE_JSON)])
def test_numbers_are_read_as_exact_decimals_never_floats(
    write: Write, name: str, text: str
) -> None:
    path = write(name, text)
    assert _floats(read_document(path)) == []
    scenario = load_scenario(path)
    btc = scenario.instrument("BTC/USDT:USDT")
    # 0.1 as a float is 0.1000000000000000055...; read from the text it is exactly 1/10.
    assert btc.tick == Decimal("0.1") and btc.tick.as_tuple() == Decimal("0.1").as_tuple()
    assert scenario.instrument("ETH/USDT").taker_fee == Decimal("0.001")
    assert scenario.prices[0].price == Decimal("40000.5")
    follow = scenario.events[0]
    assert isinstance(follow, Follow)
    assert follow.settings.multiplier == Decimal("2.5")
    order = scenario.events[1]
    assert isinstance(order, ProviderOrder)
    assert order.qty == Decimal("0.1")


def test_the_loaded_scenario_holds_typed_domain_values(write: Write) -> None:
    scenario = load_scenario(write("s.yaml", BASE_YAML))
    assert scenario.start == T0
    assert str(scenario.currency) == "USDT" and scenario.platform_fee_pct == 2  # defaults
    btc = scenario.instrument("BTC/USDT:USDT")
    assert btc.kind is InstrumentKind.PERP and btc.base == "BTC"  # base from the symbol
    assert btc.min_qty == 0 and btc.taker_fee == 0  # defaults
    (provider,) = scenario.providers
    assert (provider.share_pct, provider.settlement) == (Decimal(15), SettlementPeriod.WEEKLY)
    follow, buy, pause, sell, settle = scenario.events
    assert isinstance(follow, Follow) and follow.settings.mode is SizingMode.MULTIPLIER
    assert follow.settings.max_loss_pct == 30 and follow.allocation == 10000
    assert str(follow.relationship) == "alice:pro"
    assert isinstance(buy, ProviderOrder)
    assert (buy.side, buy.order_type, buy.leverage, buy.price) == (
        Side.BUY, OrderType.MARKET, Decimal(5), None
    )  # fmt: skip
    assert str(buy.client_order_id) == "pro-1"  # provider and the event's index
    assert isinstance(pause, Pause) and pause.relationship == follow.relationship
    assert isinstance(sell, ProviderOrder)
    assert (sell.order_type, sell.price, sell.leverage) == (
        OrderType.LIMIT,
        Decimal("42000.1"),
        Decimal(1),
    )
    assert isinstance(settle, Settle) and settle.index == 4


def test_a_price_series_expands_to_points_every_step(write: Write) -> None:
    scenario = load_scenario(write("s.yaml", BASE_YAML))
    btc = [(t.ts, t.price) for t in scenario.prices if t.symbol == "BTC/USDT:USDT"]
    # 40000.5 at 00:00, then the series: 41000 at 01:00 and 42000 at 01:00 + 1h.
    assert btc == [
        (T0, Decimal("40000.5")),
        (T0 + timedelta(hours=1), Decimal(41000)),
        (T0 + timedelta(hours=2), Decimal(42000)),
    ]


def test_naive_times_are_utc(write: Write) -> None:
    text = BASE_YAML.replace("start: 2024-01-01T00:00:00Z", "start: 2024-01-01T00:00:00")
    assert load_scenario(write("s.yaml", text)).start == T0


def test_following_again_after_a_stop_opens_a_second_relationship(write: Write) -> None:
    text = with_events(
        "{at: 2024-01-01T03:00:00Z, type: stop, follower: alice, provider: pro}",
        "{at: 2024-01-01T04:00:00Z, type: follow, follower: alice, provider: pro, "
        "allocation: 500, settings: {mode: proportional}}",
        "{at: 2024-01-01T05:00:00Z, type: withdraw, follower: alice, provider: pro, amount: 1}",
    )
    *_, stop, follow, withdraw = load_scenario(write("s.yaml", text)).events
    assert isinstance(stop, Stop) and str(stop.relationship) == "alice:pro"
    assert isinstance(follow, Follow) and str(follow.relationship) == "alice:pro:2"
    assert withdraw.relationship == follow.relationship  # type: ignore[union-attr]


def test_floats_given_as_data_are_refused_with_the_field() -> None:
    data = json.loads(BASE_JSON, parse_float=Decimal)
    data["providers"][0]["deposit"] = 100000.0
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data, source="built-in")
    assert caught.value.field == "providers[0].deposit"
    assert "floats cannot represent money exactly" in str(caught.value)
    assert str(caught.value).startswith("built-in: ")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_example_scenarios_load(path: Path) -> None:
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario) and scenario.events and scenario.prices
    # Each example starts with a comment block saying what it exercises.
    assert path.read_text().startswith(f"# {path.stem}:")


def test_there_are_example_scenarios() -> None:
    assert {p.name for p in EXAMPLES} >= {"proportional_basic.yaml", "fixed_amount_partial.yaml"}
