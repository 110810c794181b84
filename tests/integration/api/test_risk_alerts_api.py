"""Risk alert subscriptions through the API: subscribe, list, get, switch, delete, the
refusals naming the wrong part, owners, and what fired from a real skipped copy on
``serve``'s risk-alerts job (docs/api.md "Risk alerts", docs/alerts.md "Risk alerts")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from ..engine.harness import SPOT
from .conftest import Api
from .copying import follow, funded, market_of
from .test_api_keys import bearer, make_key
from .test_serve_jobs import again, serve_jobs

RULES = "/api/v1/alerts/risk/rules"
FIRINGS = "/api/v1/alerts/risk/firings"


def subscribe(api: Api, user: dict[str, Any], **body: Any) -> dict[str, Any]:
    made = api.client.post(RULES, json=body, headers=user["headers"])
    assert made.status_code == 201, made.text
    return dict(made.json())


def stored(db_engine: Engine) -> int:
    with db_engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM risk_rules")).scalar_one())


def test_a_subscription_is_made_listed_switched_and_deleted(api: Api, db_engine: Engine) -> None:
    ana = api.sign_up("ana")
    market_of(api).provider("pro", "10000")
    h = ana["headers"]
    rule = subscribe(api, ana, kind="DrawDown", level="12.5", provider="pro")
    assert rule["id"].startswith("risk_") and rule["owner"] == ana["id"]
    assert (rule["kind"], rule["level"], rule["provider"], rule["enabled"]) == (
        "drawdown", "12.5", "pro", True
    )
    assert rule["text"] == "drawdown 12.5 percent (provider pro)"
    default = subscribe(api, ana, kind="max_loss", enabled=False)
    assert (default["level"], default["provider"], default["enabled"]) == ("80", None, False)
    skipped = subscribe(api, ana, kind="copy_skipped")
    assert skipped["level"] is None and skipped["text"] == "copy_skipped"
    listed = api.client.get(RULES, headers=h).json()["rules"]  # the test's clock stands still
    assert sorted(listed, key=lambda r: r["id"]) == sorted(
        [rule, default, skipped], key=lambda r: r["id"]
    )
    path = f"{RULES}/{rule['id']}"
    assert api.client.get(path, headers=h).json() == rule
    off = api.client.patch(path, json={"enabled": False}, headers=h)
    assert off.status_code == 200 and off.json() == rule | {"enabled": False}
    assert api.client.get(path, headers=h).json()["enabled"] is False
    on = api.client.patch(path, json={"enabled": True}, headers=h)
    assert on.json()["enabled"] is True
    assert api.client.delete(path, headers=h).status_code == 204
    gone = api.client.get(path, headers=h)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert {r["id"] for r in api.client.get(RULES, headers=h).json()["rules"]} == {
        default["id"], skipped["id"]
    }
    assert stored(db_engine) == 2


def test_a_wrong_kind_level_or_provider_is_422_naming_it_and_stores_nothing(
    api: Api, db_engine: Engine
) -> None:
    ana = api.sign_up("ana")
    cases = [
        ({"kind": "drawdwn"}, "unknown risk alert kind 'drawdwn'; kinds: drawdown, jump"),
        ({"kind": "drawdown", "level": "150"}, "level is in percent, from 0.01 to 100; got 150"),
        ({"kind": "settlement", "level": "5"}, "a settlement risk alert takes no --level"),
        ({"kind": "inactive", "provider": "nobody"}, "no provider 'nobody' to watch"),
    ]
    for body, message in cases:
        bad = api.client.post(RULES, json=body, headers=ana["headers"])
        assert bad.status_code == 422, bad.text
        error = bad.json()["error"]
        assert error["code"] == "invalid_value" and message in error["message"], error
    number = api.client.post(RULES, json={"kind": "jump", "level": "3x"}, headers=ana["headers"])
    assert number.status_code == 422 and "level" in number.text
    assert stored(db_engine) == 0


def test_another_users_subscription_is_not_found_and_a_read_key_only_reads(api: Api) -> None:
    ana, bo = api.sign_up("ana"), api.sign_up("bo")
    rule = subscribe(api, ana, kind="settlement")
    path = f"{RULES}/{rule['id']}"
    theirs = bo["headers"]
    assert [api.client.get(path, headers=theirs).status_code,
            api.client.patch(path, json={"enabled": False}, headers=theirs).status_code,
            api.client.delete(path, headers=theirs).status_code] == [404, 404, 404]  # fmt: skip
    assert api.client.get(RULES, headers=bo["headers"]).json() == {"rules": []}
    key = bearer(make_key(api, ana, "read")["key"])
    assert api.client.get(RULES, headers=key).json() == {"rules": [rule]}
    for reply in (
        api.client.post(RULES, json={"kind": "account"}, headers=key),
        api.client.patch(path, json={"enabled": False}, headers=key),
        api.client.delete(path, headers=key),
    ):
        assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    assert api.client.get(path, headers=ana["headers"]).json() == rule


def test_a_skipped_copy_is_listed_as_fired_to_its_follower_only(api: Api) -> None:
    market = market_of(api)
    pro = market.provider("pro", "10000")
    ana, bo = funded(api, "ana", "2000"), api.sign_up("bo")
    rel = follow(api, ana, "pro", "500")["relationship"]
    rule = subscribe(api, ana, kind="copy_skipped")
    subscribe(api, bo, kind="copy_skipped")
    paused = api.client.post(f"/api/v1/relationships/{rel['id']}/pause", headers=ana["headers"])
    assert paused.status_code == 200, paused.text
    scheduler = serve_jobs(api)
    market.trade(pro, "buy", "1", symbol=SPOT.symbol)
    assert again(scheduler, "risk-alerts").last_error is None
    assert again(scheduler, "risk-alerts").last_error is None  # nothing twice
    (fired,) = api.client.get(FIRINGS, headers=ana["headers"]).json()["firings"]
    assert (fired["rule"], fired["owner"], fired["kind"]) == (rule["id"], ana["id"], "copy_skipped")
    assert fired["key"].startswith("decision:") and "copy skipped" in fired["text"]
    assert fired["values"]["relationship"] == rel["id"] and fired["values"]["reason"]
    assert api.client.get(FIRINGS, headers=bo["headers"]).json() == {"firings": []}
    bad = api.client.get(FIRINGS, params={"limit": 0}, headers=ana["headers"])
    assert bad.status_code == 422
