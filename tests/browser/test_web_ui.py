"""The web UI in a real browser: discovery, sign-up and sign-in, and the follow form."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from copytrade.domain.disclosures import PAST_PERFORMANCE, RISK_DISCLOSURE

from ..integration.api.conftest import PASSWORD
from .conftest import LiveServer


def card_order(page: Page) -> list[str]:
    return page.locator("li.card").evaluate_all("cards => cards.map(c => c.dataset.provider)")


def test_leaderboard_filters_and_sorts_change_the_order(
    page: Page, live_server: LiveServer
) -> None:
    ids = live_server.ids
    page.goto("/?period=all")
    expect(page.locator("#disclaimer")).to_contain_text(PAST_PERFORMANCE)
    assert card_order(page) == [ids["solo"], ids["pro"]]
    expect(page.locator("li.card svg.spark polyline")).to_have_count(2)

    page.select_option("select[name=sort]", "followers")
    page.click("#apply")
    page.wait_for_url(re.compile(r"sort=followers"))
    assert card_order(page) == [ids["pro"], ids["solo"]]

    page.fill("input[name=min_followers]", "3")
    page.click("#apply")
    page.wait_for_url(re.compile(r"min_followers=3"))
    assert card_order(page) == [ids["pro"]]
    expect(page.locator("select[name=sort]")).to_have_value("followers")  # kept

    page.fill("input[name=min_aum]", "lots")
    page.click("#apply")
    expect(page.locator("[role=alert]")).to_contain_text("min aum must be a number")


def test_provider_page_shows_the_curve_stats_and_disclaimer(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/?period=all")
    page.click(f"li.card[data-provider={live_server.ids['pro']}] a.card-head")
    page.wait_for_url(re.compile(r"/providers/"))
    expect(page.locator("h1")).to_have_text("pro")
    expect(page.locator("#disclaimer")).to_contain_text(PAST_PERFORMANCE)
    curve = page.locator("#equity-curve svg")
    expect(curve).to_be_visible()
    box = curve.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    points = curve.locator("polyline").get_attribute("points") or ""
    assert len(points.split()) == 10
    expect(page.locator("#stats thead th")).to_have_text(["", "7d", "30d", "90d", "all"])
    expect(page.locator("#trades tbody tr")).to_have_count(6)
    expect(page.locator("#copy")).to_contain_text("Sign in")  # no follow form when anonymous


def test_sign_up_sign_in_deposit_and_follow_after_the_acknowledgement(
    page: Page, live_server: LiveServer
) -> None:
    email = f"b{uuid.uuid4().hex[:8]}@example.com"
    page.goto("/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", "Browser Bea")
    page.fill("input[name=jurisdiction]", "DE")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_again]", PASSWORD)
    page.click("#signup")
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("#me-email")).to_have_text(email)
    assert all(c["httpOnly"] for c in page.context.cookies())  # scripts cannot read it

    page.click("#nav-logout")
    expect(page.locator("#nav-login")).to_be_visible()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "not the password")
    page.click("#login")
    expect(page.locator("[role=alert]")).to_contain_text("wrong e-mail or password")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login")
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.locator("#no-relationships")).to_be_visible()
    page.fill("#deposit-amount", "1000")
    page.click("#deposit")
    expect(page.locator("#free-balance")).to_have_text("1,000.00 USDT")

    page.goto(f"/providers/{live_server.ids['pro']}")
    expect(page.locator("#risk-disclosure")).to_contain_text(RISK_DISCLOSURE)
    page.fill("#allocation", "250")
    page.click("#follow")  # not ticked: the browser keeps the form
    assert page.locator("#acknowledge").evaluate("box => box.validity.valueMissing")
    assert page.url.endswith(f"/providers/{live_server.ids['pro']}")
    page.locator("#acknowledge").evaluate("box => box.removeAttribute('required')")
    page.click("#follow")  # and the server refuses it too
    expect(page.locator("#copy [role=alert]")).to_contain_text("tick the box")
    expect(page.locator("#allocation")).to_have_value("250")

    page.check("#acknowledge")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))
    row = page.locator(f"#relationships tr[data-provider={live_server.ids['pro']}]")
    expect(row.locator(".status")).to_have_text("active")
    expect(row.locator(".allocation")).to_have_text("250.00")
    expect(page.locator("#free-balance")).to_have_text("750.00 USDT")
