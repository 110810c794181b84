"""Becoming a provider, changing terms (fee model locked while copied), followers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import Api
from .trading_support import deposit, follow, provider


def test_become_a_provider_with_defaults_then_see_the_terms(api: Api) -> None:
    user = api.sign_up("pia")
    reply = api.client.post("/api/v1/providers/me", json={}, headers=user["headers"])
    assert reply.status_code == 201, reply.text
    assert reply.json() == {
        "id": user["id"],
        "fee_model": "profit_share",
        "share_pct": "10",
        "subscription_price": None,
        "follower_cap": None,
        "settlement_period": "weekly",
        "min_allocation": None,
        "margin_mode": "isolated",
    }
    changed = api.client.patch(
        "/api/v1/providers/me", json={"min_allocation": "500"}, headers=user["headers"]
    )
    assert changed.status_code == 200 and changed.json()["min_allocation"] == "500"
    me = api.client.get("/api/v1/auth/me", headers=user["headers"]).json()
    assert me["is_provider"] is True
    public = api.client.get(f"/api/v1/providers/{user['id']}").json()
    assert public["terms"]["share_pct"] == "10" and public["terms"]["min_allocation"] == "500"


def test_becoming_a_provider_moves_the_free_balance_to_the_venue_once(api: Api) -> None:
    user = api.sign_up("quin")
    deposit(api, user, "2500")
    for _ in range(2):
        api.client.post("/api/v1/providers/me", json={}, headers=user["headers"])
    assert api.runtime.platform.venue.balances(user["id"])["USDT"] == Decimal(2500)


def test_subscription_and_commission_terms(api: Api) -> None:
    user = api.sign_up("rae")
    body = {"fee_model": "subscription", "subscription_price": "25", "settlement_period": "monthly"}
    reply = api.client.post("/api/v1/providers/me", json=body, headers=user["headers"])
    assert reply.status_code == 201 and reply.json()["subscription_price"] == "25"
    patch = api.client.patch(
        "/api/v1/providers/me", json={"fee_model": "commission"}, headers=user["headers"]
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["fee_model"] == "commission"
    assert patch.json()["subscription_price"] is None
    assert patch.json()["settlement_period"] == "monthly"


@pytest.mark.parametrize(
    "body",
    [
        {"share_pct": "31"},
        {"share_pct": "-1"},
        {"share_pct": "ten"},
        {"fee_model": "lottery"},
        {"fee_model": "subscription"},
        {"subscription_price": "10"},
        {"fee_model": "subscription", "subscription_price": "0"},
        {"settlement_period": "daily"},
        {"follower_cap": 0},
    ],
)
def test_bad_terms_are_422_and_change_nothing(api: Api, body: dict[str, object]) -> None:
    user = api.sign_up("sol")
    reply = api.client.post("/api/v1/providers/me", json=body, headers=user["headers"])
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] in {"invalid_request", "invalid_value"}
    assert api.client.get("/api/v1/providers/me", headers=user["headers"]).status_code == 404


def test_fee_model_is_locked_while_followers_copy_but_the_percent_may_change(api: Api) -> None:
    lead = provider(api, "tao", follower_cap=5)
    fan = api.sign_up("uma")
    deposit(api, fan, "1000")
    follow(api, fan, lead, "500")
    locked = api.client.patch(
        "/api/v1/providers/me",
        json={"fee_model": "subscription", "subscription_price": "20"},
        headers=lead["headers"],
    )
    assert locked.status_code == 409
    assert locked.json()["error"]["code"] == "fee_model_locked"
    assert "cannot change" in locked.json()["error"]["message"]
    share = api.client.patch(
        "/api/v1/providers/me", json={"share_pct": "20"}, headers=lead["headers"]
    )
    assert share.status_code == 200 and share.json()["share_pct"] == "20"
    assert share.json()["follower_cap"] == 5 and share.json()["fee_model"] == "profit_share"


def test_followers_counts_and_aum(api: Api) -> None:
    lead = provider(api, "vic", follower_cap=2)
    for name, amount in (("wes", "300"), ("xia", "700")):
        fan = api.sign_up(name)
        deposit(api, fan, "1000")
        follow(api, fan, lead, amount)
    reply = api.client.get("/api/v1/providers/me/followers", headers=lead["headers"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["active"], body["paused"], body["stopped"]) == (2, 0, 0)
    assert body["aum"] == "1000" and body["follower_cap"] == 2
    assert body["open_to_new_followers"] is False


def test_not_a_provider_yet(api: Api) -> None:
    user = api.sign_up("yan")
    assert (
        api.client.get("/api/v1/providers/me/followers", headers=user["headers"]).status_code == 404
    )
    patch = api.client.patch(
        "/api/v1/providers/me", json={"share_pct": "5"}, headers=user["headers"]
    )
    assert patch.status_code == 404
    assert api.client.post("/api/v1/providers/me", json={}).status_code == 401
