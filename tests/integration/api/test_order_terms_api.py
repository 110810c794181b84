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
    assert stop.json()["trigger"]["status"] == "pending"  # docs/venues.md "Trigger orders"
    price(api, "BTC/USDT:USDT", "48500")
    done = api.client.get("/api/v1/orders/sl", headers=lead["headers"]).json()
    assert (done["status"], done["avg_fill_price"]) == ("filled", "48500")
    assert done["trigger"]["status"] == "triggered"
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


def test_the_order_answer_and_the_list_show_its_trigger_and_terms(api: Api) -> None:
    lead = provider(api, "eve")
    trailing = market(
        api, lead, "sell", "0.1", client_order_id="trail", time_in_force="ioc",
        trigger={"kind": "trailing_stop", "trail_percent": "2.5"},
    )  # fmt: skip
    assert trailing.status_code == 201, trailing.text
    body = trailing.json()
    assert body["trigger"] == {
        "kind": "trailing_stop", "price": None, "trail_distance": None, "trail_percent": "2.5",
        "status": "pending",
    }  # fmt: skip
    assert (body["time_in_force"], body["post_only"], body["status"]) == ("ioc", False, "accepted")
    resting = market(api, lead, "buy", "0.1", type="limit", price="40000", post_only=True)
    assert (resting.json()["trigger"], resting.json()["post_only"]) == (None, True)
    assert resting.json()["time_in_force"] == "gtc"
    listed = api.client.get("/api/v1/orders", headers=lead["headers"]).json()["items"]
    by_kind = {o["trigger"]["kind"] if o["trigger"] else None: o for o in listed}
    assert by_kind["trailing_stop"]["trigger"]["trail_percent"] == "2.5"
    assert by_kind[None]["post_only"] is True
    one = api.client.get("/api/v1/orders/trail", headers=lead["headers"]).json()
    assert one["trigger"] == body["trigger"]


def test_the_same_client_order_id_with_other_terms_is_a_conflict(api: Api) -> None:
    lead = provider(api, "fay")
    first = market(
        api, lead, "sell", "0.1", client_order_id="sl", trigger={"kind": "stop", "price": "49000"}
    )
    assert first.status_code == 201
    again = market(
        api, lead, "sell", "0.1", client_order_id="sl", trigger={"kind": "stop", "price": "49000"}
    )
    assert again.status_code == 200 and again.json()["trigger"]["price"] == "49000"
    moved = market(
        api, lead, "sell", "0.1", client_order_id="sl", trigger={"kind": "stop", "price": "48000"}
    )
    assert moved.status_code == 409, moved.text


def test_a_stop_that_fires_into_a_refusal_ends_triggered_and_rejected(api: Api) -> None:
    """docs/venues.md "Trigger orders": the position the reduce-only stop protected was
    closed meanwhile, so the mark fires it into a refusal; the record ends (trigger
    ``triggered``, the order ``rejected`` with the venue's reason), as on Bybit."""
    lead = provider(api, "gus")
    assert market(api, lead, "buy", "0.5", leverage="2").json()["status"] == "filled"
    stop = market(
        api, lead, "sell", "0.5", reduce_only=True, client_order_id="sl",
        trigger={"kind": "stop", "price": "49000"},
    )  # fmt: skip
    assert stop.json()["trigger"]["status"] == "pending"
    assert market(api, lead, "sell", "0.5", reduce_only=True).json()["status"] == "filled"
    price(api, "BTC/USDT:USDT", "48500")
    done = api.client.get("/api/v1/orders/sl", headers=lead["headers"]).json()
    assert (done["status"], done["reason"]) == ("rejected", "reduce_only_would_increase")
    assert (done["trigger"]["status"], done["fills"]) == ("triggered", [])
    price(api, "BTC/USDT:USDT", "48000")  # a later mark: nothing moves again
    again = api.client.get("/api/v1/orders/sl", headers=lead["headers"]).json()
    assert (again["status"], again["trigger"]["status"]) == ("rejected", "triggered")
