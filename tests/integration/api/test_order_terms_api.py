"""A provider's trigger, time-in-force and post-only orders through the API
(docs/venues.md "Trigger orders", "Order terms"), copied when they fill."""

from __future__ import annotations

import pytest

from .conftest import Api
from .trading_support import deposit, follow, market, price, provider


def test_a_stop_loss_waits_then_its_fill_is_copied(api: Api) -> None:
    lead = provider(api, "ana")
    fan = api.sign_up("ben")
    deposit(api, fan, "5000")
    rel = follow(api, fan, lead, "5000")
    assert market(api, lead, "buy", "0.5", leverage="2").json()["status"] == "filled"
    stop = market(
        api, lead, "sell", "0.5", reduce_only=True, client_order_id="sl",
        trigger={"kind": "stop", "price": "49000"},
    )  # fmt: skip
    assert stop.status_code == 201, stop.text
    assert (stop.json()["status"], stop.json()["fills"]) == ("accepted", [])
    price(api, "BTC/USDT:USDT", "48500")
    done = api.client.get("/api/v1/orders/sl", headers=lead["headers"]).json()
    assert (done["status"], done["avg_fill_price"]) == ("filled", "48500")
    with api.runtime.platform.uow() as uow:
        legs = sorted(d.leg for d in uow.decisions.for_relationship(rel))
    assert legs == ["close", "open"]


def test_post_only_that_would_take_is_rejected_with_its_reason(api: Api) -> None:
    lead = provider(api, "cy")
    reply = market(api, lead, "buy", "0.1", type="limit", price="51000", post_only=True)
    assert reply.status_code == 201 and reply.json()["status"] == "rejected"
    assert reply.json()["reason"] == "post_only_would_take"
    ioc = market(api, lead, "buy", "0.1", type="limit", price="40000", time_in_force="ioc")
    assert ioc.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "extra",
    [
        {"trigger": {"kind": "stop"}},  # no price
        {"trigger": {"kind": "trailing_stop", "price": "100"}},
        {"trigger": {"kind": "trailing_stop", "trail_percent": "60"}},
        {"trigger": {"kind": "stop_loss", "price": "100"}},
        {"time_in_force": "day"},
        {"post_only": True},  # a market order always takes
    ],
)
def test_malformed_order_terms_are_422_and_nothing_is_recorded(
    api: Api, extra: dict[str, object]
) -> None:
    lead = provider(api, "dee")
    reply = market(api, lead, "sell", "0.1", **extra)
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] in {"invalid_request", "invalid_value"}
    assert api.client.get("/api/v1/orders", headers=lead["headers"]).json()["total"] == 0
