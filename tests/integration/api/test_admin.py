"""The admin area: settings, jurisdictions, revenue from the ledger, health; 403 for others."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from copytrade.server.scheduler import Job, Scheduler

from .conftest import Api
from .trading_support import (
    WEEK_END,
    deposit,
    follow,
    market,
    price,
    provider,
    settle_week,
    sign_in_again,
)

ADMIN_GETS = [
    "/api/v1/admin/settings",
    "/api/v1/admin/jurisdictions",
    "/api/v1/admin/jurisdictions/DE",
    "/api/v1/admin/revenue",
    "/api/v1/admin/health",
    "/api/v1/admin/reconcile",
]


def admin(api: Api, name: str = "root") -> dict[str, Any]:
    user = api.sign_up(name)
    api.runtime.identity.make_admin(user["email"])
    return user


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_the_admin_area_is_403_for_users_and_401_for_strangers(api: Api, path: str) -> None:
    user = api.sign_up("ned")
    reply = api.client.get(path, headers=user["headers"])
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    assert api.client.get(path).status_code == 401
    boss = admin(api)
    assert api.client.get(path, headers=boss["headers"]).status_code == 200


def test_a_user_cannot_change_a_jurisdiction(api: Api) -> None:
    user = api.sign_up("oli")
    body = {"copying_offered": False}
    reply = api.client.put("/api/v1/admin/jurisdictions/DE", json=body, headers=user["headers"])
    assert reply.status_code == 403
    boss = admin(api)
    after = api.client.get("/api/v1/admin/jurisdictions/DE", headers=boss["headers"]).json()
    assert after["copying_offered"] is True and after["configured"] is False


def test_settings_are_the_configured_ones(api: Api) -> None:
    boss = admin(api)
    body = api.client.get("/api/v1/admin/settings", headers=boss["headers"]).json()
    settings = api.runtime.container.settings
    assert body["platform_fee_pct"] == str(settings.platform_fee_pct)
    assert Decimal(body["subscription_platform_cut_pct"]) == settings.subscription_platform_cut_pct
    assert Decimal(body["commission_pct"]) == settings.commission_pct
    assert body["min_track_record_days"] == settings.min_track_record_days


def test_jurisdictions_are_set_and_read_back(api: Api) -> None:
    boss = admin(api)
    put = api.client.put(
        "/api/v1/admin/jurisdictions/us-ny",
        json={"copying_offered": True, "max_allocation": "2500.50"},
        headers=boss["headers"],
    )
    assert put.status_code == 200, put.text
    assert put.json() == {
        "code": "US-NY",
        "copying_offered": True,
        "max_allocation": "2500.5",
        "max_total_allocation": None,
        "configured": True,
    }
    api.client.put(
        "/api/v1/admin/jurisdictions/FR", json={"copying_offered": False}, headers=boss["headers"]
    )
    listed = api.client.get("/api/v1/admin/jurisdictions", headers=boss["headers"]).json()
    assert [(j["code"], j["copying_offered"]) for j in listed] == [("FR", False), ("US-NY", True)]
    with api.runtime.platform.uow() as uow:
        stored = uow.jurisdictions.get("US-NY")
    assert stored is not None and stored.max_allocation == Decimal("2500.5")


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("Germany", {"copying_offered": True}),
        ("D", {"copying_offered": True}),
        ("DE", {"copying_offered": "perhaps"}),
        ("DE", {}),
        ("DE", {"copying_offered": True, "max_allocation": "-5"}),
        ("DE", {"copying_offered": True, "max_allocation": "0.000000001"}),
        ("DE", {"copying_offered": True, "max_allocation": "lots"}),
    ],
)
def test_bad_jurisdiction_changes_are_422(api: Api, code: str, body: dict[str, object]) -> None:
    boss = admin(api)
    reply = api.client.put(
        f"/api/v1/admin/jurisdictions/{code}", json=body, headers=boss["headers"]
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] in {"invalid_request", "invalid_value"}
    assert api.client.get("/api/v1/admin/jurisdictions", headers=boss["headers"]).json() == []


def test_revenue_by_source_from_the_ledger(api: Api) -> None:
    lead = provider(api, "pat", share_pct="20")
    seller = provider(api, "sub", fee_model="subscription", subscription_price="50")
    fan = api.sign_up("ros")
    deposit(api, fan, "10000")
    follow(api, fan, lead, "5000")
    follow(api, fan, seller, "1000")
    market(api, lead, "buy", "1")
    price(api, "BTC/USDT:USDT", "56000")
    settle_week(api)
    api.runtime.act(lambda: api.runtime.platform.subscriptions.charge_due(WEEK_END))
    boss = admin(api)
    sign_in_again(api, fan)
    body = api.client.get("/api/v1/admin/revenue", headers=boss["headers"]).json()
    with api.runtime.platform.uow() as uow:
        (settled,) = uow.settlements.for_provider(lead["id"], [])
        (charge,) = uow.fees.charges_of(seller["id"], [])
    by_source = {k: Decimal(v) for k, v in body["by_source"].items()}
    assert by_source["profit_share_fees"] == settled.settlement.platform_fee > 0
    assert by_source["subscription_cuts"] == charge.platform_part > 0
    assert by_source["commissions"] == 0
    assert Decimal(body["total"]) == sum(by_source.values()) and body["currency"] == "USDT"
    later = api.client.get(
        "/api/v1/admin/revenue",
        params={"since": "2030-01-01T00:00:00Z"},
        headers=boss["headers"],
    ).json()
    assert later["total"] == "0"
    naive = api.client.get(
        "/api/v1/admin/revenue", params={"since": "2026-01-01T00:00:00"}, headers=boss["headers"]
    )
    assert naive.status_code == 422


def test_health_shows_the_scheduler_jobs_and_their_errors(api: Api) -> None:
    boss = admin(api)
    plain = api.client.get("/api/v1/admin/health", headers=boss["headers"]).json()
    assert plain["scheduler"] is None and plain["status"] == "ok"

    def broken() -> None:
        raise RuntimeError("feed down")

    scheduler = Scheduler(
        api.runtime,
        api.harness.clock,
        [Job("fine", timedelta(days=1), lambda: None), Job("broken", timedelta(days=1), broken)],
    )
    scheduler.run_due()
    api.client.app.state.scheduler = scheduler  # type: ignore[attr-defined]
    body = api.client.get("/api/v1/admin/health", headers=boss["headers"]).json()
    assert body["status"] == "degraded" and body["failing_jobs"] == ["broken"]
    jobs = {job["job"]: job for job in body["scheduler"]}
    assert jobs["fine"]["runs"] == 1 and jobs["broken"]["last_error"] == "RuntimeError: feed down"
