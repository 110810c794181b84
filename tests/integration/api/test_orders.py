"""A provider's orders on the paper venue, copied to its followers when placed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from .conftest import Api
from .trading_support import deposit, follow, market, provider


def test_a_market_order_fills_and_is_copied_to_followers(api: Api) -> None:
    lead = provider(api, "ada")
    fan = api.sign_up("bea")
    deposit(api, fan, "5000")
    rel = follow(api, fan, lead, "5000")
    reply = market(api, lead, "buy", "0.5", leverage="2", client_order_id="first")
    assert reply.status_code == 201, reply.text
    order = reply.json()
    assert order["client_order_id"] == "first" and order["status"] == "filled"
    assert order["filled_qty"] == "0.5" and order["avg_fill_price"] == "50000"
    assert len(order["fills"]) == 1 and order["fills"][0]["price"] == "50000"
    with api.runtime.platform.uow() as uow:
        decisions = uow.decisions.for_relationship(rel)
    assert len(decisions) == 1 and decisions[0].action == "placed"
    assert decisions[0].qty > 0


def test_the_same_client_order_id_is_one_order(api: Api) -> None:
    lead = provider(api, "cal")
    first = market(api, lead, "buy", "0.1", client_order_id="once")
    again = market(api, lead, "buy", "0.1", client_order_id="once")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["fills"] == first.json()["fills"]
    assert api.client.get("/api/v1/orders", headers=lead["headers"]).json()["total"] == 1
    other = market(api, lead, "sell", "0.1", client_order_id="once")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


def test_two_users_may_use_the_same_client_order_id(api: Api) -> None:
    one, two = provider(api, "dov"), provider(api, "eli")
    assert market(api, one, "buy", "0.1", client_order_id="x").status_code == 201
    assert market(api, two, "buy", "0.2", client_order_id="x").status_code == 201
    mine = api.client.get("/api/v1/orders/x", headers=two["headers"]).json()
    assert mine["qty"] == "0.2"


def test_orders_are_listed_newest_first_with_fills(api: Api) -> None:
    lead = provider(api, "fay")
    for n in range(3):
        api.harness.clock.advance(timedelta(seconds=1))
        market(api, lead, "buy", "0.01", client_order_id=f"o{n}")
    listed = api.client.get("/api/v1/orders", params={"page_size": 2}, headers=lead["headers"])
    body = listed.json()
    assert [o["client_order_id"] for o in body["items"]] == ["o2", "o1"]
    assert body["total"] == 3 and all(len(o["fills"]) == 1 for o in body["items"])


def test_a_limit_order_rests_and_can_be_cancelled_once(api: Api) -> None:
    lead = provider(api, "gus")
    rest = market(api, lead, "buy", "0.1", type="limit", price="40000", client_order_id="lim")
    assert rest.status_code == 201 and rest.json()["status"] == "accepted"
    gone = api.client.delete("/api/v1/orders/lim", headers=lead["headers"])
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    assert api.client.get("/api/v1/orders/lim", headers=lead["headers"]).json()["status"] == (
        "cancelled"
    )
    market(api, lead, "buy", "0.1", client_order_id="mkt")
    filled = api.client.delete("/api/v1/orders/mkt", headers=lead["headers"])
    assert filled.status_code == 409 and filled.json()["error"]["code"] == "not_cancellable"


def test_another_users_order_is_404(api: Api) -> None:
    lead, other = provider(api, "hal"), provider(api, "ivy")
    market(api, lead, "buy", "0.1", type="limit", price="40000", client_order_id="mine")
    assert api.client.get("/api/v1/orders/mine", headers=other["headers"]).status_code == 404
    cancel = api.client.delete("/api/v1/orders/mine", headers=other["headers"])
    assert cancel.status_code == 404 and cancel.json()["error"]["code"] == "not_found"
    assert api.client.get("/api/v1/orders/mine", headers=lead["headers"]).json()["status"] == (
        "accepted"
    )


def test_a_venue_rejection_is_a_rejected_order(api: Api) -> None:
    lead = provider(api, "jo", cash="100")
    reply = market(api, lead, "buy", "1")
    assert reply.status_code == 201 and reply.json()["status"] == "rejected"
    assert reply.json()["reason"]


def test_only_providers_place_orders(api: Api) -> None:
    user = api.sign_up("kim")
    reply = market(api, user, "buy", "0.1")
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "extra",
    [
        {"qty": "0"},
        {"qty": "-1"},
        {"qty": "abc"},
        {"side": "hold"},
        {"symbol": "DOGE/USDT"},
        {"type": "limit"},
        {"price": "100"},
        {"leverage": "500"},
        {"leverage": "0.5"},
        {"symbol": "ETH/USDT", "leverage": "2"},
        {"client_order_id": "has spaces"},
        {"client_order_id": "x" * 65},
        {"type": "stop"},
    ],
)
def test_bad_orders_are_422_and_nothing_is_recorded(api: Api, extra: dict[str, str]) -> None:
    lead = provider(api, "lou")
    body = {"symbol": "BTC/USDT:USDT", "side": "buy", "qty": "0.1", **extra}
    reply = api.client.post("/api/v1/orders", json=body, headers=lead["headers"])
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] in {"invalid_request", "invalid_value"}
    assert api.client.get("/api/v1/orders", headers=lead["headers"]).json()["total"] == 0


def test_instruments_and_prices(api: Api) -> None:
    symbols = [i["symbol"] for i in api.client.get("/api/v1/instruments").json()]
    assert symbols == ["BTC/USDT:USDT", "ETH/USDT"]
    prices = api.client.get("/api/v1/prices").json()
    assert prices == {"BTC/USDT:USDT": "50000", "ETH/USDT": "3000"}
    assert isinstance(Decimal(prices["ETH/USDT"]), Decimal)
