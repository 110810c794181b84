"""The perpetuals examples against their hand computations (docs/domain.md "Margin",
"Liquidation", "Funding"); the numbers are worked out in each example's header."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import Result, example_db, simulate_text

Simulate = Callable[[str], Result]


def _cash(result: Result, owner: str, kind: str = "allocation_cash") -> str:
    return str(result["balances"][owner][kind]["USDT"])


def _simulated(folder: Path, text: str) -> Result:
    return simulate_text(folder, text)[0]


def _reconciles(folder: Path, name: str) -> bool:
    database = example_db(folder, name)
    done = CliRunner().invoke(app, ["reconcile", "--database", str(database), "--json"])
    return done.exit_code == 0 and json.loads(done.stdout)["ok"] is True


def test_an_isolated_copy_is_liquidated_while_the_provider_survives(
    simulate: Simulate, examples_folder: Path
) -> None:
    result = simulate("liquidation_isolated")
    # 03:00 at 36,100 only fay's isolated copy is at its maintenance margin.
    assert result["liquidations"] == [
        {
            "at": "2024-06-03T03:00:00+00:00",
            "book": "fay:pro",
            "account": "fay",
            "symbol": "BTC/USDT:USDT",
            "side": "sell",
            "qty": "0.1",
            "price": "36100",
            "fee": "10",  # 18.05 capped at the 10 the position had left
        }
    ]
    # The fee went to the insurance fund, not to the market or the fee desk.
    assert _cash(result, "paper", "insurance_fund") == "10"
    assert _cash(result, "fay:pro") == "9600"  # the 400 margin is all fay lost
    assert _cash(result, "cal:pro") == "9800"  # cross survived, closed with pro: −200
    assert _cash(result, "pro", "follower_free") == "98000"
    # pro's later close: fay's copy is skipped `liquidated`, cal's placed.
    closes = sorted(
        (d["follower"], d["action"], d["reason"])
        for d in result["decisions"]
        if d["leg"] == "close"
    )
    assert closes == [("cal", "placed", None), ("fay", "skipped", "liquidated")]
    assert set(result["ledger_sum"].values()) == {"0"}
    assert _reconciles(examples_folder, "liquidation_isolated")


def test_funding_is_paid_and_received_and_counts_in_the_pnl(
    simulate: Simulate, examples_folder: Path
) -> None:
    result = simulate("funding_paid_received")
    by_book: dict[str, list[str]] = {}
    for row in result["funding"]:
        by_book.setdefault(row["book"], []).append(row["amount"])
    assert by_book == {
        "pro": ["-4.2", "8.4"],
        "fay:pro": ["-0.42", "0.84"],
        "bea": ["4.2", "-8.4"],
        "sam:bea": ["0.42", "-0.84"],
    }
    assert _cash(result, "pro", "follower_free") == "102004.2"
    assert _cash(result, "fay:pro") == "10200.42"
    assert _cash(result, "bea", "follower_free") == "97995.8"
    assert _cash(result, "sam:bea") == "9799.58"
    # Funding is realized PnL: the closed trade's PnL includes it.
    assert result["stats"]["pro"]["total_pnl"] == "2004.2"
    assert result["stats"]["bea"]["total_pnl"] == "-2004.2"
    assert result["liquidations"] == []
    assert set(result["ledger_sum"].values()) == {"0"}
    assert _reconciles(examples_folder, "funding_paid_received")


def test_funding_from_a_price_csv_is_paid_and_positions_show_their_triggers(
    simulate: Simulate, examples_folder: Path
) -> None:
    result = simulate("funding_from_csv")
    paid = [(r["at"][11:16], r["book"], r["amount"]) for r in result["funding"]]
    assert sorted(paid) == sorted(
        [
            ("08:00", "pro", "-4.2"),
            ("08:00", "fay:pro", "-0.42"),
            ("08:00", "bea", "4.2"),
            ("08:00", "sam:bea", "0.42"),
            ("16:00", "pro", "8.4"),
            ("16:00", "fay:pro", "0.84"),
            ("16:00", "bea", "-8.4"),
            ("16:00", "sam:bea", "-0.84"),
        ]
    )
    assert _cash(result, "bea", "follower_free") == "96995.8"
    assert _cash(result, "sam:bea") == "9699.58"
    assert _cash(result, "pro", "follower_free") == "92004.2"
    assert _cash(result, "fay:pro") == "9200.42"
    assert result["stats"]["bea"]["total_pnl"] == "-3004.2"
    triggers = {
        p["book"]: (p["stop_loss"], p["take_profit"], p["own_stop_loss"], p["own_take_profit"])
        for p in result["positions"]
    }
    assert triggers == {
        "pro": ("41000", "50000", None, None),
        "fay:pro": ("41000", "50000", "36000", None),
    }
    assert set(result["ledger_sum"].values()) == {"0"}
    assert _reconciles(examples_folder, "funding_from_csv")


PROVIDER_LIQUIDATED = """
name: provider_liquidated
start: 2024-06-03T00:00:00Z
instruments:
  - {symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, min_qty: 0.001,
     min_notional: 5, max_leverage: 20, maintenance_margin_rate: 0.005}
