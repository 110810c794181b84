"""Risk alerts in a real browser (docs/web.md, "Risk alerts"): reached from /alerts, a
level out of range refused with the form kept, a subscription made, a paused copy's
skip firing on the watcher of ``serve``'s risk-alerts job and shown with its reason,
switched off and deleted after confirming. Screenshots (conftest.ARTIFACTS)."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher
from copytrade.service_layer.trading import OrderAsk, ProviderTrading

from ..integration.engine.harness import PERP
from .conftest import LiveServer, shot
from .test_copy_flow import sign_up


def test_a_risk_alert_is_subscribed_fires_on_a_skipped_copy_and_is_deleted(
    page: Page, live_server: LiveServer
) -> None:
    runtime, pro = live_server.runtime, live_server.ids["pro"]
    sign_up(page, "Risk Rita", 2000)
    page.goto("/alerts")
    page.click("#to-risk-alerts")
    page.wait_for_url(re.compile(r"/alerts/risk$"))
    expect(page.locator("#no-risk-rules")).to_be_visible()
    page.select_option("#risk-kind", "drawdown")
    page.fill("#risk-level", "150")
    page.click("#make-risk")
    expect(page.locator("p.error")).to_contain_text("from 0.01 to 100; got 150")
    expect(page.locator("#risk-level")).to_have_value("150")
    page.select_option("#risk-kind", "copy_skipped")
    page.fill("#risk-level", "")
    page.click("#make-risk")
    page.wait_for_url(re.compile(r"/alerts/risk$"))
    row = page.locator("#risk-rules tbody tr[data-risk]")
    expect(row.locator(".kind")).to_have_text("copy_skipped")
    expect(row.locator(".status")).to_have_text("enabled")

    page.goto(f"/providers/{pro}")  # copy the provider, then pause the copy
    page.fill("#allocation", "1000")
    page.check("#acknowledge")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))
    page.goto("/dashboard")
    page.locator(f"section.relationship[data-provider={pro}] button.pause").click()
    page.wait_for_url(re.compile(r"/dashboard$"))
    trading = ProviderTrading(runtime.platform)
    ask = OrderAsk(PERP.symbol, Side.BUY, Decimal("0.01"), OrderType.MARKET, None, Decimal(5),
                   False)  # fmt: skip
    runtime.act(lambda: trading.place(pro, None, ask))
    platform = runtime.platform
    watcher = RiskWatcher(platform.uow, platform.engine.prices.snapshot, platform.clock.now)
    assert runtime.act(watcher.run) >= 1

    page.goto("/alerts/risk")
    fired = page.locator("#risk-firings tbody tr").first
    expect(fired.locator(".text")).to_contain_text(
        f"copy skipped: copying paused or stopped (not_active), {PERP.symbol}"
    )
    expect(fired.locator(".values")).to_contain_text(f"provider = {pro}")
    shot(page, "page_risk_alerts")
    row.locator("button.switch").click()
    expect(row.locator(".status")).to_have_text("disabled")
    row.locator("a.delete").click()
    page.wait_for_url(re.compile(r"/alerts/risk/risk_[0-9a-f]{16}/delete$"))
    page.check("#confirm")
    page.click("#confirm-delete")
    page.wait_for_url(re.compile(r"/alerts/risk$"))
    expect(page.locator("#no-risk-rules")).to_be_visible()
    expect(page.locator("#risk-firings tbody tr")).to_have_count(1)  # what fired stays
