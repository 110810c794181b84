"""A provider with ten followers in a thin book, by ``copytrade simulate``, against the
hand computation in examples/scenarios/thin_book_many_followers.yaml: the depth
depletes within a moment, so the followers pay the provider's impact
(docs/venues.md "Depth")."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .conftest import Result


def test_the_followers_pay_the_providers_impact(simulate: Callable[[str], Result]) -> None:
    result = simulate("thin_book_many_followers")
    prices: dict[tuple[str, str], str] = {
        (o["book"].split(":")[0], o["side"]): o["price"] for o in result["orders"]
    }
    assert (prices[("pro", "buy")], prices[("pro", "sell")]) == ("2000", "2010")
    for n in range(1, 11):
        k = (n + 1) // 2  # two followers to a level, by relationship id
        follower = f"f{n:02d}"
        assert prices[(follower, "buy")] == str(2000 + k), follower
        assert prices[(follower, "sell")] == str(2010 - k), follower
        pnl = Decimal(result["balances"][f"{follower}:pro"]["allocation_cash"]["USDT"]) - 2000
        assert pnl == Decimal(5 - k), follower  # (2010 − 2000 − 2k) × 0.5
    assert result["balances"]["pro"]["follower_free"]["USDT"] == "100010"
    assert result["balances"]["paper"]["market"]["USDT"] == "-30"
    assert set(result["ledger_sum"].values()) == {"0"}
