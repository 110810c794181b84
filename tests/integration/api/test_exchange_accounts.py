"""Linking, checking, listing and unlinking exchange accounts through the HTTP API, with
the real ccxt client against the local Binance emulator (docs/api.md, "Exchange
accounts"). The keys never come back: not in an answer, a log line, an error, nor in
plain text in the SQLite file."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.exchange_emulator import Emulator, Fault
from tests.exchange_emulator.linking import (
    KEY,
    SECRET,
    SECRETS,
    WITHDRAWING_KEY,
    WITHDRAWING_SECRET,
    linking_emulator,
)

from .conftest import Api, exchange_api


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with linking_emulator() as emu:
        yield emu


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "ct.db"


@pytest.fixture
def api(db_file: Path, emulator: Emulator) -> Iterator[Api]:
    yield from exchange_api(db_file, emulator, base64.b64encode(os.urandom(32)).decode())


def _link(api: Api, headers: dict[str, str], key: str = KEY, secret: str = SECRET) -> object:
    return api.client.post(
        "/api/v1/exchange-accounts",
        json={"exchange": "binance", "api_key": key, "secret": secret},
        headers=headers,
    )


def test_link_list_check_unlink_never_shows_a_key(
    api: Api, emulator: Emulator, db_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = api.sign_up("linker")
    listed = api.client.get("/api/v1/exchange-accounts", headers=user["headers"])
    assert listed.json() == {"accounts": [], "offered_exchanges": ["binance"]}

    linked = _link(api, user["headers"])
    assert linked.status_code == 201, linked.text  # type: ignore[attr-defined]
    body = linked.json()  # type: ignore[attr-defined]
    assert body["account"]["account"] == user["id"]
    assert body["account"]["api_base"] == emulator.base_url
    assert body["check"]["balances"] == {"USDT": "2500"} and body["check"]["ok"] is True
    assert body["check"]["can_withdraw"] is False
    assert ("GET", "/sapi/v1/account/apiRestrictions") in emulator.requests

    listed = api.client.get("/api/v1/exchange-accounts", headers=user["headers"])
    [row] = listed.json()["accounts"]
    assert row["account"] == user["id"] and row["exchange"] == "binance"

    checked = api.client.get(
        f"/api/v1/exchange-accounts/{user['id']}/check", headers=user["headers"]
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["markets"] == 2 and checked.json()["verdict"].startswith("ok")

    # Another user neither sees nor checks nor unlinks it.
    other = api.sign_up("other")
    assert api.client.get("/api/v1/exchange-accounts", headers=other["headers"]).json()[
        "accounts"
    ] == []
    for method, path in (("GET", f"/{user['id']}/check"), ("DELETE", f"/{user['id']}")):
        refused = api.client.request(
            method, f"/api/v1/exchange-accounts{path}", headers=other["headers"]
        )
        assert refused.status_code == 404, refused.text

    answers = [linked, listed, checked]
    unlinked = api.client.delete(f"/api/v1/exchange-accounts/{user['id']}", headers=user["headers"])
    assert unlinked.status_code == 204
    gone = api.client.get(f"/api/v1/exchange-accounts/{user['id']}/check", headers=user["headers"])
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    for answer in [*answers, gone]:
        text = answer.text  # type: ignore[attr-defined]
        assert all(s not in text for s in SECRETS)
    assert all(s not in caplog.text for s in SECRETS)


def test_the_database_file_holds_no_secret_in_plain_text(api: Api, db_file: Path) -> None:
    user = api.sign_up("sealed")
    assert _link(api, user["headers"]).status_code == 201  # type: ignore[attr-defined]
    api.runtime.container.engine.dispose()  # everything written to the file
    raw = b"".join(
        p.read_bytes() for p in db_file.parent.iterdir() if p.name.startswith(db_file.name)
    )
    assert b"linked_exchange_accounts" in raw  # the right file, with the table
    for secret in (KEY, SECRET):
        assert secret.encode() not in raw
        assert base64.b64encode(secret.encode()) not in raw


def test_keys_that_can_withdraw_are_refused_and_not_stored(api: Api) -> None:
    user = api.sign_up("greedy")
    refused = _link(api, user["headers"], WITHDRAWING_KEY, WITHDRAWING_SECRET)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    error = refused.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == "key_can_withdraw" and "withdrawal permission" in error["message"]
    assert all(s not in refused.text for s in SECRETS)  # type: ignore[attr-defined]
    listed = api.client.get("/api/v1/exchange-accounts", headers=user["headers"])
    assert listed.json()["accounts"] == []


def test_a_key_that_can_withdraw_later_fails_its_check(api: Api, emulator: Emulator) -> None:
    user = api.sign_up("later")
    assert _link(api, user["headers"]).status_code == 201  # type: ignore[attr-defined]
    emulator.state.accounts[KEY].can_withdraw = True  # its owner widened the key
    checked = api.client.get(
        f"/api/v1/exchange-accounts/{user['id']}/check", headers=user["headers"]
    )
    assert checked.status_code == 200
    assert checked.json()["ok"] is False and checked.json()["can_withdraw"] is True
    assert checked.json()["verdict"] == "refused: the key can withdraw"


def test_wrong_keys_and_an_unoffered_exchange_are_refused(api: Api) -> None:
    user = api.sign_up("wrong")
    wrong = _link(api, user["headers"], KEY, "not-the-secret-at-all-xyz")
    assert wrong.status_code == 422, wrong.text  # type: ignore[attr-defined]
    assert wrong.json()["error"]["code"] == "venue_refused"  # type: ignore[attr-defined]
    assert "not-the-secret-at-all-xyz" not in wrong.text  # type: ignore[attr-defined]
    assert KEY not in wrong.text  # type: ignore[attr-defined]
    okx = api.client.post(
        "/api/v1/exchange-accounts",
        json={"exchange": "okx", "api_key": KEY, "secret": SECRET, "password": "pass"},
        headers=user["headers"],
    )
    assert okx.status_code == 422 and okx.json()["error"]["code"] == "exchange_not_offered"
    assert api.client.get("/api/v1/exchange-accounts", headers=user["headers"]).json()[
        "accounts"
    ] == []


def test_an_unreachable_exchange_is_a_503_to_retry(api: Api, emulator: Emulator) -> None:
    user = api.sign_up("outage")
    emulator.faults.arm(Fault.SERVER_ERROR, path="exchangeInfo", times=100)
    down = _link(api, user["headers"])
    assert down.status_code == 503  # type: ignore[attr-defined]
    assert down.json()["error"]["code"] == "venue_unavailable"  # type: ignore[attr-defined]
    assert api.client.get("/api/v1/exchange-accounts", headers=user["headers"]).json()[
        "accounts"
    ] == []


def test_only_a_session_links_or_unlinks(api: Api) -> None:
    user = api.sign_up("keyed")
    made = api.client.post(
        "/api/v1/auth/keys", json={"name": "bot", "scope": "trade"}, headers=user["headers"]
    )
    key_headers = {"Authorization": f"Bearer {made.json()['key']}"}
    refused = _link(api, key_headers)
    assert refused.status_code == 403  # type: ignore[attr-defined]
    listed = api.client.get("/api/v1/exchange-accounts", headers=key_headers)
    assert listed.status_code == 200


def test_no_master_key_is_a_clear_503(
    tmp_path: Path, emulator: Emulator
) -> None:
    for api in exchange_api(tmp_path / "nokey.db", emulator, None):
        user = api.sign_up("nokey")
        answer = _link(api, user["headers"])
        assert answer.status_code == 503  # type: ignore[attr-defined]
        error = answer.json()["error"]  # type: ignore[attr-defined]
        assert error["code"] == "secrets_unavailable" and "COPYTRADE_SECRET_KEY" in error["message"]
        assert emulator.requests == []  # refused before the exchange is asked
