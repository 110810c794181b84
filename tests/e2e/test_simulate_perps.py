"""The perpetuals examples against their hand computations (docs/domain.md "Margin",
"Liquidation", "Funding"); the numbers are worked out in each example's header."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import Result, example_db

Simulate = Callable[[str], Result]


def _cash(result: Result, owner: str, kind: str = "allocation_cash") -> str:
    return str(result["balances"][owner][kind]["USDT"])


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
        (d["follower"], d["action"], d["reason"]) for d in result["decisions"]
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
