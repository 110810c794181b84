"""The stop-loss / take-profit form on a provider's position, on /trade, in a real browser
(docs/web.md, "Trade"): a price the mark already reached is refused with its message and
changes nothing; a good one is saved and shown on the position; emptied, it is cancelled."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import SESSION_COOKIE
from copytrade.service_layer.providers import ProviderService

from ..integration.engine.harness import PERP
from .conftest import LiveServer, shot
from .test_copy_flow import sign_up


def test_a_provider_sets_and_cancels_a_stop_loss(page: Page, live_server: LiveServer) -> None:
    sign_up(page, "Stop Sam", 5000)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    me = live_server.runtime.identity.user_of(token).id
    service = ProviderService(live_server.runtime.platform)
    live_server.runtime.act(lambda: service.become(ProviderTerms(me, Decimal(10))))
    page.goto("/trade")
    page.select_option("#symbol", PERP.symbol)
    page.fill("#qty", "0.01")
    page.click("#place")
    page.wait_for_url(re.compile(r"/trade$"))
    mark = live_server.runtime.platform.engine.prices.snapshot()[PERP.symbol]
    row = page.locator(f"#positions-live tr[data-symbol='{PERP.symbol}']")
    expect(row.locator(".stop-loss")).to_have_text("—")

    above = str((mark * 2).quantize(Decimal(1)))
    row.locator(".tp-sl-stop").fill(above)
    row.locator(".tp-sl-set").click()
    expect(page.locator("[role=alert]")).to_contain_text("stop_loss must be below the mark")
    expect(row.locator(".stop-loss")).to_have_text("—")
    shot(page, "tp_sl_1_refused")

    below = (mark / 2).quantize(Decimal(1))
    row.locator(".tp-sl-stop").fill(str(below))
    row.locator(".tp-sl-set").click()
    page.wait_for_url(re.compile(r"/trade$"))
    expect(row.locator(".stop-loss")).to_have_text(f"{below:,.2f}")
    expect(row.locator(".tp-sl-stop")).to_have_value(str(below))
    shot(page, "tp_sl_2_set")

    row.locator(".tp-sl-stop").fill("")
    row.locator(".tp-sl-set").click()
    page.wait_for_url(re.compile(r"/trade$"))
    expect(row.locator(".stop-loss")).to_have_text("—")
