"""The trigger-order and depth examples, by ``copytrade simulate``, against the hand
computations in their header comments (examples/scenarios/stop_orders.yaml,
depth_fixed_amount.yaml); and the other order terms (take-profit, trailing stop,
stop-limit, post-only, IOC, FOK) on an inline scenario, seen by the CLI too."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import Result, simulate_text

Simulate = Callable[[str], Result]


def order(result: Result, order_id: str) -> Result:
    return next(o for o in result["orders"] if o["id"] == order_id)


def test_a_stop_loss_and_a_buy_stop_trigger_on_the_mark_and_are_copied(
    simulate: Simulate,
) -> None:
    result = simulate("stop_orders")
    stop = order(result, "pro-sl")  # placed 01:00, triggered by the 03:00 mark 37900
    assert (stop["status"], stop["price"], stop["filled_qty"]) == ("filled", "37900", "1")
    entry = order(result, "pro-entry")  # placed 04:00, triggered by the 05:00 mark 39500
    assert (entry["status"], entry["price"]) == ("filled", "39500")
    copies = sorted((d["at"][11:16], d["leg"], d["qty"], d["price"]) for d in result["decisions"])
    assert copies == [
        ("00:30", "open", "0.1", "40000"),
        ("03:00", "close", "0.1", "37900"),  # the stop's fill, mirrored
        ("05:00", "open", "0.05", "39500"),  # 9790 × 19750 / 97900 = 1975
        ("06:00", "close", "0.05", "40000"),
    ]
    assert result["balances"]["alice:pro"]["allocation_cash"]["USDT"] == "9815"
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "98150"
    assert set(result["ledger_sum"].values()) == {"0"}


def test_fixed_amount_spreads_over_the_parts_of_orders_filled_through_depth(
    simulate: Simulate,
) -> None:
    result = simulate("depth_fixed_amount")
    market = order(result, "pro-market")  # 1 @ 2000, 1 @ 2001, 0.5 @ 2002
    assert (market["status"], market["price"]) == ("filled", "2000.8")
    opens = [
        (d["at"][11:16], d["notional"], d["qty"])
        for d in sorted(result["decisions"], key=lambda d: (d["at"], d["provider_fill"]))
        if d["leg"] == "open"
    ]
    assert opens == [
        ("01:00", "120", "0.06"),
        ("01:00", "120", "0.06"),
        ("01:00", "60", "0.03"),  # 120 + 120 + 60 = the fixed 300
        ("03:00", "248.75", "0.125"),  # 300 × 5/6 = 250 at 1990, lot-rounded
        ("04:00", "49.85", "0.025"),  # 300 × 1/6 = 50 at 1994
    ]
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "100099"
    # The book depletes within a moment (docs/venues.md "Depth"): carol's copies meet what
    # pro's orders left, her buys at 2002 (level 2), her sells at 2006 (level 4).
    carol = {(o["side"], o["price"]) for o in result["orders"] if o["book"] == "carol:pro"}
    assert carol == {("buy", "2002"), ("buy", "1990"), ("buy", "1994"), ("sell", "2006")}
    assert result["balances"]["carol:pro"]["allocation_cash"]["USDT"] == "3002.9"
    assert result["positions"] == []
    assert set(result["ledger_sum"].values()) == {"0"}


TERMS = """
name: order_terms_end_to_end
start: 2024-06-03T00:00:00Z
instruments:
  - {symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, min_qty: 0.001,
     min_notional: 5, max_leverage: 20}
prices:
  - {at: 2024-06-03T00:00:00Z, symbol: BTC/USDT:USDT, price: 40000}
  - {at: 2024-06-03T01:00:00Z, symbol: BTC/USDT:USDT, price: 42500}
  - {at: 2024-06-03T02:00:00Z, symbol: BTC/USDT:USDT, price: 41400}
  - {at: 2024-06-03T04:00:00Z, symbol: BTC/USDT:USDT, price: 41700}
  - {at: 2024-06-03T05:00:00Z, symbol: BTC/USDT:USDT, price: 41500}
providers:
  - {id: pro, deposit: 100000}
followers:
  - {id: fay, deposit: 10000}
