"""Funds in orders through the API (docs/venues.md "Funds in orders"): a provider's resting
order shows in ``/api/v1/positions`` ``in_orders``, a second one beyond the available
balance is refused, so is a withdrawal of them, and a cancel gives the funds back."""

from __future__ import annotations

from decimal import Decimal

from .conftest import Api
from .trading_support import market, price, provider


def _in_orders(api: Api, user: dict[str, object]) -> dict[str, str]:
    reply = api.client.get("/api/v1/positions", headers=user["headers"])  # type: ignore[arg-type]
    assert reply.status_code == 200, reply.text
    held: dict[str, str] = reply.json()["in_orders"]
    return held


def test_a_resting_order_keeps_its_funds_until_cancelled(api: Api) -> None:
    price(api, "BTC/USDT:USDT", "50000")
    pro = provider(api, "pro", "10000")
    assert _in_orders(api, pro) == {}
    first = market(api, pro, "buy", "0.1", type="limit", price="40000", client_order_id="l1")
    assert first.status_code == 201 and first.json()["status"] == "accepted"
    held = Decimal(_in_orders(api, pro)["USDT"])
    assert Decimal(4000) <= held < Decimal(4010)  # 0.1 × 40000 at 1x, plus the maker fee
    out = api.client.post(
        "/api/v1/accounts/me/withdraw",
        json={"amount": "7000", "idempotency_key": "w1"},
        headers=pro["headers"],
    )
    assert out.status_code == 422 and "funds in orders" in out.json()["error"]["message"]
    second = market(api, pro, "buy", "0.15", type="limit", price="40000")  # 6000 + fee
    assert second.json()["status"] == "rejected"
    assert second.json()["reason"] == "insufficient_balance"
    cancelled = api.client.delete("/api/v1/orders/l1", headers=pro["headers"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _in_orders(api, pro) == {}
    again = market(api, pro, "buy", "0.15", type="limit", price="40000")
    assert again.json()["status"] == "accepted"
