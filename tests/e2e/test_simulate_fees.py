"""The fee-model example through ``copytrade simulate``, against its header's hand computation."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Result

Simulate = Callable[[str], Result]


def test_subscription_paid_unpaid_paid_and_commission_per_copy(simulate: Simulate) -> None:
    result = simulate("fees_subscription_commission")
    charges = [
        (c["period"], c["status"], c["provider_part"], c["platform_part"])
        for c in result["subscriptions"]
    ]
    assert charges == [
        ("2024-W02", "paid", "45", "5"),
        ("2024-W03", "unpaid", "0", "0"),
        ("2024-W04", "paid", "45", "5"),
    ]
    balances = result["balances"]
    assert balances["alice"]["follower_free"]["USDT"] == "10"
    assert balances["subpro"]["provider_earnings"]["USDT"] == "90"
    assert balances["platform"]["platform_revenue"]["USDT"] == "18.2"
    assert balances["bob:compro"]["allocation_cash"]["USDT"] == "10191.8"
    # Paused while unpaid: subpro's buy on 01-15 is not copied; paid again, active.
    skipped = [
        (d["follower"], d["reason"]) for d in result["decisions"] if d["action"] == "skipped"
    ]
    assert skipped == [("alice", "not_active")]
    assert {r["id"]: r["status"] for r in result["relationships"]} == {
        "alice:subpro": "active",
        "bob:compro": "active",
    }
    assert result["settlements"] == []  # neither is paid by profit share
    assert result["fees"]["providers"] == {"compro": "commission", "subpro": "subscription"}
    assert result["ledger_sum"] == {"USDT": "0"}
