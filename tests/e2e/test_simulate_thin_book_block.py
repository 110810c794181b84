"""The thin book of thin_book_many_followers with block execution on, by ``copytrade
simulate``, against the hand computation in examples/scenarios/thin_book_block.yaml: the
provider and its ten followers get one price (docs/engine.md "Block execution")."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from .conftest import EXAMPLES, Result, run_cli


def test_the_provider_and_its_followers_get_one_price(
    simulate: Callable[[str], Result],
) -> None:
    result = simulate("thin_book_block")
    prices = {(o["book"].split(":")[0], o["side"]): o["price"] for o in result["orders"]}
    assert {p for (_, side), p in prices.items() if side == "buy"} == {"2002.5"}
    assert {p for (_, side), p in prices.items() if side == "sell"} == {"2007.5"}
    assert len(prices) == 22  # the provider and ten followers, each way
    filled = {(o["book"], o["side"]): o["filled_qty"] for o in result["orders"]}
    assert filled[("pro", "buy")] == filled[("pro", "sell")] == "1"
    assert {q for (book, _), q in filled.items() if book != "pro"} == {"0.5"}
    for n in range(1, 11):
        pnl = Decimal(result["balances"][f"f{n:02d}:pro"]["allocation_cash"]["USDT"]) - 2000
        assert pnl == Decimal("2.5")  # (2007.5 − 2002.5) × 0.5
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "100005"
    assert result["balances"]["paper"]["market"]["USDT"] == "-30"
    assert set(result["ledger_sum"].values()) == {"0"}


def test_the_copies_are_of_the_providers_one_fill(simulate: Callable[[str], Result]) -> None:
    result = simulate("thin_book_block")
    copies = [o for o in result["orders"] if o["book"] != "pro"]
    assert len({o["copy_of_fill"] for o in copies if o["side"] == "buy"}) == 1
    placed = [d for d in result["decisions"] if d["action"] == "placed"]
    assert len(placed) == 20  # each follower's open and close, once


def test_a_providers_own_setting_overrides_the_scenarios(
    simulate: Callable[[str], Result], tmp_path: Path
) -> None:
    text = (EXAMPLES / "thin_book_block.yaml").read_text(encoding="utf-8")
    own = text.replace("share_pct: 0}", "share_pct: 0, block_execution: false}")
    assert own != text
    scenario = tmp_path / "own_setting.yaml"
    scenario.write_text(own, encoding="utf-8")
    out = tmp_path / "own_setting.json"
    assert run_cli(scenario, out).exit_code == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    without = simulate("thin_book_many_followers")  # the provider's own "off" wins
    assert result["orders"] == without["orders"]
    assert result["balances"] == without["balances"]


def test_an_unknown_block_setting_key_is_refused(tmp_path: Path) -> None:
    text = (EXAMPLES / "thin_book_block.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "typo.yaml"
    scenario.write_text(text.replace("block_execution: true", "block_executon: true"), "utf-8")
    done = run_cli(scenario, tmp_path / "typo.json")
    assert done.exit_code != 0 and "block_executon" in done.output
