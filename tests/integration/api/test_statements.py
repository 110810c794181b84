"""Statements and settlements of the signed-in user, as follower and as provider."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import Api
from .trading_support import (
    deposit,
    follow,
    market,
    price,
    provider,
    settle_week,
    sign_in_again,
    subscribed,
)


def test_a_settled_week_shows_on_both_statements(api: Api) -> None:
    lead = provider(api, "nia", share_pct="20")
    fan = api.sign_up("oto")
    deposit(api, fan, "5000")
    rel = follow(api, fan, lead, "5000")
    assert market(api, lead, "buy", "1").status_code == 201
    price(api, "BTC/USDT:USDT", "55000")
    settle_week(api)
    sign_in_again(api, lead, fan)

    reply = api.client.get(
        "/api/v1/statements", params={"period": "2026-W02"}, headers=fan["headers"]
    )
    assert reply.status_code == 200, reply.text
    mine = reply.json()
    (line,) = mine["follower"]["settlements"]
    assert line["relationship_id"] == rel and line["provider_id"] == lead["id"]
    gross = Decimal(line["gross"])
    assert gross > 0 and Decimal(line["equity"]) > Decimal(5000)
    assert mine["provider"] is None
    assert mine["follower"]["totals"]["gross"] == line["gross"]

    theirs = api.client.get(
        "/api/v1/statements", params={"period": "2026-W02"}, headers=lead["headers"]
    ).json()
    assert theirs["follower"]["settlements"] == []
    (earned,) = theirs["provider"]["settlements"]
    assert Decimal(earned["gross"]) == gross
    assert Decimal(earned["provider_credit"]) + Decimal(earned["platform_fee"]) == gross
    assert fan["id"] not in str(theirs) and rel not in str(theirs)  # no follower identity

    other_week = api.client.get(
        "/api/v1/statements", params={"period": "2026-W03"}, headers=fan["headers"]
    ).json()
    assert other_week["follower"]["settlements"] == []

    page = api.client.get("/api/v1/settlements", headers=fan["headers"]).json()
    assert page["total"] == 1 and page["items"][0]["role"] == "follower"
    assert page["items"][0]["gross"] == line["gross"]
    as_provider = api.client.get("/api/v1/settlements", headers=lead["headers"]).json()
    assert as_provider["total"] == 1 and as_provider["items"][0]["role"] == "provider"
    assert "relationship_id" not in as_provider["items"][0]
    stranger = api.sign_up("pam")
    assert api.client.get("/api/v1/settlements", headers=stranger["headers"]).json()["total"] == 0


def test_subscriptions_show_as_paid_and_earned(api: Api) -> None:
    lead, fan = subscribed(api, "30", ("quo", "rio"))
    period = "2026-W03"  # the week that starts at the boundary, paid in advance
    paid = api.client.get(
        "/api/v1/statements", params={"period": period}, headers=fan["headers"]
    ).json()["follower"]
    assert [c["status"] for c in paid["subscriptions"]] == ["paid"]
    assert paid["totals"]["subscriptions_paid"] == "30"
    earned = api.client.get(
        "/api/v1/statements", params={"period": period}, headers=lead["headers"]
    ).json()["provider"]
    assert earned["totals"]["subscriptions_earned"] == earned["subscriptions"][0]["provider_part"]
    assert Decimal(earned["subscriptions"][0]["provider_part"]) < 30
    assert "relationship_id" not in earned["subscriptions"][0]


@pytest.mark.parametrize(
    "params",
    [{"period": "last week"}, {"period": "2026-47"[:3]}, {"period": "x" * 80}],
)
def test_bad_periods_are_422(api: Api, params: dict[str, str]) -> None:
    user = api.sign_up("sam")
    reply = api.client.get("/api/v1/statements", params=params, headers=user["headers"])
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 500}, {"page": "one"}])
def test_bad_settlement_pages_are_422(api: Api, params: dict[str, object]) -> None:
    user = api.sign_up("tia")
    assert (
        api.client.get("/api/v1/settlements", params=params, headers=user["headers"]).status_code
        == 422
    )
    assert api.client.get("/api/v1/settlements").status_code == 401
