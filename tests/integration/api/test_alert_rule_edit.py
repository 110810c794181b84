"""Editing an alert rule in place through the API: the served evaluator follows the
edit from the next closed candle (docs/api.md "Alert rules", docs/alerts.md "Rules")."""

from __future__ import annotations

from ..engine.harness import SPOT
from .conftest import Api
from .test_alerts import ALERTS, FIRINGS, new_rule, served
from .test_serve_jobs import again, serve_jobs


def test_an_edited_condition_is_evaluated_from_the_next_candle(api: Api) -> None:
    ana = api.sign_up("ana")
    h = ana["headers"]
    scheduler, market = serve_jobs(api), served(api)
    rule = new_rule(api, ana, mode="every")  # price crosses above 3100
    path = f"{ALERTS}/{rule['id']}"
    again(scheduler, "alerts")
    for price in ("3000", "3200", "3000"):  # fires at 3200
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    edited = api.client.patch(path, json={"condition": "price crosses below 2900"}, headers=h)
    assert edited.status_code == 200, edited.text
    shown = edited.json()
    assert (shown["condition"], shown["status"], shown["fired_count"]) == (
        "price crosses below 2900", "active", 1  # its firings stay its own
    )
    assert api.client.get(path, headers=h).json() == shown
    for price in ("3200", "2800", "3000"):  # the old condition crosses again: not fired
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    firings = api.client.get(FIRINGS, headers=h).json()["firings"]
    assert [(f["condition"], f["values"]["price"]) for f in firings] == [
        ("price crosses below 2900", "2800"), ("price crosses above 3100", "3200")
    ]


def test_a_spent_once_rule_stays_spent_after_an_edit(api: Api) -> None:
    ana = api.sign_up("ana")
    h = ana["headers"]
    scheduler, market = serve_jobs(api), served(api)
    rule = new_rule(api, ana)
    path = f"{ALERTS}/{rule['id']}"
    again(scheduler, "alerts")
    for price in ("3000", "3200", "3000"):
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    edited = api.client.patch(path, json={"condition": "price above 1"}, headers=h).json()
    assert (edited["status"], edited["fired_count"]) == ("spent", 1)
    armed = api.client.patch(path, json={"mode": "every"}, headers=h).json()
    assert armed["status"] == "active"


def test_mode_cooldown_and_expiry_are_edited_and_checked(api: Api) -> None:
    ana, bo = api.sign_up("ana"), api.sign_up("bo")
    h = ana["headers"]
    rule = new_rule(api, ana, mode="every", cooldown_seconds=600,
                    expires_at="2030-01-01T00:00:00+00:00")
    path = f"{ALERTS}/{rule['id']}"
    once = api.client.patch(path, json={"mode": "once"}, headers=h).json()
    assert (once["mode"], once["cooldown_seconds"]) == ("once", 0)
    refused = api.client.patch(path, json={"cooldown_seconds": 60}, headers=h)
    assert refused.status_code == 422 and "cooldown" in refused.json()["error"]["message"]
    past = api.client.patch(path, json={"expires_at": "2020-01-01T00:00:00+00:00"}, headers=h)
    assert past.status_code == 422 and "not in the future" in past.text
    unread = api.client.patch(path, json={"condition": "price abve 1"}, headers=h)
    assert unread.status_code == 422 and "'abve'" in unread.text
    assert api.client.get(path, headers=h).json() == once  # nothing of those stored
    every = api.client.patch(
        path, json={"mode": "every", "cooldown_seconds": 900, "expires_at": None}, headers=h
    ).json()
    assert (every["mode"], every["cooldown_seconds"], every["expires_at"]) == ("every", 900, None)
    switched = api.client.patch(path, json={"enabled": False}, headers=h).json()
    assert switched == every | {"enabled": False, "status": "disabled"}
    other = api.client.patch(path, json={"enabled": True}, headers=bo["headers"])
    assert other.status_code == 404
