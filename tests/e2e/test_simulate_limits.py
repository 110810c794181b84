"""The limits across providers through ``copytrade simulate`` (docs/domain.md "Limits
across providers", docs/scenarios.md "Top level"): a follow beyond the platform's number
of copied providers or below a provider's minimum allocation is a refused event and
changes nothing; a copy beyond the per-symbol exposure cap is cut to the room."""

from __future__ import annotations

from pathlib import Path

from .conftest import simulate_text

LIMITS = """
name: limits_across_providers
start: 2024-06-03T00:00:00Z
max_copied_providers: 1
max_symbol_exposure: 1500
instruments:
  - {symbol: BTC/USDT:USDT, kind: perp, tick: 0.1, lot_step: 0.001, min_qty: 0.001,
     min_notional: 5, max_leverage: 20}
prices:
  - {at: 2024-06-03T00:00:00Z, symbol: BTC/USDT:USDT, price: 40000}
  - {at: 2024-06-03T02:00:00Z, symbol: BTC/USDT:USDT, price: 41000}
providers:
  - {id: pro, deposit: 100000}
  - {id: bea, deposit: 100000, min_allocation: 500}
followers:
  - {id: fay, deposit: 10000}
  - {id: gil, deposit: 10000}
events:
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: fay, provider: pro, allocation: 5000,
     settings: {mode: proportional}}
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: fay, provider: bea, allocation: 1000,
     settings: {mode: proportional}}
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: gil, provider: bea, allocation: 400,
     settings: {mode: proportional}}
  - {at: 2024-06-03T00:00:00Z, type: follow, follower: gil, provider: pro, allocation: 600,
     settings: {mode: proportional}}
  - {at: 2024-06-03T01:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: buy,
     qty: 1}
  - {at: 2024-06-03T03:00:00Z, type: order, provider: pro, symbol: BTC/USDT:USDT, side: sell,
     qty: 1}
"""


def test_the_three_limits_across_providers(tmp_path: Path) -> None:
    # fay copies pro, so her follow of bea is one provider too many (the limit is 1);
    # gil's 400 is below bea's 500 minimum. pro buys 1 at 40,000 of 100,000: usage 40 %.
    # fay: 5,000 × 40 % = 2,000 > the 1,500 cap: cut to 1,500 / 40,000 = 0.0375 → 0.037
    # (lot step, rounded down), `capped` `symbol_exposure`; gil: 600 × 40 % = 240 → 0.006.
    # Closed at 41,000: fay +0.037 × 1,000 = 37, gil +6 (no fees on this market).
    result, _ = simulate_text(tmp_path, LIMITS)
    assert [(e["event"], e["type"], e["message"]) for e in result["errors"]] == [
        (1, "follow", "you already copy 1 providers, the most the platform allows is 1: stop "
                      "one of your copies first"),
        (2, "follow", "bea accepts copies of at least 500 USDT; this one holds 400 USDT (top "
                      "it up first); nothing was changed"),
    ]  # fmt: skip
    assert sorted(r["id"] for r in result["relationships"]) == ["fay:pro", "gil:pro"]
    opens = sorted(
        (d["follower"], d["action"], d["reason"], d["qty"])
        for d in result["decisions"]
        if d["leg"] == "open"
    )
    assert opens == [
        ("fay", "capped", "symbol_exposure", "0.037"),
        ("gil", "placed", None, "0.006"),
    ]
    balances = result["balances"]
    assert balances["fay:pro"]["allocation_cash"]["USDT"] == "5037"
    assert balances["gil:pro"]["allocation_cash"]["USDT"] == "606"
    assert balances["gil"]["follower_free"]["USDT"] == "9400"  # the refused 400 never left
    assert set(result["ledger_sum"].values()) == {"0"}