prices:
  - {at: 2024-06-03T00:00:00Z, symbol: BTC/USDT:USDT, price: 40000}
  - {at: 2024-06-03T02:00:00Z, symbol: BTC/USDT:USDT, price: 36000}
providers:
  - {id: pro, deposit: 100000}
followers:
  - {id: fay, deposit: 10000}
events:
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: fay, provider: pro, allocation: 10000,
     settings: {mode: proportional, leverage: 2, max_loss_pct: 100}}
  - {at: 2024-06-03T01:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 1, leverage: 10}
"""


def test_a_provider_liquidated_is_a_close_its_copies_mirror(tmp_path: Path) -> None:
    # pro: 1 BTC at 40,000, leverage 10 (margin 4,000): liquidated at 36,000 (equity 0).
    # fay copies 0.1 at her own leverage 2 (margin 2,000): far from her liquidation
    # price, so the venue leaves her copy; the provider's liquidation is a provider
    # close, and her copy mirrors it at market: 0.1 × (36,000 − 40,000) = −400.
    result = _simulated(tmp_path, PROVIDER_LIQUIDATED)
    assert [(r["book"], r["price"]) for r in result["liquidations"]] == [("pro", "36000")]
    closes = [(d["follower"], d["action"]) for d in result["decisions"] if d["leg"] == "close"]
    assert closes == [("fay", "placed")]
    assert _cash(result, "fay:pro") == "9600"
    assert _cash(result, "pro", "follower_free") == "96000"  # the 4,000 margin lost
    assert set(result["ledger_sum"].values()) == {"0"}


# The same world on a tiered market, two BTC, and a mark just above the liquidation.
_TIERS = """
     margin_tiers: [{floor: 0, maintenance_rate: 0.004, max_leverage: 20},
                    {floor: 50000, maintenance_rate: 0.01, max_leverage: 10}]}"""
TIERED = (
    PROVIDER_LIQUIDATED.replace(" maintenance_margin_rate: 0.005}", _TIERS)
    .replace("price: 36000}", "price: 36250}\n  - {at: 2024-06-03T03:00:00Z, "
             "symbol: BTC/USDT:USDT, price: 36200}")
    .replace("qty: 1, leverage: 10", "qty: 2, leverage: 10")
)  # fmt: skip


def test_a_tiered_maintenance_margin_liquidates_on_its_own_tier(tmp_path: Path) -> None:
    # docs/domain.md "Margin", "Liquidation": pro 2 BTC at 40,000, leverage 10 (the
    # 80,000 notional's tier allows 10): IM 8,000. Tier 2 line: MM(N) = 1 % × N − 300
    # (d = (1 % − 0.4 %) × 50,000). At 36,250: IM + u = 8,000 − 7,500 = 500 > MM 425,
    # kept (a flat 0.4 % would put it as far as 36,144.6). At 36,200: 400 ≤ 424,
    # liquidated; the fee 0.5 % × 72,400 = 362 (≤ the 400 left) to the insurance fund;
    # cash back 8,000 − 7,600 − 362 = 38. Liquidation price (80,000 − 8,000 − 300) /
    # (2 × 0.99) = 36,212.12… → 36,212.2, between the two marks.
    # fay's copy: 0.2 BTC (80 % of her 10,000) at her leverage 2, tier 1, far from its
    # liquidation; it mirrors pro's liquidation as a close: 0.2 × (36,200 − 40,000) = −760.
    result = _simulated(tmp_path, TIERED)
    assert [(r["at"][11:16], r["book"], r["qty"], r["price"], r["fee"])
            for r in result["liquidations"]] == [("03:00", "pro", "2", "36200", "362")]  # fmt: skip
    assert _cash(result, "paper", "insurance_fund") == "362"
    assert _cash(result, "pro", "follower_free") == "92038"
    assert _cash(result, "fay:pro") == "9240"
    assert set(result["ledger_sum"].values()) == {"0"}
