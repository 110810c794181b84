"""``copytrade orders place|list`` on a simulated database (docs/venues.md "Order terms",
"Trigger orders"): a stop order is recorded with its trigger and waits; a malformed one
exits 2 with its message and records nothing; a market order fills at the last mark."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import HOLDING, simulated_database


def _listed(run: CliRunner, database: str) -> list[dict[str, object]]:
    listed = run.invoke(app, ["orders", "list", "pro", "--database", database, "--json"])
    assert listed.exit_code == 0, listed.output
    orders: list[dict[str, object]] = json.loads(listed.stdout)["orders"]
    return orders


def test_place_a_stop_refuse_a_bad_one_and_list(tmp_path: Path) -> None:
    run, database = CliRunner(), simulated_database(tmp_path, HOLDING)
    before = len(_listed(run, database))
    place = ["orders", "place", "pro", "BTC/USDT:USDT", "sell", "0.5", "--database", database]
    for bad, words in [
        (["--trigger", "stop"], "a stop trigger needs a trigger price"),
        (["--trigger", "trailing_stop", "--trail-percent", "60"], "at most 50"),
        (["--trigger-price", "30000"], "--trigger-price and the trails need --trigger"),
        (["--post-only"], "post_only is for limit orders"),
        (["--trigger", "stop", "--trigger-price", "abc"], "must be a number"),
    ]:
        refused = run.invoke(app, [*place, *bad])
        assert refused.exit_code == 2, (bad, refused.output)
        assert words in refused.output, (bad, refused.output)
    assert len(_listed(run, database)) == before

    stop = run.invoke(
        app, [*place, "--trigger", "stop", "--trigger-price", "35000", "--time-in-force", "ioc",
              "--client-order-id", "sl", "--reduce-only", "--json"],
    )  # fmt: skip
    assert stop.exit_code == 0, stop.output
    [order] = json.loads(stop.stdout)["orders"]
    assert (order["status"], order["trigger_kind"], order["trigger_price"]) == (
        "accepted", "stop", "35000"
    )
    assert order["time_in_force"] == "ioc" and order["filled_qty"] == "0"
    assert order["trigger_status"] == "pending"
    text = run.invoke(app, ["orders", "list", "pro", "--database", database])
    assert "sl BTC/USDT:USDT sell 0.5 market  [stop at 35000 pending, IOC]  accepted" in text.output

    market = run.invoke(app, [*place, "--client-order-id", "now", "--json"])
    [filled] = json.loads(market.stdout)["orders"]
    assert (filled["status"], filled["avg_fill_price"]) == ("filled", "37000")


# The position the reduce-only stop protects is closed before the 02:00 mark of 37,000.
REFUSED = HOLDING + """
  - {at: 2024-05-01T01:10:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 1, reduce_only: true, trigger: stop, trigger_price: 38000, id: sl}
  - {at: 2024-05-01T01:20:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 1, reduce_only: true}
"""


def test_a_stop_fired_into_a_refusal_reads_triggered_and_rejected(tmp_path: Path) -> None:
    """docs/venues.md "Trigger orders": the position the reduce-only stop protected was
    closed at 01:20, so the 37,000 mark fires it into a refusal; the record ends there."""
    run, database = CliRunner(), simulated_database(tmp_path, REFUSED)
    [stop] = [o for o in _listed(run, database) if o["trigger_kind"] == "stop"]
    assert (stop["status"], stop["trigger_status"]) == ("rejected", "triggered")
    assert (stop["reason"], stop["filled_qty"]) == ("reduce_only_would_increase", "0")
    text = run.invoke(app, ["orders", "list", "pro", "--database", database]).output
    assert "[stop at 38000 triggered]  rejected (reduce_only_would_increase)  filled 0" in text
