"""API keys for programs: made and revoked by their user, shown once, stored hashed,
read-only or trading, rate-limited per key (docs/api.md, API keys)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from copytrade.config import Settings

from .conftest import Api, started_api

KEYS = "/api/v1/auth/keys"


def make_key(api: Api, user: dict[str, Any], scope: str, name: str = "bot") -> dict[str, Any]:
    made = api.client.post(KEYS, json={"name": name, "scope": scope}, headers=user["headers"])
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_is_shown_once_and_stored_only_as_its_hash(api: Api, db_engine: Engine) -> None:
    ana = api.sign_up("ana")
    made = make_key(api, ana, "read", "prices bot")
    assert made["key"].startswith("ctk_") and len(made["key"]) > 40
    assert (made["name"], made["scope"], made["revoked_at"]) == ("prices bot", "read", None)
    listed = api.client.get(KEYS, headers=ana["headers"]).json()["keys"]
    assert listed == [{k: v for k, v in made.items() if k != "key"}]
    with db_engine.connect() as conn:
        rows = conn.execute(text("SELECT id, key_hash, user_id, scope FROM api_keys")).all()
    assert [tuple(r) for r in rows] == [
        (made["id"], hashlib.sha256(made["key"].encode()).hexdigest(), ana["id"], "read")
    ]
    assert made["key"] not in str(rows)
    me = api.client.get("/api/v1/auth/me", headers=bearer(made["key"]))
    assert me.status_code == 200 and me.json()["id"] == ana["id"]


def test_a_read_only_key_reads_and_every_change_is_403(api: Api) -> None:
    bo = api.sign_up("bo")
    key = make_key(api, bo, "read")["key"]
    assert api.client.get("/api/v1/accounts/me", headers=bearer(key)).status_code == 200
    refused = api.client.post(
        "/api/v1/accounts/me/deposit",
        json={"amount": "100", "idempotency_key": "k1"},
        headers=bearer(key),
    )
    assert refused.status_code == 403, refused.text
    assert "read-only" in refused.json()["error"]["message"]
    account = api.client.get("/api/v1/accounts/me", headers=bo["headers"]).json()
    assert account["free_balance"] == "0"  # nothing changed


def test_a_trade_key_changes_things_but_cannot_manage_keys(api: Api) -> None:
    cy = api.sign_up("cy")
    key = make_key(api, cy, "trade")["key"]
    deposited = api.client.post(
        "/api/v1/accounts/me/deposit",
        json={"amount": "100", "idempotency_key": "k1"},
        headers=bearer(key),
    )
    assert deposited.status_code == 200 and deposited.json()["free_balance"] == "100"
    for method, path in (("POST", KEYS), ("GET", KEYS)):
        reply = api.client.request(
            method, path, json={"name": "x", "scope": "trade"}, headers=bearer(key)
        )
        assert reply.status_code == 403, reply.text
    assert len(api.client.get(KEYS, headers=cy["headers"]).json()["keys"]) == 1


def test_a_revoked_key_is_401_and_another_users_key_is_404(api: Api) -> None:
    di, ed = api.sign_up("di"), api.sign_up("ed")
    made = make_key(api, di, "trade")
    assert api.client.delete(f"{KEYS}/{made['id']}", headers=ed["headers"]).status_code == 404
    assert api.client.get("/api/v1/auth/me", headers=bearer(made["key"])).status_code == 200
    assert api.client.delete(f"{KEYS}/{made['id']}", headers=di["headers"]).status_code == 204
    gone = api.client.get("/api/v1/auth/me", headers=bearer(made["key"]))
    assert gone.status_code == 401 and gone.json()["error"]["code"] == "unauthenticated"
    assert api.client.delete(f"{KEYS}/{made['id']}", headers=di["headers"]).status_code == 204
    listed = api.client.get(KEYS, headers=di["headers"]).json()["keys"]
    assert listed[0]["revoked_at"] is not None
    assert api.client.get("/api/v1/auth/me", headers=bearer("ctk_made-up")).status_code == 401


def test_bad_key_requests_are_422(api: Api) -> None:
    fa = api.sign_up("fa")
    for body in ({"name": "x", "scope": "admin"}, {"name": "", "scope": "read"}, {"scope": "read"}):
        assert api.client.post(KEYS, json=body, headers=fa["headers"]).status_code == 422
    assert api.client.get(KEYS, headers=fa["headers"]).json()["keys"] == []
    assert api.client.delete(f"{KEYS}/nope", headers=fa["headers"]).status_code == 422


@pytest.fixture
def limited(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    settings = db_settings.model_copy(
        update={"api_key_rate_limit": 3, "api_key_rate_window_seconds": 60.0}
    )
    yield from started_api(db_engine, settings)


def test_each_key_has_its_own_request_window(limited: Api) -> None:
    api = limited
    gi = api.sign_up("gi")
    first, second = make_key(api, gi, "read")["key"], make_key(api, gi, "read")["key"]
    for _ in range(3):
        assert api.client.get("/api/v1/auth/me", headers=bearer(first)).status_code == 200
    refused = api.client.get("/api/v1/auth/me", headers=bearer(first))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.client.get("/api/v1/auth/me", headers=bearer(second)).status_code == 200
    # The session is not limited per key.
    assert api.client.get("/api/v1/auth/me", headers=gi["headers"]).status_code == 200
    api.harness.clock.advance(timedelta(seconds=60))
    assert api.client.get("/api/v1/auth/me", headers=bearer(first)).status_code == 200
