"""The whole copy flow in a real browser: sign up, find a provider, follow it, see
its trade copied on the dashboard, stop copying. A screenshot per step goes to
the artifacts directory (``conftest.ARTIFACTS``).

The seeded provider ``pro`` has no sign-in, so it trades through the platform's
provider trading service under the engine lock, as ``POST /api/v1/orders`` would; a
provider with a sign-in places its order on the /trade page (the second test).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from playwright.sync_api import Page, expect

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import SESSION_COOKIE
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.providers import ProviderService
from copytrade.service_layer.trading import OrderAsk, ProviderTrading

from ..integration.api.conftest import PASSWORD
from ..integration.engine.harness import PERP
from .conftest import LiveServer
from .conftest import shot as take


def shot(page: Page, step: str) -> None:
    take(page, f"copy_flow_{step}")


def sign_up(page: Page, name: str, deposit: int, step: str = "") -> None:
    """Sign up with the form (a screenshot of it filled in as ``step``) and deposit."""
    page.goto("/signup")
    page.fill("input[name=email]", f"{name.split()[0].lower()}{uuid.uuid4().hex[:8]}@example.com")
    page.fill("input[name=display_name]", name)
    page.fill("input[name=jurisdiction]", "DE")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    if step:
        shot(page, step)
    page.click("#signup")
    page.wait_for_url(re.compile(r"/me$"))
    page.fill("#deposit-amount", str(deposit))
    page.click("#deposit")
    expect(page.locator("#free-balance")).to_have_text(f"{deposit:,}.00 USDT")


def test_a_provider_places_an_order_on_the_trade_page(page: Page, live_server: LiveServer) -> None:
    sign_up(page, "Trader Tom", 5000)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    me = live_server.runtime.identity.user_of(token).id
    service = ProviderService(live_server.runtime.platform)
    live_server.runtime.act(lambda: service.become(ProviderTerms(me, Decimal(10))))

    page.click("#nav-provider")
    expect(page.locator("#active")).to_have_text("0")
    page.click("#to-trade")
    page.wait_for_url(re.compile(r"/trade$"))
    expect(page.locator("#no-orders")).to_be_visible()
    page.select_option("#symbol", PERP.symbol)
    page.fill("#qty", "lots")
    page.click("#place")
    expect(page.locator("[role=alert]")).to_contain_text("qty must be a number")
    expect(page.locator("#qty")).to_have_value("lots")
    page.fill("#qty", "0.01")
    page.fill("#leverage", "2")
    page.click("#place")
    page.wait_for_url(re.compile(r"/trade$"))
    row = page.locator("#orders tbody tr").first
    expect(row.locator(".status")).to_have_text("filled")
    expect(row.locator(".filled")).to_have_text("0.01")
    shot(page, "0_trade")


def test_a_new_user_copies_a_provider_sees_the_copy_and_stops(
    page: Page, live_server: LiveServer
) -> None:
    pro = live_server.ids["pro"]
    sign_up(page, "Copy Carla", 2000, "1_signup")
    shot(page, "2_deposited")

    page.goto("/?period=all")
    card = page.locator(f"li.card[data-provider={pro}]")
    expect(card).to_be_visible()
    shot(page, "3_leaderboard")
    card.locator("a.card-head").click()
    page.wait_for_url(re.compile(rf"/providers/{pro}$"))
    page.fill("#allocation", "1000")
    page.check("#acknowledge")
    shot(page, "4_follow_form")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))

    page.click("#nav-dashboard")
    page.wait_for_url(re.compile(r"/dashboard$"))
    copy = page.locator(f"section.relationship[data-provider={pro}]")
    expect(copy.locator(".status")).to_have_text("active")
    expect(copy.locator(".no-decisions")).to_be_visible()
    expect(page.locator("#disclaimer")).to_contain_text(PAST_PERFORMANCE)
    shot(page, "5_dashboard_following")

    trading = ProviderTrading(live_server.runtime.platform)
    ask = OrderAsk(PERP.symbol, Side.BUY, Decimal("0.1"), OrderType.MARKET, None, Decimal(5), False)
    live_server.runtime.act(lambda: trading.place(pro, None, ask))

    page.reload()
    decision = copy.locator("table.decisions tbody tr").first
    expect(decision.locator(".action")).to_have_text("placed")
    expect(decision).to_contain_text(PERP.symbol)
    expect(copy.locator("table.positions tbody tr")).to_have_count(1)
    shot(page, "6_copy_placed")

    copy.locator("a.stop").click()
    page.wait_for_url(re.compile(r"/stop$"))
    page.click("#confirm-stop")  # the box is required: the browser does not send it yet
    expect(page).to_have_url(re.compile(r"/stop$"))
    page.check("#confirm")
    page.click("#confirm-stop")
    page.wait_for_url(re.compile(r"/dashboard$"))
    expect(copy.locator(".status")).to_have_text("stopped")
    expect(copy.locator("a.stop")).to_have_count(0)
    shot(page, "7_stopped")
