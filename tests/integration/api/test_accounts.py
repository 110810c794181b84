"""The account endpoints: paper money in and out, idempotent, and every bad input a 4xx."""

from __future__ import annotations

from typing import Any

from .conftest import Api
from .copying import account, deposit, follow_body, funded, market_of


def _move(api: Api, user: dict[str, Any], what: str, amount: str, key: str) -> Any:
    return api.client.post(
        f"/api/v1/accounts/me/{what}",
        json={"amount": amount, "idempotency_key": key},
        headers=user["headers"],
    )


def test_an_account_starts_empty_and_needs_a_session(api: Api) -> None:
    ana = api.sign_up("ana")
    mine = account(api, ana)
    assert mine["id"] == ana["id"] and mine["currency"] == "USDT"
    assert (mine["free_balance"], mine["total_equity"], mine["relationships"]) == ("0", "0", [])
    assert api.client.get("/api/v1/accounts/me").status_code == 401
    anonymous = api.client.post(
        "/api/v1/accounts/me/deposit", json={"amount": "1", "idempotency_key": "k"}
    )
    assert anonymous.status_code == 401


def test_a_repeated_deposit_key_moves_money_once(api: Api) -> None:
    ana = api.sign_up("ana")
    assert deposit(api, ana, "250.25", key="pay-1")["free_balance"] == "250.25"
    assert deposit(api, ana, "250.25", key="pay-1")["free_balance"] == "250.25"
    assert deposit(api, ana, "100", key="pay-2")["free_balance"] == "350.25"
    conflict = _move(api, ana, "deposit", "999", "pay-1")  # same key, other amount
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"
    # Keys are per user: another user's "pay-1" is its own deposit.
    bob = api.sign_up("bob")
    assert deposit(api, bob, "5", key="pay-1")["free_balance"] == "5"
    assert account(api, ana)["free_balance"] == "350.25"


def test_withdrawing_more_than_the_free_balance_changes_nothing(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    api.client.post("/api/v1/relationships", json=follow_body("pro", "600"), headers=ana["headers"])
    refused = _move(api, ana, "withdraw", "400.01", "out-1")  # 600 sits in the allocation
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "insufficient_funds" and "free balance of 400" in error["message"]
    assert account(api, ana)["free_balance"] == "400"
    ok = _move(api, ana, "withdraw", "150", "out-2")
    assert ok.status_code == 200 and ok.json()["free_balance"] == "250"
    again = _move(api, ana, "withdraw", "150", "out-2")
    assert again.status_code == 200 and again.json()["free_balance"] == "250"
    assert account(api, ana)["allocated"] == "600"


BAD_MOVES: list[dict[str, Any]] = [
    {"amount": "-5", "idempotency_key": "k"},
    {"amount": "0", "idempotency_key": "k"},
    {"amount": "NaN", "idempotency_key": "k"},
    {"amount": "Infinity", "idempotency_key": "k"},
    {"amount": "-Infinity", "idempotency_key": "k"},
    {"amount": "1e400", "idempotency_key": "k"},
    {"amount": "9" * 40, "idempotency_key": "k"},
    {"amount": 10**30, "idempotency_key": "k"},
    {"amount": "1" * 5000, "idempotency_key": "k"},
    {"amount": "0.000000001", "idempotency_key": "k"},
    {"amount": 12.5, "idempotency_key": "k"},
    {"amount": True, "idempotency_key": "k"},
    {"amount": "lots", "idempotency_key": "k"},
    {"amount": "5_000", "idempotency_key": "k"},
    {"amount": "0x10", "idempotency_key": "k"},
    {"amount": ["1"], "idempotency_key": "k"},
    {"amount": None, "idempotency_key": "k"},
    {"amount": "10"},
    {"amount": "10", "idempotency_key": ""},
    {"amount": "10", "idempotency_key": "with space"},
    {"amount": "10", "idempotency_key": "k" * 101},
    {"amount": "10", "idempotency_key": "k", "account": "someone-else"},
]


def test_bad_amounts_are_422_and_move_nothing(api: Api) -> None:
    ana = api.sign_up("ana")
    for body in BAD_MOVES:
        for what in ("deposit", "withdraw"):
            reply = api.client.post(
                f"/api/v1/accounts/me/{what}", json=body, headers=ana["headers"]
            )
            assert reply.status_code == 422, (body, reply.text)
            assert reply.json()["error"]["code"] == "invalid_request", body
    assert account(api, ana)["free_balance"] == "0"


MALFORMED = [
    b"{",
    b'{"amount": 1' + b"1" * 5000 + b', "idempotency_key": "k"}',
    b"not json",
    b"[]",
    b'"10"',
    b'{"amount": 1e999999, "idempotency_key": "k"}',
    b"",
]


def test_malformed_bodies_are_4xx_never_500(api: Api) -> None:
    ana = api.sign_up("ana")
    headers = {**ana["headers"], "content-type": "application/json"}
    for raw in MALFORMED:
        for path in ("/api/v1/accounts/me/deposit", "/api/v1/relationships"):
            reply = api.client.post(path, content=raw, headers=headers)
            assert 400 <= reply.status_code < 500, (raw, reply.text)
            assert "error" in reply.json(), raw
    assert account(api, ana)["free_balance"] == "0"
