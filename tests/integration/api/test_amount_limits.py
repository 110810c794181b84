"""The API's amount limits are the domain's one limit (MAX_AMOUNT), which storage holds.

An amount up to it is carried end to end (ledger and venue agree); one above it, or
too precise, is a 422 naming the field, with nothing written anywhere.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import Engine

from copytrade.domain.values import MAX_AMOUNT, USDT

from ..engine.harness import PERP
from ..rows import every_row
from .conftest import Api
from .copying import account, deposit, follow, follow_body, market_of

TOO_LARGE = str(MAX_AMOUNT + USDT.unit)
# Written by every request (sessions are touched); not what a refusal may change.
_BOOKKEEPING = {"api_sessions", "users"}


def _venue_usdt(api: Api, book: str) -> D:
    return api.runtime.platform.venue.balances(book).get(USDT.code, D(0))


def test_ten_billion_reaches_the_ledger_and_the_venue(api: Api) -> None:
    market_of(api).provider("pro", "1000")
    trader = api.sign_up("trader")
    become = api.client.post("/api/v1/providers/me", json={}, headers=trader["headers"])
    assert become.status_code == 201, become.text
    assert deposit(api, trader, "10000000000")["free_balance"] == "10000000000"
    assert _venue_usdt(api, trader["id"]) == D("1e10")
    ana = api.sign_up("ana")
    deposit(api, ana, f"{MAX_AMOUNT:f}")
    rel = follow(api, ana, "pro", "10000000000")["relationship"]
    assert _venue_usdt(api, rel["id"]) == D("1e10")
    assert account(api, ana)["allocated"] == "10000000000"


def _requests(rel: str) -> list[tuple[str, dict[str, Any]]]:
    move = {"idempotency_key": "k1"}
    return [
        ("/api/v1/accounts/me/deposit", {**move, "amount": TOO_LARGE}),
        ("/api/v1/accounts/me/deposit", {**move, "amount": "100.000000001"}),
        ("/api/v1/accounts/me/withdraw", {**move, "amount": TOO_LARGE}),
        ("/api/v1/relationships", follow_body("pro", TOO_LARGE)),
        (
            "/api/v1/relationships",
            follow_body("pro", "9", mode="fixed_amount", fixed_amount=TOO_LARGE),
        ),
        (f"/api/v1/relationships/{rel}/top-up", {**move, "amount": TOO_LARGE}),
        (f"/api/v1/relationships/{rel}/withdraw", {**move, "amount": TOO_LARGE}),
        ("/api/v1/orders", {"symbol": PERP.symbol, "side": "buy", "qty": TOO_LARGE}),
        (
            "/api/v1/orders",
            {"symbol": PERP.symbol, "side": "buy", "qty": "1", "type": "limit", "price": TOO_LARGE},
        ),
    ]


@pytest.mark.parametrize("index", range(len(_requests("r"))))
def test_an_amount_beyond_the_limit_is_422_and_writes_nothing(
    api: Api, db_engine: Engine, index: int
) -> None:
    market_of(api).provider("pro", "1000")
    ana = api.sign_up("ana")
    assert (
        api.client.post("/api/v1/providers/me", json={}, headers=ana["headers"]).status_code == 201
    )
    deposit(api, ana, "1000")
    rel = follow(api, ana, "pro", "500")["relationship"]
    path, body = _requests(rel["id"])[index]
    before = every_row(db_engine, _BOOKKEEPING)
    reply = api.client.post(path, json=body, headers=ana["headers"])
    assert reply.status_code == 422, reply.text
    assert reply.json()["error"]["code"] == "invalid_request", reply.text
    assert every_row(db_engine, _BOOKKEEPING) == before
