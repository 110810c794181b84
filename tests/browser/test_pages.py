"""The pages added for issue 14 in a real browser: live updates from the event stream, a
copy's page (top-up, withdraw, close by hand, stop, each confirmed where destructive), the
provider's terms form and order cancel; and a screenshot of every page (conftest.ARTIFACTS).

These tests trade with a provider of their own, never the seeded ``pro``, whose six closed
trades other tests count.
"""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Browser, Page, expect

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import SESSION_COOKIE
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.providers import ProviderService
from copytrade.service_layer.trading import OrderAsk, ProviderTrading

from ..integration.engine.harness import PERP
from .conftest import LiveServer, shot
from .test_copy_flow import sign_up


def user_id(page: Page, live_server: LiveServer) -> str:
    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    return live_server.runtime.identity.user_of(token).id


def new_provider(page: Page, live_server: LiveServer, name: str) -> str:
    """A signed-in provider with 20,000 USDT on the venue; its id."""
    sign_up(page, name, 20000)
    me = user_id(page, live_server)
    service = ProviderService(live_server.runtime.platform)
    live_server.runtime.act(lambda: service.become(ProviderTerms(me, Decimal(10))))
    return me


def trade(live_server: LiveServer, provider: str, side: Side, qty: str) -> None:
    """The provider trades as an API client would, while the pages stay open."""
    trading = ProviderTrading(live_server.runtime.platform)
    ask = OrderAsk(PERP.symbol, side, Decimal(qty), OrderType.MARKET, None, Decimal(2), False)
    live_server.runtime.act(lambda: trading.place(provider, None, ask))


def follow(page: Page, provider: str, allocation: str) -> None:
    page.goto(f"/providers/{provider}")
    page.fill("#allocation", allocation)
    page.check("#acknowledge")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))


