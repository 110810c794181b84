"""Funds in orders end to end (docs/venues.md "Funds in orders"), by ``copytrade simulate``:
a provider's second resting order is refused for the funds its first keeps in orders."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import simulate_text

LOCKED = """
name: funds_in_orders
start: 2024-06-03T00:00:00Z
instruments:
  - {symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, min_qty: 0.001,
     min_notional: 5, max_leverage: 20}
prices:
  - {at: 2024-06-03T00:00:00Z, symbol: BTC/USDT:USDT, price: 40000}
  - {at: 2024-06-03T01:00:00Z, symbol: BTC/USDT:USDT, price: 38900}
  - {at: 2024-06-03T02:00:00Z, symbol: BTC/USDT:USDT, price: 40000}
providers:
  - {id: pro, deposit: 10000}
followers:
  - {id: fay, deposit: 1000}
events:
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: fay, provider: pro, allocation: 1000,
     settings: {mode: proportional}}
  - {at: 2024-06-03T00:10:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 1, leverage: 5, order_type: limit, price: 39000, id: first}
  - {at: 2024-06-03T00:20:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 1, leverage: 5, order_type: limit, price: 38000, id: second}
  - {at: 2024-06-03T02:30:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 1, reduce_only: true}
  - {at: 2024-06-03T03:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 0.1, leverage: 5, order_type: limit, price: 30000, id: late}
"""


def test_a_second_resting_order_is_refused_for_the_funds_the_first_keeps(
    tmp_path: Path,
) -> None:
    """pro (10,000, no fees) rests a buy of 1 at 39,000 at 5x: it keeps 7,800 in orders,
    2,200 available. A second buy of 1 at 38,000 at 5x needs 7,600: refused
    ``insufficient_balance`` before it can rest (on an exchange the book could never
    promise 15,400 of its 10,000). The 01:00 mark 38,900 fills the first at its limit,
    releasing its hold into the position's margin; fay copies the fill; pro closes at
    40,000: +1,000. A last buy of 0.1 at 30,000 at 5x still rests at the end: 600 in
    orders, which ``copytrade positions list`` shows."""
    result, database = simulate_text(tmp_path, LOCKED)
    got = {
        o["id"]: (o["status"], o["filled_qty"], o["price"], o["reason"])
        for o in result["orders"]
        if o["book"] == "pro"
    }
    assert got["first"] == ("filled", "1", "39000", None)
    assert got["late"][0] == "accepted"
    assert got["second"][:2] == ("rejected", "0")
    assert got["second"][3] == "insufficient_balance"
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "11000"
    assert [d["leg"] for d in sorted(result["decisions"], key=lambda d: d["at"])] == [
        "open",
        "close",
    ]
    assert set(result["ledger_sum"].values()) == {"0"}
    run = CliRunner()
    reconciled = run.invoke(app, ["reconcile", "--database", str(database), "--json"])
    assert reconciled.exit_code == 0 and json.loads(reconciled.stdout)["ok"] is True
    listed = run.invoke(app, ["positions", "list", "pro", "--database", str(database), "--json"])
    assert json.loads(listed.stdout) == {"positions": [], "in_orders": {"USDT": "600"}}
    shown = run.invoke(app, ["positions", "list", "pro", "--database", str(database)])
    assert shown.stdout.splitlines()[0] == "in orders: 600 USDT"
