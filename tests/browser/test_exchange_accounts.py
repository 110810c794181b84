"""Linking, checking and unlinking an exchange account in a real browser, against the
local Binance emulator through the real ccxt client (docs/web.md, "Exchange account").

Its own server: the master key and the exchange the server offers are its settings."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.exchange_emulator.linking import (
    KEY,
    SECRET,
    SECRETS,
    WITHDRAWING_KEY,
    WITHDRAWING_SECRET,
    linking_emulator,
)

from ..integration.api.conftest import exchange_api
from .conftest import require_chromium, shot, uvicorn_thread
from .test_copy_flow import sign_up


@pytest.fixture
def linking_server(tmp_path: Path) -> Iterator[str]:
    require_chromium()
    with linking_emulator() as emu:
        master_key = base64.b64encode(os.urandom(32)).decode()
        for api in exchange_api(tmp_path / "ct.db", emu, master_key):
            with uvicorn_thread(api.client.app) as url:
                yield url


def test_link_check_and_unlink_an_exchange_account(
    browser: Browser, linking_server: str
) -> None:
    context = browser.new_context(base_url=linking_server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_up(page, "Linker", 100)
    page.click("#exchange-link")
    page.wait_for_url(re.compile(r"/me/exchange$"))
    expect(page.locator("#no-exchange-accounts")).to_be_visible()

    # A key that can withdraw is refused, and the form comes back without the keys.
    page.fill("#exchange-api-key", WITHDRAWING_KEY)
    page.fill("#exchange-secret", WITHDRAWING_SECRET)
    page.click("#link-account")
    expect(page.locator("p.error")).to_contain_text("can withdraw")
    expect(page.locator("#no-exchange-accounts")).to_be_visible()
    assert page.input_value("#exchange-api-key") == ""

    page.fill("#exchange-api-key", KEY)
    page.fill("#exchange-secret", SECRET)
    shot(page, "exchange-link-form")
    page.click("#link-account")
    expect(page.locator("#notice")).to_have_text("linked to binance")
    expect(page.locator("#check-balances")).to_have_text("2500 USDT")
    expect(page.locator("#check-verdict")).to_have_text("ok: the key cannot withdraw")
    expect(page.locator("#exchange-accounts td.exchange")).to_have_text("binance")
    shot(page, "exchange-linked")

    page.click("#check-account")
    expect(page.locator("#notice")).to_have_text("checked")
    expect(page.locator("#check-markets")).to_have_text("2")
    html = page.content()
    assert all(secret not in html for secret in SECRETS)

    page.click("#unlink-account")
    page.wait_for_url(re.compile(r"/me/exchange$"))
    expect(page.locator("#no-exchange-accounts")).to_be_visible()
    context.close()
