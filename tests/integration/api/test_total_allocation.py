"""A jurisdiction's cap on one follower's allocations together (docs/api.md, Rules a follow must
pass), beside the
per-relationship cap: set by an admin, enforced at follow and at top-up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .conftest import Api
from .copying import account, follow, follow_body, funded, market_of
from .test_admin import admin

CODE = "total_allocation_above_limit"


def _set_caps(
    api: Api, per_relationship: str | None, total: str | None, boss: dict[str, Any] | None = None
) -> dict[str, Any]:
    boss = boss or admin(api)
    body = {"copying_offered": True, "max_allocation": per_relationship}
    put = api.client.put(
        "/api/v1/admin/jurisdictions/fr",
        json={**body, "max_total_allocation": total},
        headers=boss["headers"],
    )
    assert put.status_code == 200, put.text
    read = api.client.get("/api/v1/admin/jurisdictions/FR", headers=boss["headers"]).json()
    assert read == put.json()
    return read


def _refused(reply: Any) -> None:
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] == CODE
    assert "nothing was changed" in reply.json()["error"]["message"]


def test_the_admin_sets_and_reads_back_the_total_cap(api: Api) -> None:
    boss = admin(api)
    rules = _set_caps(api, "300", "500.50", boss)
    assert rules["max_allocation"] == "300" and rules["max_total_allocation"] == "500.5"
    with api.runtime.platform.uow() as uow:
        stored = uow.jurisdictions.get("FR")
    assert stored is not None and stored.max_total_allocation == Decimal("500.5")
    assert _set_caps(api, None, None, boss)["max_total_allocation"] is None


def test_a_second_follow_above_the_total_cap_is_refused(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    market.provider("ace", "10000")
    _set_caps(api, "300", "500")
    eve = funded(api, "eve", "1000", jurisdiction="FR")
    follow(api, eve, "pro", "300")
    reply = api.client.post(
        "/api/v1/relationships", json=follow_body("ace", "200.01"), headers=eve["headers"]
    )
    _refused(reply)
    mine = account(api, eve)
    assert mine["free_balance"] == "700" and len(mine["relationships"]) == 1
    follow(api, eve, "ace", "200")  # exactly at the cap: allowed
    assert account(api, eve)["allocated"] == "500"


def test_a_top_up_above_the_total_cap_is_refused_and_a_stopped_copy_frees_room(
    api: Api,
) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    market.provider("ace", "10000")
    _set_caps(api, None, "400")
    bob = funded(api, "bob", "1000", jurisdiction="FR")
    first = follow(api, bob, "pro", "250")["relationship"]["id"]
    second = follow(api, bob, "ace", "150")["relationship"]["id"]
    over = api.client.post(
        f"/api/v1/relationships/{second}/top-up",
        json={"amount": "0.01", "idempotency_key": "t1"},
        headers=bob["headers"],
    )
    _refused(over)
    assert account(api, bob)["free_balance"] == "600"
    stopped = api.client.post(
        f"/api/v1/relationships/{first}/stop", json={}, headers=bob["headers"]
    )
    assert stopped.status_code == 200, stopped.text
    again = api.client.post(
        f"/api/v1/relationships/{second}/top-up",
        json={"amount": "250", "idempotency_key": "t2"},
        headers=bob["headers"],
    )
    assert again.status_code == 200, again.text


def test_another_jurisdiction_is_not_capped(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    _set_caps(api, None, "100")
    ana = funded(api, "ana", "1000", jurisdiction="DE")
    assert follow(api, ana, "pro", "900")["relationship"]["net_allocated"] == "900"
