"""The HTTP edge: request bodies above ``api_max_body_bytes`` are 413 before they are
read whole (declared or chunked); every answer is ``nosniff``; API answers are
``no-store`` except the public leaderboard's (docs/api.md, Conventions)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from copytrade.config import Settings

from ..engine.harness import Harness
from .conftest import Api, make_api
from .copying import account, funded

LIMIT = 64 * 1024


def _padded(size: int) -> bytes:
    """A valid deposit body of exactly ``size`` bytes (JSON whitespace pads it)."""
    head, tail = b'{"amount": "10", "idempotency_key": "big"', b"}"
    return head + b" " * (size - len(head) - len(tail)) + tail


def _post(api: Api, user: dict[str, Any], content: Any) -> Any:
    headers = {**user["headers"], "content-type": "application/json"}
    return api.client.post("/api/v1/accounts/me/deposit", content=content, headers=headers)


def test_a_body_above_the_limit_is_413_and_changes_nothing(api: Api) -> None:
    assert api.runtime.container.settings.api_max_body_bytes == LIMIT  # the default
    ana = funded(api, "ana", "100")
    declared = _post(api, ana, _padded(LIMIT + 1))
    assert declared.status_code == 413, declared.text
    assert declared.json()["error"]["code"] == "body_too_large"
    assert "65,536 bytes" in declared.json()["error"]["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        body = _padded(LIMIT + 1)
        yield from (body[i : i + 4096] for i in range(0, len(body), 4096))

    chunked = _post(api, ana, chunks())
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "body_too_large"
    assert account(api, ana)["free_balance"] == "100"
    at_limit = _post(api, ana, _padded(LIMIT))
    assert at_limit.status_code == 200 and at_limit.json()["free_balance"] == "110"


def test_a_web_form_above_the_limit_is_413(api: Api) -> None:
    form = {"email": "x@example.com", "password": "p" * (LIMIT + 1)}
    reply = api.client.post("/login", data=form, headers={"origin": "http://testserver"})
    assert reply.status_code == 413


def test_a_long_chunked_body_is_refused_after_reading_only_the_limit(api: Api) -> None:
    """Driven as the server drives the app: chunks arrive one by one (50 MiB on offer)."""
    chunk, offered = b" " * 8192, 50 * 1024 * 1024 // 8192
    pulled = 0
    answers: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < offered}

    async def send(message: dict[str, Any]) -> None:
        answers.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/accounts/me/deposit",
        "raw_path": b"/api/v1/accounts/me/deposit",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "app": api.client.app,
    }
    # In a thread of its own: another test's event loop may still run in this one.
    runner = threading.Thread(target=asyncio.run, args=(api.client.app(scope, receive, send),))
    runner.start()
    runner.join(timeout=60)
    assert answers[0]["status"] == 413
    assert pulled * len(chunk) <= LIMIT + len(chunk)  # never the whole 50 MiB


def test_the_limit_is_a_setting(db_engine: Engine, db_settings: Settings) -> None:
    small = db_settings.model_copy(update={"api_max_body_bytes": 2048})
    api = make_api(db_engine, small, Harness(db_engine))
    with api.client:
        ana = api.sign_up("ana")
        assert _post(api, ana, _padded(2049)).status_code == 413
        assert _post(api, ana, _padded(2048)).status_code == 200


def test_api_answers_are_not_stored_and_never_sniffed(api: Api) -> None:
    ana = api.sign_up("ana")
    private = [
        api.client.get("/api/v1/accounts/me", headers=ana["headers"]),
        api.client.get("/api/v1/auth/me", headers=ana["headers"]),
        api.client.get("/api/v1/accounts/me"),  # a 401
        api.client.post("/api/v1/auth/login", json={"email": ana["email"], "password": "x"}),
        api.client.get("/api/v1/events", params={"once": "true"}, headers=ana["headers"]),
        api.client.get("/api/v1/leaderboard", params={"period": "decade"}),  # a 422
    ]
    for reply in private:
        assert reply.headers["cache-control"] == "no-store", (reply.url, reply.status_code)
        assert reply.headers["x-content-type-options"] == "nosniff", reply.url
    for _ in range(2):  # computed, then from the server's page cache: the same headers
        board = api.client.get("/api/v1/leaderboard")
        assert board.status_code == 200
        assert board.headers["cache-control"] == "public, max-age=1"
        assert board.headers["x-content-type-options"] == "nosniff"
    page = api.client.get("/")
    assert page.headers["cache-control"] == "no-store"  # the web pages' own
    assert page.headers["x-content-type-options"] == "nosniff"
    assert api.client.get("/static/style.css").headers["x-content-type-options"] == "nosniff"
