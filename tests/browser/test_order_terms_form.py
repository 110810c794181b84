"""The order terms on /trade in a real browser (docs/web.md, "Trade"): a trailing stop
without a trail is refused with its message, what was typed stays and no order is
recorded; a stop-market with its trigger price is placed, waits (accepted) and shows its
trigger in the orders table."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import SESSION_COOKIE
from copytrade.service_layer.providers import ProviderService
from copytrade.service_layer.trading import ProviderTrading

from ..integration.engine.harness import PERP
from .conftest import LiveServer, shot
from .test_copy_flow import sign_up


def test_a_provider_places_a_stop_order_from_the_form(page: Page, live_server: LiveServer) -> None:
    sign_up(page, "Trigger Tia", 5000)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    me = live_server.runtime.identity.user_of(token).id
    service = ProviderService(live_server.runtime.platform)
    live_server.runtime.act(lambda: service.become(ProviderTerms(me, Decimal(10))))
    page.goto("/trade")
    page.select_option("#symbol", PERP.symbol)
    page.select_option("#side", "sell")
    page.fill("#qty", "0.01")
    page.select_option("#trigger", "trailing_stop")
    page.click("#place")
    expect(page.locator("[role=alert]")).to_contain_text(
        "a trailing stop needs exactly one of trail distance and trail percent"
    )
    expect(page.locator("#trigger")).to_have_value("trailing_stop")
    expect(page.locator("#qty")).to_have_value("0.01")
    trading = ProviderTrading(live_server.runtime.platform)
    assert trading.latest(me, 10, 0) == ([], 0)
    shot(page, "order_terms_1_refused")

    mark = live_server.runtime.platform.engine.prices.snapshot()[PERP.symbol]
    stop = str((mark / 2).quantize(Decimal(1)))
    page.select_option("#trigger", "stop")
    page.fill("#trigger_price", stop)
    page.select_option("#time_in_force", "ioc")
    page.click("#place")
    page.wait_for_url(re.compile(r"/trade$"))
    row = page.locator("#orders tbody tr").first
    terms = f"stop at {Decimal(stop):,.2f} · pending · IOC"  # the trigger waits (docs/venues.md)
    expect(row.locator(".order-type")).to_contain_text(terms)
    expect(row.locator(".status")).to_have_text("accepted")
    orders, total = trading.latest(me, 10, 0)
    assert total == 1 and orders[0].order.trigger_price == Decimal(stop)
    shot(page, "order_terms_2_placed")
