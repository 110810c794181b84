"""Notification channels and in-app notifications through the HTTP API, with real
receivers on 127.0.0.1 (an aiosmtpd server, a webhook receiver, a Telegram Bot API
stand-in): docs/api.md "Alert channels and notifications", docs/alerts.md "Channels"
and "Notifications"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from copytrade.config import Settings
from copytrade.domain.alerts.channels import SIGNATURE_HEADER, UNHEALTHY_AFTER, signature_matches
from tests.integration.alerts.receivers import HttpReceiver, http_receiver, smtp_server

from ..engine.harness import SPOT
from .conftest import Api, started_api
from .test_alert_delivery_job import by_hand, deliver, keyed_api, telegram  # noqa: F401
from .test_alerts import new_rule, served
from .test_api_keys import bearer, make_key
from .test_serve_jobs import again

CHANNELS = "/api/v1/alerts/channels"
NOTES = "/api/v1/alerts/notifications"
TOKEN = "123456:bot-token-secret"


def add(api: Api, user: dict[str, Any], **body: Any) -> dict[str, Any]:
    made = api.client.post(CHANNELS, json=body, headers=user["headers"])
    assert made.status_code == 201, made.text
    shown: dict[str, Any] = made.json()
    return shown


def test_a_webhook_is_added_tested_listed_edited_and_removed(
    keyed_api: Api, db_engine: Engine  # noqa: F811
) -> None:
    api = keyed_api
    ana = api.sign_up("ana")
    h = ana["headers"]
    with http_receiver() as hook:
        made = add(api, ana, kind="webhook", target=hook.url)
        secret = made.pop("webhook_secret")
        assert secret and made["id"].startswith("chan_")
        assert (made["kind"], made["target"], made["enabled"], made["healthy"]) == (
            "webhook", hook.url, True, True
        )
        path = f"{CHANNELS}/{made['id']}"
        tested = api.client.post(f"{path}/test", headers=h)
        assert tested.status_code == 200 and tested.json() == {
            "sent": True, "error": None, "channel": made
        }
    (got,) = hook.received
    assert signature_matches(secret, got.body, got.headers[SIGNATURE_HEADER])
    assert got.json()["alert"]["test"] is True
    listed = api.client.get(CHANNELS, headers=h).json()
    assert listed == {"channels": [made]} and secret not in str(listed)
    assert api.client.get(path, headers=h).json() == made
    off = api.client.patch(path, json={"enabled": False, "target": "https://example.org/h"},
                           headers=h)
    assert off.status_code == 200
    assert (off.json()["enabled"], off.json()["target"]) == (False, "https://example.org/h")
    assert api.client.get(path, headers=h).json() == off.json()
    assert api.client.delete(path, headers=h).status_code == 204
    assert api.client.get(path, headers=h).status_code == 404
    assert api.client.get(CHANNELS, headers=h).json() == {"channels": []}
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alert_channels")).scalar() == 0


def test_a_failed_test_answers_why_and_a_passed_one_makes_the_channel_healthy(
    keyed_api: Api,  # noqa: F811
) -> None:
    api = keyed_api
    ana = api.sign_up("ana")
    with http_receiver(503, 503, 200) as hook:
        made = add(api, ana, kind="webhook", target=hook.url, secret="my-own-secret")
        assert made["webhook_secret"] is None  # given, not generated: never answered
        path = f"{CHANNELS}/{made['id']}/test"
        failed = api.client.post(path, headers=ana["headers"]).json()
        assert failed["sent"] is False and "HTTP 503" in failed["error"]
        # Make it unhealthy the way deliveries do (5 failures in a row).
        with api.runtime.platform.uow() as uow:
            uow.channels.set_health(made["id"], healthy=False, failures=UNHEALTHY_AFTER)
            uow.commit()
        assert api.client.post(path, headers=ana["headers"]).json()["sent"] is False
        passed = api.client.post(path, headers=ana["headers"]).json()
    assert passed["sent"] is True
    assert (passed["channel"]["healthy"], passed["channel"]["failures"]) == (True, 0)
    assert all(signature_matches("my-own-secret", r.body, r.headers[SIGNATURE_HEADER])
               for r in hook.received)


def test_email_with_a_login_reaches_the_smtp_server(
    keyed_api: Api, db_engine: Engine  # noqa: F811
) -> None:
    api = keyed_api
    ana = api.sign_up("ana")
    with smtp_server() as (port, mailbox):
        made = add(api, ana, kind="email", target="ana@example.org", secret="smtp-pass",
                   email={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_user": "ana",
                          "sender": "alerts@example.org"})
        assert made["options"] == {"smtp_host": "127.0.0.1", "smtp_port": str(port),
                                   "smtp_user": "ana", "sender": "alerts@example.org"}
        tested = api.client.post(f"{CHANNELS}/{made['id']}/test", headers=ana["headers"])
        assert tested.json()["sent"] is True, tested.text
    (mail,) = mailbox.messages
    assert mail["To"] == "ana@example.org" and mailbox.logins == [(b"ana", b"smtp-pass")]
    assert "smtp-pass" not in api.client.get(CHANNELS, headers=ana["headers"]).text
    with db_engine.connect() as conn:
        sealed = conn.execute(text("SELECT sealed_secret FROM alert_channels")).scalar()
    assert sealed and b"smtp-pass" not in sealed


def test_telegram_goes_to_the_bot_api_with_its_token(
    keyed_api: Api, telegram: HttpReceiver  # noqa: F811
) -> None:
    api = keyed_api
    ana = api.sign_up("ana")
    missing = api.client.post(CHANNELS, json={"kind": "telegram", "target": "-1001234"},
                              headers=ana["headers"])
    assert missing.status_code == 422 and "bot token" in missing.json()["error"]["message"]
    made = add(api, ana, kind="telegram", target="-1001234", secret=TOKEN)
    tested = api.client.post(f"{CHANNELS}/{made['id']}/test", headers=ana["headers"])
    assert tested.json()["sent"] is True, tested.text
    (got,) = telegram.received
    assert got.path == f"/bot{TOKEN}/sendMessage" and got.json()["chat_id"] == "-1001234"
    assert TOKEN not in api.client.get(CHANNELS, headers=ana["headers"]).text


def test_wrong_channels_are_refused_naming_the_part(keyed_api: Api) -> None:  # noqa: F811
    api = keyed_api
    ana = api.sign_up("ana")
    for body, part in (
        ({"kind": "webhook", "target": "ftp://x"}, "http(s)://"),
        ({"kind": "email", "target": "not-an-address"}, "address"),
        ({"kind": "webhook", "target": "https://x.org", "email": {"smtp_port": 25}}, "option"),
    ):
        bad = api.client.post(CHANNELS, json=body, headers=ana["headers"])
        assert bad.status_code == 422, bad.text
        assert bad.json()["error"]["code"] == "invalid_value" and part in bad.text
    odd = api.client.post(CHANNELS, json={"kind": "sms", "target": "1"}, headers=ana["headers"])
    assert odd.status_code == 422 and odd.json()["error"]["code"] == "invalid_request"
    assert api.client.get(CHANNELS, headers=ana["headers"]).json() == {"channels": []}


def test_another_users_channel_is_not_found_and_a_read_only_key_cannot_change(
    keyed_api: Api,  # noqa: F811
) -> None:
    api = keyed_api
    ana, bo = api.sign_up("ana"), api.sign_up("bo")
    made = add(api, ana, kind="webhook", target="https://example.org/hook")
    made.pop("webhook_secret")
    path = f"{CHANNELS}/{made['id']}"
    for reply in (
        api.client.get(path, headers=bo["headers"]),
        api.client.patch(path, json={"enabled": False}, headers=bo["headers"]),
        api.client.post(f"{path}/test", headers=bo["headers"]),
        api.client.delete(path, headers=bo["headers"]),
    ):
        assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
    key = bearer(make_key(api, ana, "read")["key"])
    assert api.client.get(CHANNELS, headers=key).json() == {"channels": [made]}
    for reply in (
        api.client.post(CHANNELS, json={"kind": "webhook", "target": "https://a.org"},
                        headers=key),
        api.client.patch(path, json={"enabled": False}, headers=key),
        api.client.post(f"{path}/test", headers=key),
        api.client.delete(path, headers=key),
        api.client.post(f"{NOTES}/read", json={}, headers=key),
    ):
        assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    assert api.client.get(path, headers=ana["headers"]).json() == made


@pytest.fixture
def keyless_api(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    yield from started_api(db_engine, db_settings)  # no COPYTRADE_SECRET_KEY


def test_without_a_master_key_a_secret_is_refused_with_503_and_nothing_stored(
    keyless_api: Api,
) -> None:
    api = keyless_api
    ana = api.sign_up("ana")
    refused = api.client.post(CHANNELS, json={"kind": "webhook", "target": "https://a.org/h"},
                              headers=ana["headers"])
    assert refused.status_code == 503, refused.text
    error = refused.json()["error"]
    assert error["code"] == "secrets_unavailable" and "COPYTRADE_SECRET_KEY" in error["message"]
    assert api.client.get(CHANNELS, headers=ana["headers"]).json() == {"channels": []}
    # A channel without a secret needs no key.
    add(api, ana, kind="email", target="ana@example.org")


def test_notifications_list_firings_and_unhealthy_channels_and_are_marked_read(
    keyed_api: Api,  # noqa: F811
) -> None:
    api = keyed_api
    ana, bo = api.sign_up("ana"), api.sign_up("bo")
    scheduler, market = by_hand(api), served(api)
    h = ana["headers"]
    with http_receiver(503) as hook:
        channel = add(api, ana, kind="webhook", target=hook.url)
        rule = new_rule(api, ana, mode="every")
        new_rule(api, bo)  # bo's rule fires too: not ana's notification
        again(scheduler, "alerts")
        for price in ("3000", "3200", "3000", "3300", "3000"):
            market.tick(SPOT.symbol, price)
            again(scheduler, "alerts")
        for _ in range(UNHEALTHY_AFTER):  # the webhook keeps failing: unhealthy
            deliver(scheduler)
            api.harness.clock.advance(timedelta(hours=1))
    listed = api.client.get(NOTES, headers=h).json()
    notes = listed["notifications"]
    assert [n["type"] for n in notes] == ["alert.channel_unhealthy", "alert.fired", "alert.fired"]
    assert listed["unread"] == 3 and not any(n["read"] for n in notes)
    unhealthy, second, first = notes
    assert unhealthy["firing"] is None
    assert unhealthy["channel"]["channel"] == channel["id"]
    assert unhealthy["channel"]["failures"] == UNHEALTHY_AFTER
    assert "503" in unhealthy["channel"]["error"]
    assert first["channel"] is None and first["firing"]["rule"] == rule["id"]
    assert first["firing"]["values"] == {"close": "3200", "price": "3200"}
    assert first["firing"]["before"] == {"price": "3000"}
    assert second["firing"]["values"]["price"] == "3300"
    assert first["id"] < second["id"] < unhealthy["id"]
    # The event stream shows the same notices.
    stream = api.client.get("/api/v1/events?once=true", headers=h).text
    assert "event: alert.channel_unhealthy" in stream
    # Marking: ana's own ids only; bo's list is his.
    bo_notes = api.client.get(NOTES, headers=bo["headers"]).json()["notifications"]
    assert [n["type"] for n in bo_notes] == ["alert.fired"]
    marked = api.client.post(f"{NOTES}/read", json={"ids": [first["id"], bo_notes[0]["id"]]},
                             headers=h)
    assert marked.json() == {"marked": 1, "unread": 2}
    again_marked = api.client.post(f"{NOTES}/read", json={"ids": [first["id"]]}, headers=h)
    assert again_marked.json() == {"marked": 0, "unread": 2}
    assert api.client.get(NOTES, headers=bo["headers"]).json()["unread"] == 1
    unread = api.client.get(f"{NOTES}?unread=true", headers=h).json()["notifications"]
    assert [n["id"] for n in unread] == [unhealthy["id"], second["id"]]
    older = api.client.get(f"{NOTES}?before={second['id']}", headers=h).json()["notifications"]
    assert [(n["id"], n["read"]) for n in older] == [(first["id"], True)]
    everything = api.client.post(f"{NOTES}/read", json={}, headers=h)
    assert everything.json() == {"marked": 2, "unread": 0}
    assert all(n["read"] for n in api.client.get(NOTES, headers=h).json()["notifications"])