events:
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: fay, provider: pro, allocation: 10000,
     settings: {mode: proportional}}
  - {at: 2024-06-03T00:10:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 1}
  - {at: 2024-06-03T00:20:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 0.5, reduce_only: true, trigger: take_profit, trigger_price: 42000, id: tp}
  - {at: 2024-06-03T00:30:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 0.5, reduce_only: true, trigger: trailing_stop, trail_distance: 1000, id: trail}
  - {at: 2024-06-03T00:40:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 0.1, order_type: limit, price: 40100, post_only: true, id: po}
  - {at: 2024-06-03T00:50:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 0.1, order_type: limit, price: 39000, time_in_force: ioc, id: ioc}
  - {at: 2024-06-03T00:55:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 0.1, order_type: limit, price: 39000, time_in_force: fok, id: fok}
  - {at: 2024-06-03T03:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 0.2, order_type: limit, price: 41500, trigger: stop, trigger_price: 41600, id: sl-buy}
"""


def test_take_profit_trailing_stop_limit_post_only_ioc_and_fok_end_to_end(tmp_path: Path) -> None:
    """docs/venues.md "Trigger orders", "Order terms", through simulate and the CLI.

    pro buys 1 at 40,000 (fay copies 10,000 × 40 % = 4,000: 0.1). The take-profit (sell
    at mark ≥ 42,000) fires at 42,500: +0.5 × 2,500 = 1,250. The trailing stop trails the
    best mark, 42,500 from 01:00, by 1,000: 41,400 ≤ 41,500 fires it: +0.5 × 1,400 = 700;
    pro's cash 101,950. fay closes half each time: +125, +70 → 10,195. The post-only buy
    at 40,100 would take (mark 40,000): rejected; the IOC buy at 39,000 finds nothing:
    cancelled, and so is the FOK buy at 39,000 (it cannot fill whole at once). The buy
    stop-limit (41,600, limit 41,500) triggers at 41,700, rests, and fills as maker at
    41,500 at 05:00: pro 101,950 − 8,300 = 93,650; fay copies 8,300 / 101,950 of 10,195
    = 830: 0.02, cash 9,365.
    """
    result, database = simulate_text(tmp_path, TERMS)
    run = CliRunner()
    got = {
        o["id"]: (o["status"], o["filled_qty"], o["price"], o["reason"])
        for o in result["orders"] if o["book"] == "pro"
    }  # fmt: skip
    assert got["tp"] == ("filled", "0.5", "42500", None)
    assert got["trail"] == ("filled", "0.5", "41400", None)
    assert got["po"][:1] + got["po"][3:] == ("rejected", "post_only_would_take")
    assert got["ioc"][:2] == ("cancelled", "0")
    assert got["fok"][:2] == ("cancelled", "0")
    assert got["sl-buy"] == ("filled", "0.2", "41500", None)
    assert [e["event"] for e in result["errors"]] == [4]  # the post-only refusal, listed
    copies = sorted((d["at"][11:16], d["leg"], d["qty"]) for d in result["decisions"])
    assert copies == [
        ("00:10", "open", "0.1"), ("01:00", "close", "0.05"), ("02:00", "close", "0.05"),
        ("05:00", "open", "0.02"),
    ]  # fmt: skip
    assert result["balances"]["fay:pro"]["allocation_cash"]["USDT"] == "9365"
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "93650"
    assert set(result["ledger_sum"].values()) == {"0"}
    listed = run.invoke(app, ["orders", "list", "pro", "--database", str(database), "--json"])
    triggers = {
        o["client_order_id"]: (o["trigger_kind"], o["trigger_status"])
        for o in json.loads(listed.stdout)["orders"] if o["trigger_kind"]
    }  # fmt: skip
    assert triggers == {
        "tp": ("take_profit", "triggered"), "trail": ("trailing_stop", "triggered"),
        "sl-buy": ("stop", "triggered"),
    }  # fmt: skip
    reconciled = run.invoke(app, ["reconcile", "--database", str(database), "--json"])
    assert reconciled.exit_code == 0 and json.loads(reconciled.stdout)["ok"] is True
