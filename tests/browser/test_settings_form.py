"""The edit-settings form of a copy's page in a real browser (docs/web.md, "Editing copy
settings"): a value a follow would refuse is shown again with the message, a good edit
is saved and listed under "Settings changes". A screenshot per step."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import LiveServer
from .conftest import shot as take
from .test_copy_flow import sign_up


def test_a_follower_edits_its_copy_settings(page: Page, live_server: LiveServer) -> None:
    pro = live_server.ids["pro"]
    sign_up(page, "Edit Emma", 2000)
    page.goto(f"/providers/{pro}")
    page.fill("#allocation", "1000")
    page.check("#acknowledge")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))
    page.goto("/dashboard")
    copy = page.locator(f"section.relationship[data-provider={pro}]")
    copy.locator("a[href^='/dashboard/relationships/']").first.click()
    page.wait_for_url(re.compile(r"/dashboard/relationships/[^/]+$"))
    form = page.locator("#settings-form")
    expect(page.locator(".no-settings-changes")).to_be_visible()
    expect(form.locator("input[name=max_loss_pct]")).to_have_value("20")

    form.locator("input[name=multiplier]").fill("11")
    page.click("#save-settings")
    expect(page.locator("[role=alert]")).to_contain_text("multiplier must be at most 10")
    expect(form.locator("input[name=multiplier]")).to_have_value("11")
    take(page, "settings_1_refused")

    form.locator("input[name=multiplier]").fill("2")
    page.fill("#copy_stop_loss_pct", "5")
    page.click("#save-settings")
    page.wait_for_url(re.compile(r"#rel-edit$"))
    changes = page.locator("table.settings-changes")
    expect(changes).to_contain_text("copy stop loss pct")
    expect(changes).to_contain_text("multiplier")
    expect(page.locator("#settings-changes-total")).to_have_text("1 edit in all.")
    expect(page.locator("#copy_stop_loss_pct")).to_have_value("5")
    take(page, "settings_2_saved")
