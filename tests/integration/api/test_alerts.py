"""Alert rules through the API: create, list, get, switch, delete, and what fired,
evaluated live by ``copytrade serve``'s alerts job on the server's own runtime
(docs/api.md "Alert rules", docs/alerts.md "Live evaluation")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from ..engine.harness import SPOT, Harness
from .conftest import Api
from .test_api_keys import bearer, make_key
from .test_serve_jobs import again, serve_jobs

ALERTS = "/api/v1/alerts/rules"
FIRINGS = "/api/v1/alerts/firings"


def served(api: Api) -> Harness:
    """Prices moved on the server's own engine (as its live market moves them)."""
    return Harness.over(api.runtime.platform, api.harness.clock)


def new_rule(api: Api, user: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"symbol": SPOT.symbol, "timeframe": "1m", "condition": "price crosses above 3100"}
    made = api.client.post(ALERTS, json=body | fields, headers=user["headers"])
    assert made.status_code == 201, made.text
    rule: dict[str, Any] = made.json()
    return rule


def test_a_rule_is_made_listed_switched_and_deleted(api: Api, db_engine: Engine) -> None:
    ana = api.sign_up("ana")
    rule = new_rule(
        api, ana, condition="rsi(14) CROSSES ABOVE 70 and price > 2,500", mode="every",
        cooldown_seconds=900, expires_at="2027-01-01T00:00:00+00:00",
    )
    assert rule["id"].startswith("alert_") and rule["owner"] == ana["id"]
    assert rule["condition"] == "RSI(14) crosses above 70 AND price above 2500"
    assert (rule["mode"], rule["cooldown_seconds"], rule["status"]) == ("every", 900, "active")
    assert rule["expires_at"] == "2027-01-01T00:00:00+00:00" and rule["last_fired_at"] is None
    h = ana["headers"]
    assert api.client.get(ALERTS, headers=h).json() == {"rules": [rule]}
    assert api.client.get(f"{ALERTS}/{rule['id']}", headers=h).json() == rule
    off = api.client.patch(f"{ALERTS}/{rule['id']}", json={"enabled": False}, headers=h)
    assert off.status_code == 200 and (off.json()["enabled"], off.json()["status"]) == (
        False, "disabled"
    )
    assert api.client.get(f"{ALERTS}/{rule['id']}", headers=h).json()["status"] == "disabled"
    assert api.client.delete(f"{ALERTS}/{rule['id']}", headers=h).status_code == 204
    assert api.client.get(ALERTS, headers=h).json() == {"rules": []}
    gone = api.client.get(f"{ALERTS}/{rule['id']}", headers=h)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alert_rules")).scalar() == 0


def test_a_condition_that_cannot_be_read_is_422_naming_the_part(api: Api) -> None:
    ana = api.sign_up("ana")
    body = {"symbol": SPOT.symbol, "timeframe": "1h", "condition": "RSI(14) crosses abve 70"}
    bad = api.client.post(ALERTS, json=body, headers=ana["headers"])
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "invalid_value"
    assert "column 17, 'abve'" in error["message"] and "above" in error["message"]
    unknown = api.client.post(
        ALERTS, json=body | {"condition": "price above 1", "symbol": "DOGE/USDT"},
        headers=ana["headers"],
    )
    assert unknown.status_code == 422 and "unknown symbol 'DOGE/USDT'" in unknown.text
    cooled = api.client.post(
        ALERTS, json=body | {"condition": "price above 1", "cooldown_seconds": 60},
        headers=ana["headers"],
    )
    assert cooled.status_code == 422 and "cooldown" in cooled.json()["error"]["message"]
    assert api.client.get(ALERTS, headers=ana["headers"]).json() == {"rules": []}


def test_another_users_rule_is_not_found_and_stays(api: Api) -> None:
    ana, bo = api.sign_up("ana"), api.sign_up("bo")
    rule = new_rule(api, ana)
    path = f"{ALERTS}/{rule['id']}"
    for reply in (
        api.client.get(path, headers=bo["headers"]),
        api.client.patch(path, json={"enabled": False}, headers=bo["headers"]),
        api.client.delete(path, headers=bo["headers"]),
    ):
        assert reply.status_code == 404, reply.text
    assert api.client.get(ALERTS, headers=bo["headers"]).json() == {"rules": []}
    assert api.client.get(path, headers=ana["headers"]).json() == rule


def test_a_read_only_key_lists_rules_and_cannot_change_them(api: Api) -> None:
    ana = api.sign_up("ana")
    rule = new_rule(api, ana)
    key = bearer(make_key(api, ana, "read")["key"])
    assert api.client.get(ALERTS, headers=key).json() == {"rules": [rule]}
    body = {"symbol": SPOT.symbol, "timeframe": "1m", "condition": "price above 1"}
    for reply in (
        api.client.post(ALERTS, json=body, headers=key),
        api.client.patch(f"{ALERTS}/{rule['id']}", json={"enabled": False}, headers=key),
        api.client.delete(f"{ALERTS}/{rule['id']}", headers=key),
    ):
        assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    assert api.client.get(ALERTS, headers=ana["headers"]).json() == {"rules": [rule]}


def test_a_rule_made_through_the_api_fires_on_the_served_prices(api: Api) -> None:
    ana = api.sign_up("ana")
    scheduler, market = serve_jobs(api), served(api)
    rule = new_rule(api, ana)
    again(scheduler, "alerts")  # the server's pass: the new rule is loaded
    for price in ("3000", "3050", "3200", "3300", "3000", "3400"):
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    # Candles (one a minute) close at 3000, 3050, 3200, 3300, 3000: one crossing above
    # 3100 (at 3200); the rule is `once`, so the later one is not fired.
    firings = api.client.get(FIRINGS, headers=ana["headers"]).json()["firings"]
    assert len(firings) == 1, firings
    fired = firings[0]
    assert (fired["rule"], fired["symbol"], fired["condition"]) == (
        rule["id"], SPOT.symbol, "price crosses above 3100"
    )
    assert fired["values"] == {"close": "3200", "price": "3200"}
    assert fired["before"] == {"price": "3050"}
    shown = api.client.get(f"{ALERTS}/{rule['id']}", headers=ana["headers"]).json()
    assert (shown["status"], shown["fired_count"], shown["last_fired_at"]) == (
        "spent", 1, fired["fired_at"]
    )
    events = api.client.get("/api/v1/events?once=true", headers=ana["headers"]).text
    assert "event: alert.fired" in events and rule["id"] in events


def test_a_switched_off_rule_does_not_fire_until_switched_on(api: Api) -> None:
    ana = api.sign_up("ana")
    scheduler, market = serve_jobs(api), served(api)
    rule = new_rule(api, ana, mode="every")
    h = ana["headers"]
    api.client.patch(f"{ALERTS}/{rule['id']}", json={"enabled": False}, headers=h)
    again(scheduler, "alerts")
    for price in ("3000", "3200", "3000"):  # crosses above at 3200: switched off
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    api.client.patch(f"{ALERTS}/{rule['id']}", json={"enabled": True}, headers=h)
    for price in ("3300", "3300"):  # the 3300 candle crosses again: fires
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    firings = api.client.get(FIRINGS, headers=h).json()["firings"]
    assert [f["values"]["price"] for f in firings] == ["3300"]
