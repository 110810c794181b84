"""The trigger-order and depth examples, by ``copytrade simulate``, against the hand
computations in their header comments (examples/scenarios/stop_orders.yaml,
depth_fixed_amount.yaml)."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Result

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
