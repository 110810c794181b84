"""A fan-out split over shards gives, byte for byte, the result of one (docs/engine.md "Shards")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copytrade.adapters.jsonable import dump_result
from copytrade.engine.shards import Shard, all_shards, shard_of
from copytrade.simulation.runner import run_scenario
from copytrade.simulation.scenario import load_scenario, scenario_from_data

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"
BTC = "BTC/USDT:USDT"
SETTINGS: list[dict[str, Any]] = [
    {"mode": "proportional"},
    {"mode": "proportional", "max_loss_pct": "8", "leverage": "10"},
    {"mode": "fixed_amount", "fixed_amount": "300"},
    {"mode": "multiplier", "multiplier": "2", "max_per_trade_pct": "20"},
    {"mode": "proportional", "max_open_trades": 1},
]


def _at(hour: int) -> str:
    return f"2024-06-03T{hour:02d}:00:00Z"


def _crowd() -> dict[str, Any]:
    """Two providers and 30 followers of varied settings: opens, a flip that stops the
    tight max-loss followers, a top-up, a pause, and closes; commission on."""
    followers = [f"f{n:02d}" for n in range(30)]
    follows = [
        {
            "at": _at(0),
            "type": "follow",
            "follower": follower,
            "provider": "pro" if n % 3 else "ace",
            "allocation": str(1000 + 100 * n),
            "settings": SETTINGS[n % len(SETTINGS)],
        }
        for n, follower in enumerate(followers)
    ]
    orders = [
        {
            "at": _at(1),
            "type": "order",
            "provider": "pro",
            "symbol": BTC,
            "side": "buy",
            "qty": "1",
            "leverage": "5",
        },
        {
            "at": _at(1),
            "type": "order",
            "provider": "ace",
            "symbol": BTC,
            "side": "sell",
            "qty": "0.5",
            "leverage": "3",
        },
        {
            "at": _at(3),
            "type": "order",
            "provider": "pro",
            "symbol": BTC,
            "side": "sell",
            "qty": "3",
            "leverage": "5",
        },
        {"at": _at(5), "type": "top_up", "follower": "f04", "provider": "pro", "amount": "200"},
        {"at": _at(5), "type": "pause", "follower": "f02", "provider": "pro"},
        {
            "at": _at(6),
            "type": "order",
            "provider": "pro",
            "symbol": BTC,
            "side": "buy",
            "qty": "2",
            "leverage": "5",
            "reduce_only": True,
        },
        {
            "at": _at(6),
            "type": "order",
            "provider": "ace",
            "symbol": BTC,
            "side": "buy",
            "qty": "0.5",
            "leverage": "3",
            "reduce_only": True,
        },
    ]
    return {
        "name": "crowd",
        "start": _at(0),
        "commission_pct": "0.1",
        "instruments": [
            {
                "symbol": BTC,
                "kind": "perp",
                "tick": "0.1",
                "lot_step": "0.001",
                "min_qty": "0.001",
                "min_notional": "5",
                "max_leverage": "20",
            }
        ],
        "prices": [
            {"at": _at(0), "symbol": BTC, "price": "40000"},
            {"at": _at(2), "symbol": BTC, "price": "42000"},
            {"at": _at(4), "symbol": BTC, "price": "47000"},
        ],
        "providers": [{"id": "pro", "deposit": "98000"}, {"id": "ace", "deposit": "50000"}],
        "followers": [{"id": f, "deposit": "5000"} for f in followers],
        "events": follows + orders,
    }


def test_the_crowd_spreads_over_every_shard_and_stops_some() -> None:
    result = run_scenario(scenario_from_data(_crowd()))
    rels = [r["id"] for r in result["relationships"]]
    assert {shard_of(r, 4) for r in rels} == {0, 1, 2, 3}
    assert any(r["reason"] == "max_loss" for r in result["relationships"])
    assert {d["action"] for d in result["decisions"]} >= {"placed", "capped"}
    assert result["errors"] == []


@pytest.mark.parametrize("shards", [2, 4])
def test_a_sharded_run_gives_the_same_bytes_as_one_worker(shards: int) -> None:
    one = dump_result(run_scenario(scenario_from_data(_crowd())))
    assert dump_result(run_scenario(scenario_from_data(_crowd()), shards=shards)) == one


# A depleting depth model is shared by every shard's copies: which follower meets which
# level depends on the order the shards place them (docs/engine.md "Shards").
SHARED_DEPTH = {"thin_book_many_followers"}


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in EXAMPLES.glob("*.yaml") if p.stem not in SHARED_DEPTH)
)
def test_every_example_gives_the_same_bytes_on_four_shards(name: str) -> None:
    scenario = load_scenario(EXAMPLES / f"{name}.yaml")
    assert dump_result(run_scenario(scenario, shards=4)) == dump_result(run_scenario(scenario))


@pytest.mark.parametrize("name", sorted(SHARED_DEPTH))
def test_on_a_shared_depth_shards_fill_the_same_levels_and_lose_nothing(name: str) -> None:
    scenario = load_scenario(EXAMPLES / f"{name}.yaml")
    one, four = (json.loads(dump_result(run_scenario(scenario, shards=n))) for n in (1, 4))

    def fills(result: dict[str, Any]) -> list[tuple[str, str, str]]:
        return sorted((o["side"], o["qty"], o["price"]) for o in result["orders"])

    assert fills(four) == fills(one)  # the same levels taken, by other followers maybe
    assert four["balances"]["pro"] == one["balances"]["pro"]
    assert set(four["ledger_sum"].values()) == {"0"}


def test_each_relationship_is_in_exactly_one_shard() -> None:
    ids = [f"f{n}:pro" for n in range(200)]
    for count in (1, 3, 4):
        owners = [[s.index for s in all_shards(count) if s.owns(i)] for i in ids]
        assert all(len(o) == 1 for o in owners)
        assert {o[0] for o in owners} == set(range(count))


def test_one_shard_keeps_the_plain_consumer_name_and_shards_have_their_own() -> None:
    assert Shard().consumer == "copy-fanout"
    assert [s.consumer for s in all_shards(2)] == ["copy-fanout:0/2", "copy-fanout:1/2"]


@pytest.mark.parametrize("index, count", [(0, 0), (4, 4), (-1, 2)])
def test_a_shard_outside_its_count_is_refused(index: int, count: int) -> None:
    with pytest.raises(ValueError, match="shard"):
        Shard(index, count)
