"""/me/exchange without a browser: a form from another site changes nothing, another
user's account is a 404 page, a server that offers no exchange says so, a server with no
master key answers 503 with nothing stored, and the keys typed never come back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange_emulator import Emulator
from tests.exchange_emulator.linking import KEY, SECRET, SECRETS, linking_emulator

from ..api.conftest import Api, exchange_api
from .conftest import ORIGIN
from .test_dashboard import signed_up

LINK = {"exchange": "binance", "api_key": KEY, "secret": SECRET}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with linking_emulator() as emu:
        yield emu


@pytest.fixture
def linking(tmp_path: Path, emulator: Emulator) -> Iterator[Api]:
    yield from exchange_api(tmp_path / "ct.db", emulator, "A" * 43 + "=")


def test_csrf_other_users_and_the_keys_never_shown(linking: Api) -> None:
    signed_up(linking, name="Owner")
    elsewhere = linking.client.post(
        "/me/exchange", data=LINK, headers={"Origin": "https://evil.example"}
    )
    assert elsewhere.status_code == 403
    assert 'id="no-exchange-accounts"' in linking.client.get("/me/exchange").text
    linked = linking.client.post("/me/exchange", data=LINK, headers=ORIGIN)
    assert linked.status_code == 201, linked.text
    owner = re.search(r'data-account="(u-[0-9a-f]{16})"', linked.text)
    assert owner
    assert all(s not in linked.text for s in SECRETS)

    signed_up(linking, name="Other")
    for action in ("check", "unlink"):
        refused = linking.client.post(f"/me/exchange/{owner.group(1)}/{action}", headers=ORIGIN)
        assert refused.status_code == 404 and "no linked exchange account" in refused.text
    typo = linking.client.post(
        "/me/exchange", data={**LINK, "secret": "wrong-secret-typed-here"}, headers=ORIGIN
    )
    assert typo.status_code == 422 and "wrong-secret-typed-here" not in typo.text
    assert KEY not in typo.text


def test_no_master_key_and_no_exchange_offered(tmp_path: Path, emulator: Emulator) -> None:
    for api in exchange_api(tmp_path / "nokey.db", emulator, None):
        signed_up(api)
        answer = api.client.post("/me/exchange", data=LINK, headers=ORIGIN)
        assert answer.status_code == 503 and "COPYTRADE_SECRET_KEY" in answer.text
        assert 'id="no-exchange-accounts"' in answer.text
        api.runtime.exchange_sites.clear()
        page = api.client.get("/me/exchange")
        assert 'id="no-exchanges-offered"' in page.text and 'id="exchange-form"' not in page.text
