"""The channels and notifications pages, and a rule edited in place on /alerts, with a
real webhook receiver on 127.0.0.1 (docs/web.md, "Alerts", "Alert channels and
notifications")."""

from __future__ import annotations

import re
from datetime import timedelta

from copytrade.domain.alerts.channels import SIGNATURE_HEADER, UNHEALTHY_AFTER, signature_matches
from tests.integration.alerts.receivers import http_receiver

from ..api.conftest import Api
from ..api.test_alert_delivery_job import by_hand, deliver
from ..api.test_serve_jobs import again
from ..engine.harness import SPOT, Harness
from .conftest import ORIGIN
from .test_alerts_page import FORM, rule_id
from .test_dashboard import signed_up

CHANNELS = "/alerts/channels"


def channel_id(page: str) -> str:
    found = re.search(r'data-channel="(chan_[0-9a-f]{16})"', page)
    assert found, page
    return found.group(1)


def test_a_webhook_is_added_tested_switched_and_removed(web: Api) -> None:
    signed_up(web)
    assert "No channels yet" in web.client.get(CHANNELS).text
    with http_receiver() as hook:
        added = web.client.post(CHANNELS, data={"kind": "webhook", "target": hook.url},
                                headers=ORIGIN)
        assert added.status_code == 201
        secret = re.search(r'id="webhook-secret">Signing secret: <code>([^<]+)</code>',
                           added.text)
        assert secret, added.text
        page = web.client.get(CHANNELS).text
        cid = channel_id(page)
        assert secret.group(1) not in page  # shown once
        tested = web.client.post(f"{CHANNELS}/{cid}/test", headers=ORIGIN)
        assert tested.status_code == 200 and "Test message sent to" in tested.text
    (got,) = hook.received
    assert signature_matches(secret.group(1), got.body, got.headers[SIGNATURE_HEADER])
    off = web.client.post(f"{CHANNELS}/{cid}/disable", headers=ORIGIN, follow_redirects=False)
    assert off.status_code == 303 and '<td class="switched">off</td>' in web.client.get(
        CHANNELS).text
    confirm = web.client.get(f"{CHANNELS}/{cid}/remove")
    assert 'class="danger"' in confirm.text
    unticked = web.client.post(f"{CHANNELS}/{cid}/remove", data={}, headers=ORIGIN)
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    gone = web.client.post(f"{CHANNELS}/{cid}/remove", data={"confirm": "yes"}, headers=ORIGIN,
                           follow_redirects=False)
    assert gone.status_code == 303 and "No channels yet" in web.client.get(CHANNELS).text


def test_a_failed_test_says_why_and_wrong_fields_are_shown_again(web: Api) -> None:
    signed_up(web)
    with http_receiver(500) as hook:
        web.client.post(CHANNELS, data={"kind": "webhook", "target": hook.url,
                                        "secret": "typed-secret"}, headers=ORIGIN)
        cid = channel_id(web.client.get(CHANNELS).text)
        failed = web.client.post(f"{CHANNELS}/{cid}/test", headers=ORIGIN)
    assert failed.status_code == 200 and "webhook answered HTTP 500" in failed.text
    bad = web.client.post(CHANNELS, data={"kind": "telegram", "target": "-100",
                                          "smtp_host": "x"}, headers=ORIGIN)
    assert bad.status_code == 422 and "for e-mail channels" in bad.text
    token = web.client.post(CHANNELS, data={"kind": "telegram", "target": "-100"},
                            headers=ORIGIN)
    assert token.status_code == 422 and "bot token" in token.text
    assert 'value="-100"' in token.text
    secretless = web.client.post(CHANNELS, data={"kind": "webhook", "target": "ftp://x",
                                                 "secret": "do-not-echo"}, headers=ORIGIN)
    assert secretless.status_code == 422 and "do-not-echo" not in secretless.text
    other = web.client.post(f"{CHANNELS}/{cid}/test", headers={"Origin": "https://evil.example"})
    assert other.status_code == 403
    signed_up(web, name="Other")
    assert web.client.post(f"{CHANNELS}/{cid}/test", headers=ORIGIN).status_code == 404
    assert web.client.get(f"{CHANNELS}/{cid}/remove").status_code == 404


