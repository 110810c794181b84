"""Every example scenario, run by ``copytrade simulate``, against hand computations.

The hand computation of each number is in the example's header comment;
the comments here only point at it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import EXAMPLES, Result, example_db

Simulate = Callable[[str], Result]
ALL_EXAMPLES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


def decisions(result: Result, at: str | None = None) -> list[tuple[str, str, str, Any, str]]:
    """(follower, leg, action, reason, qty) of the decisions at a time ("HH:MM"), sorted."""
    rows = [d for d in result["decisions"] if at is None or d["at"][11:16] == at]
    return sorted((d["follower"], d["leg"], d["action"], d["reason"], d["qty"]) for d in rows)


def relationship(result: Result, rel_id: str) -> Result:
    return next(r for r in result["relationships"] if r["id"] == rel_id)


def cash(result: Result, owner: str, kind: str = "allocation_cash") -> str:
    return str(result["balances"][owner][kind]["USDT"])


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_example_balances_and_runs_clean(
    simulate: Simulate, examples_folder: Path, name: str
) -> None:
    result = simulate(name)
    assert set(result["ledger_sum"].values()) == {"0"}
    assert result["orders"] and result["decisions"]
    assert all(o["status"] == "filled" for o in result["orders"])
    # The ledger and the venue agree on every book afterwards (`copytrade reconcile`).
    database = example_db(examples_folder, name)
    done = CliRunner().invoke(app, ["reconcile", "--database", str(database), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["differences"] == [] and report["ok"] is True
    assert report["books"] > len(result["relationships"])  # and the providers' books


def test_proportional_and_multiplier_copy_then_settle(simulate: Simulate) -> None:
    result = simulate("proportional_basic")
    # usage 40 %: alice 10,000 × 40 % = 4,000 → 0.1; bob 5,000 × 40 % × 2 = 4,000 → 0.1.
    assert decisions(result, "00:30") == [
        ("alice", "open", "placed", None, "0.1"),
        ("bob", "open", "placed", None, "0.1"),
    ]
    assert decisions(result, "03:00") == [
        ("alice", "close", "placed", None, "0.1"),
        ("bob", "close", "placed", None, "0.1"),
    ]
    # Closed at 42,000: +200 each. Share 10 % of 200 = 20; platform 2 % of it = 0.4.
    settled = {s["follower"]: s for s in result["settlements"]}
    assert {k: settled["alice"][k] for k in ("equity", "hwm_before", "gross")} == {
        "equity": "10200",
        "hwm_before": "10000",
        "gross": "20",
    }
    assert (settled["bob"]["equity"], settled["bob"]["hwm_after"]) == ("5200", "5180")
    assert (settled["bob"]["provider_credit"], settled["bob"]["platform_fee"]) == ("19.6", "0.4")
    assert cash(result, "pro", "provider_earnings") == "39.2"
    assert cash(result, "platform", "platform_revenue") == "0.8"
    assert relationship(result, "alice:pro")["hwm"] == "10180"
    stats = result["stats"]["pro"]
    # 100,000 → 102,000: +2 %; one winning trade of 2,000 on 40,000 cost (5 %).
    assert (stats["roi_all"], stats["total_pnl"], stats["win_rate"]) == ("2", "2000", "100")
    assert stats["max_loss_single_trade"] == "5"
    assert (stats["active_followers"], stats["aum"], stats["copier_pnl"]) == (2, "15360", "360")
    assert stats["periods"]["7d"]["roi"] == "2"


def test_fixed_amount_partial_close_pause_top_up_withdraw_stop(simulate: Simulate) -> None:
    result = simulate("fixed_amount_partial")
    # 500 / 2,000 = 0.25 ETH each; the provider sells half: each sells 0.125,
    # dave while paused (closes are mirrored while paused).
    assert decisions(result) == [
        ("carol", "close", "placed", None, "0.125"),
        ("carol", "open", "placed", None, "0.25"),
        ("dave", "close", "placed", None, "0.125"),
        ("dave", "open", "placed", None, "0.25"),
    ]
    by_period = {(s["follower"], s["period"]): s for s in result["settlements"]}
    # dave: cash 1,000 − 500.5 + 274.725 = 774.225, + 0.125 × 2,300 = 1,061.725;
    # gross 20 % × 61.725 = 12.345, platform 2 % = 0.2469.
    dave = by_period[("dave", "2024-03-05T00:00:00+00:00")]
    assert (dave["equity"], dave["gross"], dave["platform_fee"]) == ("1061.725", "12.345", "0.2469")
    # The stop sells 0.125 at 2,300 less 0.2875 fee: 1,049.0925, below the HWM 1,049.38.
    stop = by_period[("dave", "stop:follower")]
    assert (stop["equity"], stop["hwm_before"], stop["gross"]) == ("1049.0925", "1049.38", "0")
    assert cash(result, "dave", "follower_free") == "2049.0925"
    # carol: HWM 2,000 + 500 top-up, × (1 − 200 / 2,542.975) at the withdrawal.
    carol = by_period[("carol", "2024-03-05T00:00:00+00:00")]
    assert (carol["hwm_before"], carol["equity"], carol["gross"]) == (
        "2303.37989953",
        "2361.725",
        "11.66902009",
    )
    assert cash(result, "carol", "follower_free") == "1700"  # 3,000 − 2,500 + 1,000 + 200
    assert relationship(result, "carol:eth-trader")["net_allocated"] == "2300"
    assert (relationship(result, "dave:eth-trader")["status"], cash(result, "dave:eth-trader")) == (
        "stopped",
        "0",
    )
    assert cash(result, "eth-trader", "provider_earnings") == "23.53373969"


def test_gate_gives_each_follower_its_reason(simulate: Simulate) -> None:
    result = simulate("gate_skips")
    assert decisions(result, "01:00") == [
        ("bea", "open", "skipped", "below_minimum", "0"),
        ("carl", "open", "capped", "max_per_trade", "0.5"),
        ("fred", "open", "placed", None, "0.25"),
        ("ivy", "open", "placed", None, "0.45"),
        ("otto", "open", "placed", None, "1"),
        ("paula", "open", "skipped", "not_active", "0"),
        ("wendy", "open", "skipped", "symbol_not_allowed", "0"),
    ]
    assert decisions(result, "02:00") == [
        ("bea", "open", "skipped", "below_minimum", "0"),
        ("carl", "open", "capped", "max_per_trade", "0.025"),
        ("fred", "open", "placed", None, "0.012"),
        ("ivy", "open", "skipped", "insufficient_balance", "0"),
        ("otto", "open", "skipped", "max_open_trades", "0"),
        ("paula", "open", "placed", None, "0.05"),
        ("wendy", "open", "placed", None, "0.05"),
    ]
    full_close = decisions(result, "03:00")
    assert [d for d in full_close if d[2] == "placed"] == [
        ("carl", "close", "placed", None, "0.5"),
        ("fred", "close", "placed", None, "0.25"),
        ("ivy", "close", "placed", None, "0.45"),
        ("otto", "close", "placed", None, "1"),
    ]
    assert {d[0] for d in full_close if d[3] == "no_position"} == {"bea", "paula", "wendy"}
    half_close = [d for d in decisions(result, "04:00") if d[2] == "placed"]
    assert half_close == [
        ("carl", "close", "placed", None, "0.012"),
        ("fred", "close", "placed", None, "0.006"),
        ("paula", "close", "placed", None, "0.025"),
        ("wendy", "close", "placed", None, "0.025"),
    ]
    left = {(p["book"], p["qty"]) for p in result["positions"]}
    assert left == {
        ("pro", "0.25"),
        ("carl:pro", "0.013"),
        ("fred:pro", "0.006"),
        ("paula:pro", "0.025"),
        ("wendy:pro", "0.025"),
    }


def test_gapped_limit_fill_is_skipped_for_slippage(simulate: Simulate) -> None:
    result = simulate("slippage_limit")
    assert decisions(result, "01:00") == [
        ("sam", "open", "skipped", "slippage", "0"),
        ("tess", "open", "placed", None, "0.101"),
    ]
    provider = next(o for o in result["orders"] if o["id"] == "pro-limit")
    assert (provider["type"], provider["price"], provider["at"]) == (
        "limit",
        "39600",
        "2024-04-01T00:30:00+00:00",
    )
    copy = next(o for o in result["orders"] if o["copy_of"] == "pro-limit")
    assert (copy["account"], copy["qty"], copy["price"]) == ("tess", "0.101", "39000")
    assert decisions(result, "02:00") == [
        ("sam", "close", "skipped", "no_position", "0"),
        ("tess", "close", "placed", None, "0.101"),
    ]
    assert cash(result, "tess:pro") == "10101"
    assert cash(result, "pro", "follower_free") == "100400"


def test_manual_close_detaches_until_the_provider_is_flat(simulate: Simulate) -> None:
    result = simulate("manual_close_detached")
    manual = [o for o in result["orders"] if o["account"] == "mia" and o["side"] == "sell"]
    assert [(o["qty"], o["price"], o["copy_of"]) for o in manual] == [("0.1", "41000", None)]
    for at in ("03:00", "04:00"):
        assert decisions(result, at) == [
            ("mia", "close", "skipped", "detached", "0"),
            ("noah", "close", "skipped", "no_position", "0"),
        ]
    assert decisions(result, "05:00") == [
        ("mia", "open", "placed", None, "0.099"),
        ("noah", "open", "placed", None, "0.098"),
    ]
    assert [(e["event"], e["type"]) for e in result["errors"]] == [(6, "withdraw")]
    assert "exceeds the 10000 USDT" in result["errors"][0]["message"]
    # The refused withdrawal changed nothing: 10,000 − 0.098 × 42,000 margin.
    assert relationship(result, "noah:pro")["net_allocated"] == "10000"
    assert cash(result, "noah:pro") == "5884"


def test_flip_and_max_loss_stop(simulate: Simulate) -> None:
    result = simulate("flip_max_loss")
    assert decisions(result, "01:00") == [
        ("fay", "open", "placed", None, "0.102"),
        ("max", "open", "placed", None, "0.102"),
    ]
    assert decisions(result, "03:00") == [
        ("fay", "close", "placed", None, "0.102"),
        ("fay", "open", "placed", None, "0.204"),
        ("max", "close", "placed", None, "0.102"),
        ("max", "open", "placed", None, "0.204"),
    ]
    shorts = {(o["account"], o["leverage"]) for o in result["orders"] if o["qty"] == "0.204"}
    assert ("max", "10") in shorts and ("fay", "5") in shorts
    stopped = relationship(result, "max:pro")
    assert (stopped["status"], stopped["reason"]) == ("stopped", "max_loss")
    assert [(s["period"], s["equity"], s["gross"]) for s in result["settlements"]] == [
        ("stop:max_loss", "8572", "0")
    ]
    assert cash(result, "max", "follower_free") == "10572"
    assert [(e["event"], e["type"]) for e in result["errors"]] == [(4, "pause"), (5, "top_up")]
    # A stopped relationship no longer follows: no decision at all for max.
    assert decisions(result, "06:00") == [("fay", "close", "placed", None, "0.204")]
    assert cash(result, "fay:pro") == "8572"
    assert cash(result, "pro", "follower_free") == "84000"
    stats = result["stats"]["pro"]
    # 98,000 → 84,000: −14.2857 %; trades +2,000 and −16,000; copiers −1,428 each.
    assert (stats["roi_all"], stats["total_pnl"], stats["win_rate"]) == ("-14.2857", "-14000", "50")
    assert (stats["active_followers"], stats["aum"], stats["copier_pnl"]) == (1, "8572", "-2856")


def test_result_keys_are_the_documented_ones(simulate: Simulate) -> None:
    """docs/scenarios.md lists these keys; a change here must change the docs too."""
    result = simulate("fixed_amount_partial")
    assert set(result) == {
        "scenario", "prices", "orders", "decisions", "positions", "balances", "relationships",
        "settlements", "stats", "equity_series", "ledger_sum", "errors",
    }  # fmt: skip
    assert set(result["orders"][0]) == {
        "id", "account", "book", "symbol", "side", "type", "qty", "filled_qty", "price",
        "limit_price", "fees", "leverage", "reduce_only", "status", "reason", "relationship",
        "provider", "copy_of", "copy_of_fill", "at",
    }  # fmt: skip
    assert set(result["settlements"][0]) == {
        "relationship", "period", "follower", "provider", "equity", "hwm_before", "hwm_after",
        "gross", "debit", "provider_credit", "platform_fee", "owed_before", "owed", "at",
    }  # fmt: skip
    assert set(result["relationships"][0]) == {
        "id", "follower", "provider", "mode", "status", "reason", "hwm", "owed",
        "net_allocated", "cash", "equity", "open_positions",
    }  # fmt: skip
    stats = result["stats"]["eth-trader"]
    spec_keys = {"total_trades", "win_rate", "total_pnl", "max_loss_single_trade",
                 "profit_factor", "avg_holding_time", "roi_7d", "roi_30d", "roi_90d", "roi_all",
                 "max_drawdown", "sharpe", "sortino", "active_followers", "aum", "copier_pnl",
                 "risk_level", "strategy", "periods"}  # fmt: skip
    assert spec_keys <= set(stats)
    assert set(stats["periods"]) == {"7d", "30d", "90d", "all"}


def test_a_take_profit_a_settings_edit_and_a_copy_stop_loss(simulate: Simulate) -> None:
    result = simulate("protections_edit")  # the hand computation: the example's header
    assert decisions(result, "03:00") == [("ada", "close", "placed", "take_profit", "0.1")]
    # After ben's edit (multiplier 0.5) the next copy is half the proportional size.
    assert decisions(result, "04:00") == [("ben", "open", "placed", None, "0.05")]
    assert decisions(result, "05:00") == []  # 5,850 > 5,795: not yet
    assert decisions(result, "06:00") == [("ben", "close", "placed", "copy_stop_loss", "0.15")]
    assert decisions(result, "07:00") == [("ben", "close", "skipped", "no_position", "0")]
    ada, ben = relationship(result, "ada:pro"), relationship(result, "ben:pro")
    assert (ada["status"], ada["reason"], ada["hwm"], ada["net_allocated"]) == (
        "stopped", "take_profit", "10180", "-180"
    )
    assert (ben["status"], ben["mode"], ben["cash"]) == ("active", "multiplier", "9690")
    assert cash(result, "ben:pro") == "9690"


def test_a_provider_stop_loss_mirrored_moved_and_fired(simulate: Simulate) -> None:
    result = simulate("provider_sl_mirrored")  # the hand computation: the example's header
    # cy's own stop (39,200) fires before the provider's (38,000 then).
    assert decisions(result, "02:00") == [("cy", "close", "placed", "copy_stop_loss", "0.1")]
    # The moved stop (38,500) is reached: every copy still open closes with the provider's
    # reason, then the provider's own close finds nothing left to mirror.
    assert decisions(result, "03:00") == [
        ("ada", "close", "placed", "provider_stop_loss", "0.1"),
        ("ada", "close", "skipped", "no_position", "0"),
        ("ben", "close", "placed", "provider_stop_loss", "0.1"),
        ("ben", "close", "skipped", "no_position", "0"),
        ("cy", "close", "skipped", "no_position", "0"),
    ]
    closing = [o for o in result["orders"] if o["book"] == "pro" and o["reduce_only"]]
    assert [(o["id"].split("-")[0], o["side"], o["qty"], o["price"]) for o in closing] == [
        ("pro:provider_stop_loss", "sell", "1", "38500")
    ]
    assert decisions(result, "04:00") == []
    assert [(e["type"], e["message"]) for e in result["errors"]] == [
        ("tp_sl", "you have no open position in 'BTC/USDT:USDT'")
    ]
    assert (cash(result, "ada:pro"), cash(result, "ben:pro"), cash(result, "cy:pro")) == (
        "9850", "9850", "9900"
    )
    assert cash(result, "pro", "follower_free") == "98500"
