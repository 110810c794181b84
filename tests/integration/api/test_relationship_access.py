"""A user sees and acts on its own relationships only: another's answers 404, like none."""

from __future__ import annotations

from typing import Any

from .conftest import Api
from .copying import account, detail, follow, follow_body, funded, market_of

MONEY = {"amount": "10", "idempotency_key": "b-1"}


ATTEMPTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "", None),
    ("POST", "/pause", None),
    ("POST", "/resume", None),
    ("POST", "/stop", {"close_on_stop": True}),
    ("POST", "/stop", None),
    ("POST", "/close-position", {"symbol": "BTC/USDT:USDT"}),
    ("POST", "/top-up", MONEY),
    ("POST", "/withdraw", MONEY),
]


def test_another_users_relationship_is_not_found_and_left_alone(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    ana, bob = funded(api, "ana", "1000"), funded(api, "bob", "1000")
    rel_id = follow(api, ana, "pro", "500")["relationship"]["id"]
    market.trade("pro", "buy", "0.02")
    before, ana_account = detail(api, ana, rel_id), account(api, ana)
    assert before["positions"]  # something a stop by bob would close

    for method, action, body in ATTEMPTS:
        url = f"/api/v1/relationships/{rel_id}{action}"
        reply = api.client.request(method, url, json=body, headers=bob["headers"])
        assert reply.status_code == 404, (action, reply.text)
        assert reply.json()["error"] == {
            "code": "not_found",
            "message": f"no copy relationship {rel_id!r}",
        }
        missing = api.client.request(
            method, f"/api/v1/relationships/r-nosuch{action}", json=body, headers=bob["headers"]
        )
        assert missing.status_code == 404, action  # the same answer as for no such id
    assert detail(api, ana, rel_id) == before
    assert account(api, ana) == ana_account
    assert account(api, bob)["free_balance"] == "1000"


def test_lists_and_accounts_show_only_ones_own(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana, bob = funded(api, "ana", "1000"), funded(api, "bob", "1000")
    mine = follow(api, ana, "pro", "500")["relationship"]["id"]
    theirs = follow(api, bob, "pro", "300")["relationship"]["id"]
    listed = api.client.get("/api/v1/relationships", headers=bob["headers"]).json()
    assert [r["id"] for r in listed["relationships"]] == [theirs]
    assert [r["id"] for r in account(api, bob)["relationships"]] == [theirs]
    assert [r["id"] for r in account(api, ana)["relationships"]] == [mine]
    assert api.client.get("/api/v1/relationships").status_code == 401
    anonymous = api.client.post("/api/v1/relationships", json=follow_body("pro", "1"))
    assert anonymous.status_code == 401
