"""Copying on one's own exchange account in a real browser: a follower links its
account, marks its copy live from the copy's page, then pays an owed commission — first
refused for a short balance, then paid after a deposit (docs/web.md, "Copying on my
exchange account"). The real ccxt client against the local Binance emulator.

Its own server: the master key and the exchange the server offers are its settings."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import LedgerAccount
from tests.exchange_emulator.linking import KEY, SECRET, linking_emulator

from ..integration.api.conftest import Api, exchange_api
from ..integration.api.copying import market_of
from .conftest import require_chromium, shot, uvicorn_thread
from .test_copy_flow import sign_up


@pytest.fixture
def live_copy_server(tmp_path: Path) -> Iterator[tuple[str, Api]]:
    require_chromium()
    with linking_emulator() as emu:
        master_key = base64.b64encode(os.urandom(32)).decode()
        for api in exchange_api(tmp_path / "ct.db", emu, master_key):
            market_of(api).provider("pro", "10000")
            with uvicorn_thread(api.client.app) as url:
                yield url, api


def test_mark_a_copy_live_and_pay_its_owed_fees(
    browser: Browser, live_copy_server: tuple[str, Api]
) -> None:
    url, api = live_copy_server
    context = browser.new_context(base_url=url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_up(page, "Live Lina", 2000)
    page.goto("/providers/pro")
    page.fill("#allocation", "1000")
    page.check("#acknowledge")
    page.click("#follow")
    page.wait_for_url(re.compile(r"/me$"))
    page.goto("/me/exchange")
    page.fill("#exchange-api-key", KEY)
    page.fill("#exchange-secret", SECRET)
    page.click("#link-account")
    expect(page.locator("#notice")).to_have_text("linked to binance")
    user = page.locator("[data-account]").first.get_attribute("data-account")
    assert user

    page.goto("/dashboard")
    page.locator("section.relationship[data-provider=pro] a", has_text="Details").click()
    page.wait_for_url(re.compile(r"/dashboard/relationships/[^/#]+$"))
    rel = page.url.rsplit("/", 1)[1]
    expect(page.locator("#live-paper")).to_be_visible()
    page.check("#live-confirm")
    shot(page, "live-copy-form")
    page.click("#mark-live")
    expect(page.locator("#live-on .live-account")).to_have_text(user)
    expect(page.locator("#nothing-owed")).to_be_visible()
    expect(page.locator("#live-form")).to_have_count(0)

    # A commission its platform balance could not pay, and a balance too short to pay it.
    runtime = api.runtime
    fees = runtime.container.live_fees(runtime.platform)
    owed = {"relationship": rel, "follower": user, "amount": "5", "key": "c:1"}
    runtime.act(lambda: fees.on_commission_owed("m-1", owed))
    with runtime.platform.uow() as uow:
        free = uow.ledger.balance(LedgerAccount.follower_free(user))
    runtime.platform.accounts.withdraw(AccountId(user), free - Decimal(1), key="out")
    page.reload()
    expect(page.locator("#fees-owed .owed-commissions")).to_have_text("5.00")
    expect(page.locator("#rel-figures .status")).to_contain_text("paused")
    page.click("#pay-fees")
    expect(page.locator("p.error[role=alert]")).to_contain_text("top it up")
    shot(page, "live-copy-fees-refused")

    page.goto("/me")
    page.fill("#deposit-amount", "20")
    page.click("#deposit")
    expect(page.locator("#free-balance")).to_have_text("21.00 USDT")
    page.goto(f"/dashboard/relationships/{rel}")
    page.click("#pay-fees")
    expect(page.locator("#nothing-owed")).to_be_visible()
    expect(page.locator("#rel-figures .status")).to_have_text("active")
    shot(page, "live-copy-fees-paid")
    context.close()
