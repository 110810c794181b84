"""Invalid scenario files: every error names the file, the field path and the problem.

Each case changes one fragment of the valid BASE_YAML (``old`` -> ``new``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from copytrade.simulation.scenario import ScenarioError, load_scenario
from tests.unit.simulation.texts import BASE_JSON, BASE_YAML, with_events

Write = Callable[[str, str], Path]
FOLLOW_SETTINGS = "settings: {mode: multiplier, multiplier: 2.5, max_loss_pct: 30}"
BUY = "side: buy, qty: 0.1, leverage: 5"
SECOND_FOLLOW = (
    "{at: 2024-01-01T03:00:00Z, type: follow, follower: alice, provider: pro, "
    "allocation: 1, settings: {mode: proportional}}"
)

# fmt: off
CASES = [
    # (id, old, new, field path, a fragment of the problem)
    ("unknown key", "name: base", "name: base\ncolour: red", "colour", "unknown key"),
    ("unknown nested key", "max_loss_pct: 30", "max_los_pct: 30",
     "events[0].settings.max_los_pct", "unknown key"),
    ("missing key", "    allocation: 10000\n", "", "events[0].allocation", "is required"),
    ("negative qty", BUY, "side: buy, qty: -0.1, leverage: 5", "events[1].qty",
     "must be greater than 0, got -0.1"),
    ("qty off the lot step", BUY, "side: buy, qty: 0.1005, leverage: 5", "events[1].qty",
     "not a multiple of the lot step 0.001"),
    ("unknown provider in an event", "type: order, provider: pro",
     "type: order, provider: bob", "events[1].provider", "unknown provider 'bob'"),
    ("unknown symbol in an event", "symbol: BTC/USDT:USDT,\n     side: buy",
     "symbol: DOGE/USDT,\n     side: buy", "events[1].symbol",
     "unknown symbol 'DOGE/USDT'"),
    ("limit order without price", ", order_type: limit, price: 42000.1", ", order_type: limit",
     "events[3].price", "a limit order needs a price"),
    ("market order with a price", BUY, f"{BUY}, price: 40000", "events[1].price",
     "a market order takes no price"),
    ("price off the tick", "price: 42000.1}", "price: 42000.15}", "events[3].price",
     "not a multiple of the tick 0.1"),
    ("leverage above the instrument's max", "leverage: 5", "leverage: 25",
     "events[1].leverage", "must be 1..20"),
    ("bad timestamp", "at: 2024-01-01T00:30:00Z", "at: 2024-01-32T00:30:00Z",
     "events[1].at", "'2024-01-32T00:30:00Z' is not an ISO-8601 time"),
    ("event before start", "at: 2024-01-01T00:30:00Z", "at: 2023-12-31T00:30:00Z",
     "events[1].at", "before the scenario start"),
    ("events out of time order", "at: 2024-01-01T01:00:00Z, type: pause",
     "at: 2024-01-01T00:10:00Z, type: pause", "events[2].at", "events must be in time order"),
    ("unknown event type", "type: settle", "type: settel", "events[4]",
     "unknown type settel; expected one of"),
    ("unknown mode", "mode: multiplier,", "mode: mirror,", "events[0].settings.mode",
     "must be 'fixed_amount', 'proportional' or 'multiplier', got 'mirror'"),
    ("multiplier 11", "multiplier: 2.5", "multiplier: 11", "events[0].settings.multiplier",
     "multiplier must be at most 10, got 11"),
    ("fixed amount missing", "mode: multiplier,", "mode: fixed_amount,",
     "events[0].settings.fixed_amount", "fixed_amount is required"),
    ("share_pct 31", "share_pct: 15", "share_pct: 31", "providers[0].share_pct",
     "share_pct must be between 0 and 30 percent, got 31"),
    ("text where a number goes", "share_pct: 15", "share_pct: lots", "providers[0].share_pct",
     "value is not a number: 'lots'"),
    ("an int must not be text", "{id: pro,", "{id: 7,", "providers[0].id",
     "must be a valid string, got 7"),
    ("negative tick", "tick: 0.1,", "tick: -0.1,", "instruments[0].tick",
     "tick must be positive, got -0.1"),
    ("unsorted price path", "prices: [41000, 42000]}",
     "prices: [41000, 42000]}\n  - {at: 2024-01-01T01:30:00Z, symbol: BTC/USDT:USDT, price: 1}",
     "prices[3]", "strictly increasing time order"),
    ("price of an unknown symbol", "symbol: ETH/USDT, price: 2000", "symbol: XRP/USDT, price: 2",
     "prices[1]", "unknown symbol 'XRP/USDT'"),
    ("bad series step", "every: 1h", "every: hourly", "prices[2].every",
     "must be a positive whole number with a unit"),
    ("id used twice", "- {id: alice,", "- {id: pro,", "followers[0].id",
     "already used by providers[0].id"),
    ("a mapping expected", "settings: {mode: multiplier, multiplier: 2.5, max_loss_pct: 30}",
     "settings: proportional", "events[0].settings",
     "must be a mapping of keys to values, got 'proportional'"),
    ("reserved id", "- {id: alice,", "- {id: platform,", "followers[0].id", "reserved"),
]
RELATIONSHIP_CASES = [
    ([SECOND_FOLLOW], "events[5]", "alice already follows pro (alice:pro"),
    (["{at: 2024-01-01T03:00:00Z, type: stop, follower: alice, provider: pro}",
      "{at: 2024-01-01T04:00:00Z, type: resume, follower: alice, provider: pro}"],
     "events[6]", "cannot resume: alice has stopped following pro"),
    (["{at: 2024-01-01T03:00:00Z, type: deposit, account: nobody, amount: 1}"],
     "events[5].account", "unknown account 'nobody'"),
    (["{at: 2024-01-01T03:00:00Z, type: top_up, follower: bob, provider: pro, amount: 1}"],
     "events[5].follower", "unknown follower 'bob'"),
    (["{at: 2024-01-01T03:00:00Z, type: manual_close, follower: alice, provider: pro, "
      "symbol: XRP/USDT}"], "events[5].symbol", "unknown symbol 'XRP/USDT'"),
]
# fmt: on


def _case(case: tuple[str, str, str, str, str]) -> object:
    return pytest.param(*case[1:], id=case[0])


@pytest.mark.parametrize("old, new, field, problem", [_case(c) for c in CASES])
def test_the_error_names_the_file_the_field_and_the_problem(
    write: Write, old: str, new: str, field: str, problem: str
) -> None:
    assert old in BASE_YAML, "the case must change something"
    path = write("broken.yaml", BASE_YAML.replace(old, new, 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert error.field == field
    assert str(error).startswith(f"{path}: {field}: ")
    assert problem in error.problem, error.problem


def test_an_order_before_the_symbols_first_price_is_refused(write: Write) -> None:
    # ETH's only price moved to 05:00; nothing can fill the 00:30 order on ETH.
    text = BASE_YAML.replace(
        "at: 2024-01-01T00:00:00Z, symbol: ETH/USDT", "at: 2024-01-01T05:00:00Z, symbol: ETH/USDT"
    ).replace(
        "symbol: BTC/USDT:USDT,\n     side: buy, qty: 0.1, leverage: 5",
        "symbol: ETH/USDT, side: buy, qty: 0.1",
    )
    with pytest.raises(ScenarioError, match=r"events\[1\]: no price of ETH/USDT is in force"):
        load_scenario(write("s.yaml", text))


@pytest.mark.parametrize("events, field, problem", RELATIONSHIP_CASES)
def test_relationship_actions_are_checked_in_file_order(
    write: Write, events: list[str], field: str, problem: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("s.yaml", with_events(*events)))
    assert caught.value.field == field and problem in caught.value.problem


def test_an_action_before_any_follow_is_refused(write: Write) -> None:
    text = BASE_YAML.replace("type: follow", "type: resume").replace(
        f"    allocation: 10000\n    {FOLLOW_SETTINGS}\n", ""
    )
    with pytest.raises(ScenarioError, match=r"events\[0\]: cannot resume: alice has not followed"):
        load_scenario(write("s.yaml", text))


def test_a_yaml_syntax_error_names_the_line(write: Write) -> None:
    text = BASE_YAML.replace("max_loss_pct: 30}", "max_loss_pct: 30")  # unclosed flow mapping
    path = write("syntax.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    # The unclosed mapping is on line 20; the parser notices on the next line.
    assert caught.value.line == 21 and caught.value.field is None
    assert str(caught.value).startswith(f"{path}, line 21: column ")
    assert "invalid YAML" in str(caught.value)


def test_a_key_given_twice_is_refused_with_its_line(write: Write) -> None:
    path = write("dup.yaml", BASE_YAML.replace("name: base", "name: base\nname: again"))
    with pytest.raises(ScenarioError, match=r"dup.yaml, line 2: .*key 'name' is given twice"):
        load_scenario(path)


def test_a_json_syntax_error_names_the_line(write: Write) -> None:
    path = write("bad.json", BASE_JSON.replace('"name": "base",', '"name": "base"'))
    with pytest.raises(ScenarioError, match=r"bad.json, line 3: column 3: invalid JSON"):
        load_scenario(path)


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("s.toml", "name = 'x'", "unknown scenario format '.toml'"),
        ("missing.yaml", None, "cannot read the file"),
        ("empty.yaml", "# nothing\n", "the file is empty"),
        ("list.json", "[1, 2]", "(top level): must be a mapping of keys to values, got [1, 2]"),
    ],
)
def test_files_that_cannot_be_read(
    tmp_path: Path, name: str, text: str | None, problem: str
) -> None:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)


def test_every_shape_problem_is_listed_at_once(write: Write) -> None:
    text = BASE_YAML.replace("name: base", "").replace("share_pct: 15", "share_pct: lots")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("s.yaml", text))
    assert caught.value.field == "name"
    assert [field for field, _ in caught.value.also] == ["providers[0].share_pct"]
    assert "\n  " in str(caught.value) and "providers[0].share_pct" in str(caught.value)
