"""Sign-up and sign-in against guessing, spraying and enumeration (docs/api.md):
failed sign-ins are throttled per client and per (address, client), so a spraying
client is stopped and nobody can lock an owner out from elsewhere; sign-ups are
throttled per client; a sign-up answers the same for a taken address; weak
passwords are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from copytrade.adapters.db.schema import UserRow

from .conftest import PASSWORD, Api

ATTACKER = ("203.0.113.9", 40000)  # documentation addresses (RFC 5737, RFC 3849)
OWNER = ("198.51.100.20", 40000)


def _from(api: Api, client: tuple[str, int]) -> TestClient:
    """Requests to the same server from another network address."""
    return TestClient(api.client.app, client=client)


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def _register(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    body = {"email": email, "password": password, "jurisdiction": "DE"}
    return client.post("/api/v1/auth/register", json=body)


def _users(api: Api) -> int:
    with api.runtime.platform.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(UserRow)) or 0)


def test_guessing_from_elsewhere_never_locks_the_owner_out(api: Api) -> None:
    ana = api.sign_up("ana")
    attacker, owner = _from(api, ATTACKER), _from(api, OWNER)
    answers = [_login(attacker, ana["email"], f"guess number {i}").status_code for i in range(7)]
    assert answers == [401] * 5 + [429] * 2
    # Even the right password is refused to the guessing client until the window passes...
    assert _login(attacker, ana["email"], PASSWORD).status_code == 429
    # ...but the owner, on its own network, signs in at once.
    assert _login(owner, ana["email"], PASSWORD).status_code == 200
    api.harness.clock.advance(timedelta(minutes=16))
    assert _login(attacker, ana["email"], PASSWORD).status_code == 200


def test_a_client_spraying_many_addresses_is_throttled(api: Api) -> None:
    for name in ("ana", "bo", "cy"):
        api.sign_up(name)
    attacker = _from(api, ATTACKER)
    targets = [f"{n}@example.com" for n in ("ana", "bo", "cy")] + [
        f"user{i}@example.com" for i in range(27)
    ]
    answers = [_login(attacker, email, "Spring2026!!").status_code for email in targets]
    assert answers[:20] == [401] * 20 and set(answers[20:]) == {429}
    refused = _login(attacker, "ana@example.com", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert _login(_from(api, OWNER), "ana@example.com", PASSWORD).status_code == 200


def test_an_ipv6_client_counts_by_its_64_network(api: Api) -> None:
    api.sign_up("ana")
    answers = [
        _login(
            _from(api, (f"2001:db8:1:2::{i:x}", 1)), "ana@example.com", "wrong guess!"
        ).status_code
        for i in range(1, 8)
    ]
    assert answers == [401] * 5 + [429] * 2  # seven addresses, one subscriber's /64
    elsewhere = _from(api, ("2001:db8:1:3::1", 1))
    assert _login(elsewhere, "ana@example.com", PASSWORD).status_code == 200


def test_sign_ups_are_throttled_per_client(api: Api) -> None:
    limit = api.runtime.container.settings.sign_up_rate_limit
    assert limit == 10  # the default
    attacker = _from(api, ATTACKER)
    answers = [_register(attacker, f"bot{i}@example.com").status_code for i in range(limit + 2)]
    assert answers == [202] * limit + [429] * 2
    refused = _register(attacker, "one-more@example.com")
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert _users(api) == limit
    assert _register(_from(api, OWNER), "human@example.com").status_code == 202
    api.harness.clock.advance(timedelta(hours=1, minutes=1))
    assert _register(attacker, "later@example.com").status_code == 202


def test_a_sign_up_with_a_taken_address_answers_as_a_new_one(api: Api) -> None:
    ana = api.sign_up("ana")
    new = _register(api.client, "Someone.New@Example.com")
    taken = _register(api.client, "ANA@example.com", "another long passphrase")
    assert new.status_code == taken.status_code == 202
    assert set(new.json()) == set(taken.json()) == {"email", "message"}
    assert new.json()["message"] == taken.json()["message"]
    assert taken.json()["email"] == "ana@example.com"
    assert _users(api) == 2  # ana and someone.new: nothing made for the taken address
    # The account is unchanged: its own password works, the new one does not.
    assert _login(api.client, "ana@example.com", "another long passphrase").status_code == 401
    assert _login(api.client, "ana@example.com", PASSWORD).status_code == 200
    api.client.cookies.clear()
    # The owner is told on its event stream, and no one else is.
    events = api.client.get("/api/v1/events", params={"once": "true"}, headers=ana["headers"])
    assert "event: account.sign_up_attempt" in events.text
    assert '"email":"ana@example.com"' in events.text


def test_weak_passwords_are_refused(api: Api) -> None:
    for password in (
        "1234567890",
        "98765432101234",
        "password123",
        "qwertyuiop",
        "iloveyou2026",
        "anaexample",  # the e-mail's own words
        "abcdefghijkl",
    ):
        reply = _register(api.client, "ana@example.com", password)
        assert reply.status_code == 422, password
        error = reply.json()["error"]
        assert error["code"] == "invalid_value" and "password" in error["message"], password
    assert _users(api) == 0
    assert _register(api.client, "ana@example.com", "violet tram kettle").status_code == 202