def test_notifications_show_what_fired_and_why_and_are_marked_read(web: Api) -> None:
    signed_up(web)
    scheduler, market = by_hand(web), Harness.over(web.runtime.platform, web.harness.clock)
    with http_receiver(503) as hook:
        web.client.post(CHANNELS, data={"kind": "webhook", "target": hook.url}, headers=ORIGIN)
        web.client.post("/alerts", data=FORM, headers=ORIGIN)
        again(scheduler, "alerts")
        for price in ("3000", "3200", "3000"):
            market.tick(SPOT.symbol, price)
            again(scheduler, "alerts")
        for _ in range(UNHEALTHY_AFTER):
            deliver(scheduler)
            web.harness.clock.advance(timedelta(hours=1))
    page = web.client.get("/alerts/notifications").text
    assert "2 unread." in page
    assert "price crosses above 3100</code> fired" in page
    assert "close = 3200; price = 3200" in page and "price = 3000" in page
    assert "failed 5 times in a row" in page and "webhook answered HTTP 503" in page
    ids = re.findall(r'data-notification="(\d+)" class="unread"', page)
    assert len(ids) == 2
    one = web.client.post("/alerts/notifications/read", data={"id": ids[1]}, headers=ORIGIN,
                          follow_redirects=False)
    assert one.status_code == 303 and "1 unread." in web.client.get("/alerts/notifications").text
    web.client.post("/alerts/notifications/read", data={}, headers=ORIGIN)
    assert "0 unread." in web.client.get("/alerts/notifications").text
    assert "unhealthy (5 failures in a row)" in web.client.get(CHANNELS).text


def test_a_rule_is_edited_in_place_on_the_alerts_page(web: Api) -> None:
    signed_up(web)
    web.client.post("/alerts", data=FORM, headers=ORIGIN)
    page = web.client.get("/alerts").text
    rid = rule_id(page)
    assert f'action="/alerts/{rid}/edit"' in page
    edit = {"condition": "RSI(14) crosses below 30", "mode": "every", "cooldown_minutes": "15",
            "expires_at": "2030-01-01T00:00", "enabled": "yes"}
    saved = web.client.post(f"/alerts/{rid}/edit", data=edit, headers=ORIGIN,
                            follow_redirects=False)
    assert saved.status_code == 303
    rule = web.runtime.alert_rules.get(rid)
    assert str(rule.conditions) == "RSI(14) crosses below 30"
    assert (rule.mode.value, rule.cooldown, rule.enabled) == ("every", timedelta(minutes=15), True)
    assert rule.expires_at is not None
    assert rule.expires_at.isoformat() == "2030-01-01T00:00:00+00:00"
    page = web.client.get("/alerts").text
    assert "every time, cooldown" in page and 'value="2030-01-01T00:00"' in page
    wrong = web.client.post(f"/alerts/{rid}/edit", data=edit | {"condition": "RSI(14) abve 1"},
                            headers=ORIGIN)
    assert wrong.status_code == 422 and "&#39;abve&#39;" in wrong.text
    assert 'value="RSI(14) abve 1"' in wrong.text and "<details class=\"edit\" open>" in wrong.text
    off = web.client.post(f"/alerts/{rid}/edit", data={**edit, "enabled": "", "mode": "once",
                                                       "cooldown_minutes": "", "expires_at": ""},
                          headers=ORIGIN)
    assert off.status_code == 200  # the redirect followed
    rule = web.runtime.alert_rules.get(rid)
    assert (rule.enabled, rule.mode.value, rule.expires_at) == (False, "once", None)
    signed_up(web, name="Other")
    assert web.client.post(f"/alerts/{rid}/edit", data=edit, headers=ORIGIN).status_code == 404
