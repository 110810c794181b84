"""Alerts in a real browser (docs/web.md, "Alerts", "Alert channels and notifications"):
a rule created, edited in place and deleted on /alerts; a webhook channel added, tested
against a real receiver on 127.0.0.1 and removed; the notifications page showing what
fired and why, marked read. Screenshots of each page (conftest.ARTIFACTS).

Prices move on SPOT only, and end where they started; the rules are evaluated by the
code of ``serve``'s alerts job (``LiveAlerts``) on the server's own runtime.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from copytrade.domain.alerts.channels import SIGNATURE_HEADER, signature_matches
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.alerts.live import LiveAlerts
from tests.integration.alerts.receivers import http_receiver

from ..integration.engine.harness import SPOT
from .conftest import LiveServer, shot
from .test_copy_flow import sign_up


def new_rule(page: Page, condition: str) -> str:
    """A rule made with the form on /alerts (SPOT, 1m candles, once); its id."""
    page.goto("/alerts")
    page.select_option("#alert-symbol", SPOT.symbol)
    page.select_option("#alert-timeframe", "1m")
    page.fill("#alert-condition", condition)
    page.click("#make-alert")
    page.wait_for_url(re.compile(r"/alerts$"))
    row = page.locator("#alert-rules tbody tr[data-rule]").last
    expect(row.locator("code")).to_have_text(condition)
    rule = row.get_attribute("data-rule")
    assert rule is not None
    return rule


def test_a_rule_is_created_edited_in_place_and_deleted(page: Page) -> None:
    sign_up(page, "Alert Ada", 1000)
    page.goto("/alerts")
    expect(page.locator("#no-rules")).to_be_visible()
    rule = new_rule(page, "price crosses above 3100")
    row = page.locator(f"tr[data-rule={rule}]")
    expect(row.locator(".status")).to_have_text("active")
    shot(page, "page_alerts")

    edit = page.locator(f"tr[data-edit={rule}]")
    edit.locator("summary").click()
    edit.locator(".edit-condition").fill("RSI(14) crosses abve 70")
    edit.locator(".save-edit").click()
    expect(page.locator("p.error")).to_contain_text("'abve'")  # shown again, still open
    expect(edit.locator(".edit-condition")).to_have_value("RSI(14) crosses abve 70")
    edit.locator(".edit-condition").fill("rsi(14) crosses above 70 and price > 2,500")
    edit.locator(".edit-every").check()
    edit.locator(".edit-cooldown").fill("15")
    edit.locator(".edit-expires").fill("2030-01-01T00:00")
    shot(page, "page_alerts_edit")
    edit.locator(".save-edit").click()
    page.wait_for_url(re.compile(r"/alerts$"))
    expect(row.locator("code")).to_have_text("RSI(14) crosses above 70 AND price above 2500")
    expect(row).to_contain_text("every time, cooldown")
    expect(row).to_contain_text("2030-01-01")

    edit.locator("summary").click()
    edit.locator(".edit-enabled").uncheck()
    edit.locator(".save-edit").click()
    expect(row.locator(".status")).to_have_text("disabled")

    row.locator("a.delete").click()
    page.wait_for_url(re.compile(rf"/alerts/{rule}/delete$"))
    page.check("#confirm")
    page.click("#confirm-delete")
    page.wait_for_url(re.compile(r"/alerts$"))
    expect(page.locator(f"tr[data-rule={rule}]")).to_have_count(0)


def test_a_webhook_channel_is_added_tested_and_removed(page: Page) -> None:
    sign_up(page, "Hook Hal", 1000)
    page.goto("/alerts")
    page.click("#to-channels")
    page.wait_for_url(re.compile(r"/alerts/channels$"))
    expect(page.locator("#no-channels")).to_be_visible()
    with http_receiver() as hook:
        page.select_option("#channel-kind", "webhook")
        page.fill("#channel-target", hook.url + "/copytrade")
        page.click("#add-channel")
        secret = page.locator("#webhook-secret code").inner_text()
        assert len(secret) > 20
        shot(page, "page_alert_channels")
        row = page.locator("#alert-channels tbody tr")
        expect(row.locator(".health")).to_have_text("healthy")
        row.locator("button.test").click()
        expect(page.locator("#notice")).to_contain_text("Test message sent to")
        (got,) = hook.received
    assert got.path == "/copytrade"
    assert signature_matches(secret, got.body, got.headers[SIGNATURE_HEADER])
    page.goto("/alerts/channels")
    expect(page.locator("#webhook-secret")).to_have_count(0)  # shown once
    # The receiver is gone now: the test says why it did not go.
    page.locator("#alert-channels button.test").click()
    expect(page.locator("p.error")).to_contain_text("did not go through")
    page.locator("#alert-channels a.remove").click()
    page.check("#confirm")
    shot(page, "page_alert_channel_remove")
    page.click("#confirm-remove")
    page.wait_for_url(re.compile(r"/alerts/channels$"))
    expect(page.locator("#no-channels")).to_be_visible()


@pytest.fixture
def evaluated(live_server: LiveServer) -> Iterator[LiveAlerts]:
    """The server's rules evaluated on its applied prices, as ``serve``'s alerts job does."""
    runtime = live_server.runtime
    alerts = LiveAlerts(runtime.platform.uow, runtime.platform.clock.now)
    listeners = runtime.platform.engine.price_listeners
    listeners.append(alerts.on_price)
    yield alerts
    listeners.remove(alerts.on_price)


def test_the_notifications_page_shows_what_fired_and_why(
    page: Page, live_server: LiveServer, evaluated: LiveAlerts
) -> None:
    runtime = live_server.runtime
    start = runtime.platform.engine.prices.snapshot()[SPOT.symbol]
    sign_up(page, "Noted Nia", 1000)
    level = start + 100
    new_rule(page, f"price crosses above {level}")
    runtime.act(evaluated.run)  # the rule is loaded

    def tick(price: Decimal) -> None:
        clock = runtime.platform.clock
        assert isinstance(clock, SimulatedClock)  # the seeded world's
        clock.advance(timedelta(minutes=1))
        runtime.act(lambda: runtime.platform.engine.on_price(SPOT.symbol, price, clock.now()))
        runtime.act(evaluated.run)

    for price in (start, start + 200, start):  # the candle at start + 200 crosses
        tick(price)
    page.goto("/alerts")
    page.click("#to-notifications")
    page.wait_for_url(re.compile(r"/alerts/notifications$"))
    expect(page.locator("#unread-count")).to_have_text("1 unread.")
    note = page.locator("#notifications tbody tr.unread")
    expect(note).to_contain_text(f"price crosses above {level}")
    expect(note.locator(".values")).to_have_text(
        f"close = {start + 200}; price = {start + 200}"
    )
    expect(note.locator(".before")).to_have_text(f"price = {start}")
    shot(page, "page_alert_notifications")
    note.locator("button.mark-read").click()
    expect(page.locator("#unread-count")).to_have_text("0 unread.")
    expect(page.locator("#notifications tbody tr.read")).to_have_count(1)
