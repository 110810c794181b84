"""The play order: by time, prices before actions at one time, file order otherwise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from copytrade.simulation.scenario import PricePoint, load_scenario, timeline

Write = Callable[[str, str], Path]

TEXT = """\
name: ties
start: 2024-01-01T00:00:00Z
instruments:
  - {symbol: A/USDT, kind: spot, tick: 0.01, lot_step: 1}
  - {symbol: B/USDT, kind: spot, tick: 0.01, lot_step: 1}
prices:
  - {at: 2024-01-01T00:00:00Z, symbol: B/USDT, price: 1}
  - {at: 2024-01-01T00:00:00Z, symbol: A/USDT, price: 1}
  - {at: 2024-01-01T01:00:00Z, symbol: A/USDT, price: 2}
  - {at: 2024-01-01T00:30:00Z, symbol: B/USDT, price: 3}
providers:
  - {id: p, deposit: 100}
followers:
  - {id: f, deposit: 100}
events:
  - {at: 2024-01-01T00:00:00Z, type: deposit, account: p, amount: 1}
  - {at: 2024-01-01T00:00:00Z, type: deposit, account: f, amount: 2}
  - {at: 2024-01-01T01:00:00Z, type: settle}
  - {at: 2024-01-01T01:00:00Z, type: deposit, account: p, amount: 3}
"""


def _label(item: object) -> str:
    if isinstance(item, PricePoint):
        return "+".join(f"{t.symbol[0]}@{t.ts:%H%M}" for t in item.ticks)
    return f"{type(item).__name__.lower()}#{item.index}"  # type: ignore[attr-defined]


def test_prices_come_first_at_equal_times_and_actions_keep_file_order(write: Write) -> None:
    order = [_label(item) for item in timeline(load_scenario(write("t.yaml", TEXT)))]
    assert order == [
        "B@0000+A@0000",  # both 00:00 prices as one point, in file order (B before A) ...
        "deposit#0",  # ... then the 00:00 actions in file order
        "deposit#1",
        "B@0030",  # B's 00:30 point is listed after A's 01:00 one: time decides
        "A@0100",  # the 01:00 price applies before the 01:00 actions
        "settle#2",
        "deposit#3",
    ]


def test_the_timeline_is_the_same_every_time(write: Write) -> None:
    scenario = load_scenario(write("t.yaml", TEXT))
    assert list(timeline(scenario)) == list(timeline(scenario))
    assert load_scenario(write("t2.yaml", TEXT)) == scenario