def test_a_copy_appears_on_the_dashboard_without_reloading(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    provider_page = browser.new_context(base_url=live_server.url).new_page()
    provider = new_provider(provider_page, live_server, "Live Lou")
    provider_page.goto("/trade")
    expect(provider_page.locator("#no-orders")).to_be_visible()

    sign_up(page, "Watching Wes", 3000)
    follow(page, provider, "2000")
    page.goto("/dashboard")
    copy = page.locator(f"section.relationship[data-provider={provider}]")
    expect(copy.locator(".no-decisions")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("● live")
    page.evaluate("window.notReloaded = true")

    trade(live_server, provider, Side.BUY, "0.1")
    expect(copy.locator("table.decisions tbody tr .action")).to_have_text("placed")
    expect(copy.locator("table.positions tbody tr")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True  # updated in place
    shot(page, "live_dashboard_after_copy")
    expect(provider_page.locator("#orders tbody tr .status")).to_have_text("filled")  # live too
    shot(provider_page, "live_trade_after_order")
    provider_page.context.close()


def test_a_visitor_signed_out_sees_a_providers_trade_close_without_reloading(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    provider_page = browser.new_context(base_url=live_server.url).new_page()
    provider = new_provider(provider_page, live_server, "Public Pat")
    page.goto(f"/providers/{provider}")  # ``page`` has never signed in
    expect(page.locator("#live-status")).to_have_text("● live")
    expect(page.locator("#trades tbody tr")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    trade(live_server, provider, Side.BUY, "0.1")
    trade(live_server, provider, Side.SELL, "0.1")  # a closed trade: public
    expect(page.locator("#trades tbody tr")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True  # updated in place
    shot(page, "live_provider_page_signed_out")
    provider_page.context.close()


def test_a_copys_page_tops_up_withdraws_closes_and_stops(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    other = browser.new_context(base_url=live_server.url).new_page()
    provider = new_provider(other, live_server, "Copy Page Cat")
    other.context.close()
    sign_up(page, "Tidy Tim", 4000)
    follow(page, provider, "2000")
    trade(live_server, provider, Side.BUY, "0.1")
    page.goto("/dashboard")
    page.click(f"section.relationship[data-provider={provider}] a.details")
    page.wait_for_url(re.compile(r"/dashboard/relationships/[^/]+$"))
    expect(page.locator("#rel-chart")).to_contain_text("after the first day's close")
    shot(page, "page_relationship")

    page.fill("#top-up-amount", "1e3")
    page.click("#top-up")
    expect(page.locator("[role=alert]")).to_contain_text("amount must be a number")
    page.fill("#top-up-amount", "500")
    page.click("#top-up")
    expect(page.locator(".allocation")).to_have_text("2,500.00")
    page.fill("#withdraw-amount", "300")
    page.click("#withdraw")
    expect(page.locator(".allocation")).to_have_text("2,200.00")

    page.click("a.close-position")
    page.wait_for_url(re.compile(r"/close\?symbol="))
    shot(page, "page_confirm_close")
    page.click("#confirm-close")
    expect(page).to_have_url(re.compile(r"/close\?symbol="))  # the required box stops it
    page.check("#confirm")
    page.click("#confirm-close")
    page.wait_for_url(re.compile(r"/dashboard/relationships/[^/?]+$"))
    expect(page.locator("#rel-positions")).to_contain_text("No open positions.")

    page.click("a.stop")
    page.wait_for_url(re.compile(r"/stop$"))
    shot(page, "page_confirm_stop")
    page.check("#confirm")
    page.click("#confirm-stop")
    page.wait_for_url(re.compile(r"/dashboard$"))
    expect(page.locator(f"section.relationship[data-provider={provider}] .status")).to_have_text(
        "stopped"
    )
    trade(live_server, provider, Side.SELL, "0.1")


def test_a_provider_changes_its_terms_and_cancels_an_order(
    page: Page, live_server: LiveServer
) -> None:
    sign_up(page, "Terms Tess", 5000)
    page.click("#nav-provider")
    expect(page.locator("#become-form")).to_be_visible()
    shot(page, "page_become_provider")
    page.fill("#share_pct", "12")
    page.click("#become")
    page.wait_for_url(re.compile(r"/provider$"))
    expect(page.locator("#share")).to_have_text("12.00%")
    shot(page, "page_provider_dashboard")

    page.click("#to-terms")
    page.wait_for_url(re.compile(r"/provider/terms$"))
    expect(page.locator("#share_pct")).to_have_value("12")
    page.fill("#share_pct", "45")
    page.click("#save-terms")
    expect(page.locator("[role=alert]")).to_contain_text("share pct must be a number from 0 to 30")
    shot(page, "page_provider_terms_error")
    page.fill("#share_pct", "20")
    page.select_option("#settlement_period", "monthly")
    page.click("#save-terms")
    page.wait_for_url(re.compile(r"/provider$"))
    expect(page.locator("#share")).to_have_text("20.00%")

    page.click("#to-trade")
    page.select_option("#type", "limit")
    page.fill("#qty", "0.01")
    page.fill("#price", "30000")
    page.click("#place")
    page.wait_for_url(re.compile(r"/trade$"))
    row = page.locator("#orders tbody tr").first
    expect(row.locator("button.cancel-order")).to_be_visible()
    shot(page, "page_trade_open_order")
    row.locator("button.cancel-order").click()
    page.wait_for_url(re.compile(r"/trade$"))
    expect(page.locator("#orders tbody tr").first.locator(".status")).to_contain_text("cancelled")
    expect(page.locator("#orders button.cancel-order")).to_have_count(0)


def test_a_screenshot_of_every_page(page: Page, live_server: LiveServer) -> None:
    pro = live_server.ids["pro"]
    for path, name in [("/", "leaderboard"), (f"/providers/{pro}", "provider"),
                       ("/signup", "signup"), ("/login", "login")]:  # fmt: skip
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        shot(page, f"page_{name}")
    page.goto(f"/providers/{pro}")
    expect(page.locator("#equity-curve .point title")).to_have_count(10)  # hover values
    point = page.locator("#equity-curve .point").nth(4)
    point.hover()
    expect(point.locator("circle")).to_have_css("opacity", "1")  # the hovered day's dot
    shot(page, "page_provider_hover")
    sign_up(page, "Shot Sam", 3000)
    follow(page, pro, "1000")
    shot(page, "page_me")
    page.goto("/dashboard")
    rel = page.locator("section.relationship").first.get_attribute("data-relationship")
    copy = f"/dashboard/relationships/{rel}"
    for path, name in [("/dashboard", "dashboard"), (copy, "relationship"),
                       (f"{copy}/stop", "confirm_stop"),
                       ("/provider", "provider_not_yet"), ("/trade", "trade_refused"),
                       ("/logout", "logout"), ("/providers/nobody", "not_found")]:  # fmt: skip
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        shot(page, f"page_{name}")
