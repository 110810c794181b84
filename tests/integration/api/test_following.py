"""Following through the API: the docs/api.md, Rules a follow must pass rules a follow must pass,
and what it stores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.repositories.identity import Jurisdiction
from copytrade.adapters.db.schema.identity import RiskAcknowledgementRow
from copytrade.domain.disclosures import RISK_DISCLOSURE, RISK_DISCLOSURE_VERSION

from .conftest import Api
from .copying import account, follow, follow_body, funded, market_of


def _nothing_created(api: Api, user: dict[str, Any], free: str) -> None:
    with api.runtime.platform.uow() as uow:
        assert uow.relationships.for_follower(user["id"]) == []
        acks = select(func.count()).where(RiskAcknowledgementRow.user_id == user["id"])
        assert uow.session.scalar(acks) == 0
    mine = account(api, user)
    assert mine["free_balance"] == free and mine["relationships"] == []


def _set_rules(api: Api, code: str, offered: bool, max_allocation: str | None) -> None:
    cap = Decimal(max_allocation) if max_allocation is not None else None
    with api.runtime.platform.uow() as uow:
        uow.jurisdictions.save(Jurisdiction(code, offered, cap))
        uow.commit()


def test_the_risk_disclosure_is_public_with_its_version(api: Api) -> None:
    body = api.client.get("/api/v1/disclosures/risk").json()
    assert body["version"] == RISK_DISCLOSURE_VERSION and body["text"] == RISK_DISCLOSURE


def test_follow_stores_the_relationship_with_its_risk_acknowledgement(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel = follow(api, ana, "pro", "400.5", mode="multiplier", multiplier="2", whitelist=["X/Y"])
    summary = rel["relationship"]
    assert summary["status"] == "active" and summary["provider_id"] == "pro"
    assert summary["hwm"] == "400.5" and summary["net_allocated"] == "400.5"
    assert summary["equity"] == "400.5" and summary["pnl"] == "0"
    assert rel["settings"]["mode"] == "multiplier" and rel["settings"]["multiplier"] == "2"
    assert rel["settings"]["whitelist"] == ["X/Y"] and rel["settings"]["max_loss_pct"] == "20"
    assert rel["risk_acknowledgement"]["disclosure_version"] == RISK_DISCLOSURE_VERSION
    with api.runtime.platform.uow() as uow:
        ack = uow.risk_acknowledgements.of(summary["id"])
        stored = uow.relationships.get(summary["id"])
    assert ack is not None and ack.user_id == ana["id"]
    assert ack.disclosure_version == RISK_DISCLOSURE_VERSION
    assert stored.risk_acknowledged_at == ack.acknowledged_at
    assert summary["id"].startswith("r-")  # made by the server
    mine = account(api, ana)
    assert mine["free_balance"] == "599.5" and mine["allocated"] == "400.5"
    assert mine["total_equity"] == "1000"


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"risk_acknowledged": False}, 422, "risk_not_acknowledged"),
        ({"disclosure_version": None}, 409, "disclosure_outdated"),
        ({"disclosure_version": "2019-01"}, 409, "disclosure_outdated"),
    ],
)
def test_follow_without_the_current_acknowledgement_creates_nothing(
    api: Api, overrides: dict[str, Any], status: int, code: str
) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "100", **overrides), headers=ana["headers"]
    )
    assert reply.status_code == status and reply.json()["error"]["code"] == code
    _nothing_created(api, ana, "1000")


def test_a_jurisdiction_without_copying_refuses_the_follow(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    _set_rules(api, "US", False, None)
    sam = funded(api, "sam", "1000", jurisdiction="US")
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "100"), headers=sam["headers"]
    )
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "copying_not_offered"
    assert "(US)" in reply.json()["error"]["message"]
    _nothing_created(api, sam, "1000")


def test_a_jurisdictions_max_allocation_caps_follows_and_top_ups(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    _set_rules(api, "FR", True, "300")
    eve = funded(api, "eve", "1000", jurisdiction="FR")
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "300.01"), headers=eve["headers"]
    )
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "allocation_above_limit"
    _nothing_created(api, eve, "1000")
    rel_id = follow(api, eve, "pro", "300")["relationship"]["id"]  # at the cap: allowed
    over = api.client.post(
        f"/api/v1/relationships/{rel_id}/top-up",
        json={"amount": "0.5", "idempotency_key": "t1"},
        headers=eve["headers"],
    )
    assert over.status_code == 422 and over.json()["error"]["code"] == "allocation_above_limit"
    mine = account(api, eve)
    assert mine["free_balance"] == "700" and mine["relationships"][0]["hwm"] == "300"


def test_a_jurisdiction_without_rules_has_no_cap(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "5000", jurisdiction="NZ")
    assert follow(api, ana, "pro", "5000")["relationship"]["net_allocated"] == "5000"


def test_the_providers_follower_cap_refuses_one_more(api: Api) -> None:
    market_of(api).provider("pro", "10000", follower_cap=1)
    ana, bob = funded(api, "ana"), funded(api, "bob")
    first = follow(api, ana, "pro", "100")["relationship"]["id"]
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "100"), headers=bob["headers"]
    )
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "follower_cap_reached"
    _nothing_created(api, bob, "1000")
    # A paused follower keeps its place; a stopped one frees it.
    api.client.post(f"/api/v1/relationships/{first}/pause", headers=ana["headers"])
    again = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "100"), headers=bob["headers"]
    )
    assert again.status_code == 409
    terms = api.client.get("/api/v1/providers/pro").json()["terms"]
    assert terms["followers"] == 0 and terms["open_to_new_followers"] is False
    api.client.post(f"/api/v1/relationships/{first}/stop", headers=ana["headers"])
    assert follow(api, bob, "pro", "100")["relationship"]["status"] == "active"


def test_a_user_cannot_follow_itself_nor_a_non_provider(api: Api) -> None:
    ana = funded(api, "ana")
    api.runtime.platform.accounts.make_provider(ProviderTerms(ana["id"], Decimal(10)))
    itself = api.client.post(
        "/api/v1/relationships", json=follow_body(ana["id"], "100"), headers=ana["headers"]
    )
    assert itself.status_code == 422 and itself.json()["error"]["code"] == "cannot_follow_self"
    bob = funded(api, "bob")
    nobody = api.client.post(
        "/api/v1/relationships", json=follow_body(bob["id"], "100"), headers=ana["headers"]
    )
    assert nobody.status_code == 404 and nobody.json()["error"]["code"] == "not_found"
    _nothing_created(api, ana, "1000")


def test_an_allocation_above_the_free_balance_is_refused_cleanly(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "100")
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "100.00000001"), headers=ana["headers"]
    )
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "insufficient_funds"
    assert "free balance of 100" in reply.json()["error"]["message"]
    _nothing_created(api, ana, "100")


BAD_FOLLOWS: list[dict[str, Any]] = [
    {"allocation": "-100"},
    {"allocation": 100.5},
    {"allocation": "1e16"},
    {"allocation": "Infinity"},
    {"mode": "martingale"},
    {"mode": "fixed_amount"},  # without its fixed_amount
    {"fixed_amount": "0"},
    {"multiplier": "10.5"},
    {"multiplier": "0"},
    {"leverage": "0.5"},
    {"max_per_trade_pct": "0"},
    {"max_per_trade_pct": "101"},
    {"max_open_trades": 0},
    {"max_open_trades": "3"},
    {"max_open_trades": 2.5},
    {"max_open_trades": True},
    {"max_loss_pct": "-1"},
    {"slippage_pct": "NaN"},
    {"whitelist": "BTC/USDT:USDT"},
    {"whitelist": [""]},
    {"close_on_stop": "yes"},
    {"risk_acknowledged": "true"},
    {"provider_id": ""},
    {"provider_id": "p" * 129},
    {"surprise": 1},
]


def test_bad_follow_requests_are_422_and_create_nothing(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    for overrides in BAD_FOLLOWS:
        body = {**follow_body("pro", "100"), **overrides}
        reply = api.client.post("/api/v1/relationships", json=body, headers=ana["headers"])
        assert reply.status_code == 422, (overrides, reply.text)
        assert reply.json()["error"]["code"] in ("invalid_request", "invalid_value"), overrides
    _nothing_created(api, ana, "1000")
