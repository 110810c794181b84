"""A copy's page marks it live on the follower's linked exchange account and pays what
a live copy owes (docs/web.md, "Copying on my exchange account"), on both backends,
with the real ccxt client against the local Binance emulator. Every refusal is the
page again with its message and changes nothing."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.routing import RoutedVenue
from copytrade.config import Settings
from copytrade.domain.copying import PauseReason
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import LedgerAccount
from tests.exchange_emulator import Emulator
from tests.exchange_emulator.linking import KEY, SECRET, linking_emulator

from ..api.conftest import PASSWORD, Api, exchange_api
from ..api.copying import market_of
from .conftest import ORIGIN
from .test_dashboard import follow, signed_up

LINK = {"exchange": "binance", "api_key": KEY, "secret": SECRET}
TICKED = {"confirm": "yes"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with linking_emulator() as emu:
        yield emu


@pytest.fixture
def web(db_settings: Settings, bare_engine: Engine, emulator: Emulator) -> Iterator[Api]:
    master_key = base64.b64encode(os.urandom(32)).decode()
    bare_engine.dispose()  # exchange_api migrates the database itself
    yield from exchange_api(db_settings.database_url, emulator, master_key)


def _free(web: Api, user: str) -> Decimal:
    with web.runtime.platform.uow() as uow:
        return uow.ledger.balance(LedgerAccount.follower_free(user))


def _live_account(web: Api, rel: str) -> str | None:
    with web.runtime.platform.uow() as uow:
        return uow.live.account_of(rel)


def test_marking_live_and_paying_fees_from_the_copy_page(web: Api) -> None:
    h = market_of(web)
    pro = h.provider("pro", "10000")
    email = signed_up(web, deposit="2000", name="Lena")
    rel = follow(web, str(pro), "1000")
    page = f"/dashboard/relationships/{rel}"
    shown = web.client.get(page)
    assert 'id="no-linked-account"' in shown.text and 'id="live-form"' not in shown.text
    # No account linked: the API's refusal on the page, nothing changed.
    refused = web.client.post(f"{page}/live", data=TICKED, headers=ORIGIN)
    assert refused.status_code == 422 and "no linked exchange account" in refused.text
    linked = web.client.post("/me/exchange", data=LINK, headers=ORIGIN)
    assert linked.status_code == 201, linked.text
    found = re.search(r'data-account="(u-[0-9a-f]{16})"', linked.text)
    assert found
    user = found.group(1)
    assert 'id="live-form"' in web.client.get(page).text

    # From another site: 403; the box not ticked: 422; a position held: 422. Unmarked.
    assert web.client.post(
        f"{page}/live", data=TICKED, headers={"Origin": "https://evil.example"}
    ).status_code == 403
    unticked = web.client.post(f"{page}/live", data={}, headers=ORIGIN)
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    h.trade(pro, "buy", "0.01")
    held = web.client.post(f"{page}/live", data=TICKED, headers=ORIGIN)
    assert held.status_code == 422 and "only a flat relationship" in held.text
    assert 'id="live-form"' in held.text
    assert _live_account(web, rel) is None
    h.trade(pro, "sell", "0.01")
    free_before = _free(web, user)

    # Another user's copy is a 404 page and changes nothing.
    signed_up(web, name="Other")
    assert web.client.post(f"{page}/live", data=TICKED, headers=ORIGIN).status_code == 404
    assert web.client.post(f"{page}/pay-fees", headers=ORIGIN).status_code == 404
    web.client.cookies.clear()
    assert web.client.post(
        "/login", data={"email": email, "password": PASSWORD},
        headers=ORIGIN,
    ).status_code in (200, 303)

    marked = web.client.post(f"{page}/live", data=TICKED, headers=ORIGIN, follow_redirects=False)
    assert marked.status_code == 303 and marked.headers["location"].endswith("#rel-live")
    assert _live_account(web, rel) == user
    venue = web.runtime.platform.venue
    assert isinstance(venue, RoutedVenue) and venue.is_live(rel)  # routed at once
    with web.runtime.platform.uow() as uow:
        cash = uow.ledger.balance(LedgerAccount.allocation_cash(rel))
    assert _free(web, user) == free_before + cash  # the paper allocation handed back
    shown = web.client.get(page).text
    assert 'id="live-on"' in shown and 'id="nothing-owed"' in shown
    assert 'id="top-up-form"' not in shown and 'id="no-top-up"' in shown
    assert 'id="live-form"' not in shown

    # A commission the platform balance could not pay: owed, paused, shown with Pay.
    fees = web.runtime.container.live_fees(web.runtime.platform)
    owed = {"relationship": rel, "follower": user, "amount": "5", "key": "c:1"}
    web.runtime.act(lambda: fees.on_commission_owed("m-1", owed))
    h.platform.accounts.withdraw(AccountId(user), _free(web, user) - Decimal(2), key="out")
    shown = web.client.get(page).text
    assert 'id="fees-owed"' in shown and "copying is paused" in shown
    short = web.client.post(f"{page}/pay-fees", headers=ORIGIN)
    assert short.status_code == 422 and "top it up" in short.text
    assert _free(web, user) == Decimal(2)  # nothing charged
    with web.runtime.platform.uow() as uow:
        assert uow.relationships.get(rel).state.pause_reason is PauseReason.FEES_OWED
        assert len(uow.live.owed(rel)) == 1

    topped = {"amount": "10", "key": "dep-top"}
    assert web.client.post("/me/deposit", data=topped, headers=ORIGIN).status_code == 200
    paid = web.client.post(f"{page}/pay-fees", headers=ORIGIN, follow_redirects=False)
    assert paid.status_code == 303, paid.text
    assert _free(web, user) == Decimal(7)
    shown = web.client.get(page).text
    assert 'id="nothing-owed"' in shown and 'class="status">active' in shown


def test_a_stopped_copy_offers_no_live_form(tmp_path: Path, emulator: Emulator) -> None:
    for web in exchange_api(tmp_path / "ct.db", emulator, "A" * 43 + "="):
        pro = market_of(web).provider("pro", "10000")
        signed_up(web, name="Stopper")
        rel = follow(web, str(pro), "500")
        assert web.client.post("/me/exchange", data=LINK, headers=ORIGIN).status_code == 201
        page = f"/dashboard/relationships/{rel}"
        assert web.client.post(f"{page}/stop", data=TICKED, headers=ORIGIN).status_code == 200
        shown = web.client.get(page).text
        assert 'id="live-form"' not in shown and 'id="live-on"' not in shown
        refused = web.client.post(f"{page}/live", data=TICKED, headers=ORIGIN)
        assert refused.status_code == 422 and "is stopped" in refused.text
