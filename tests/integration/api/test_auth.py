"""Register, sign in, sign out; errors are JSON with a code and a message."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from copytrade.adapters.db.schema import ApiSessionRow, UserRow

from .conftest import PASSWORD, Api


def test_register_login_me_logout(api: Api) -> None:
    user = api.sign_up("ana")
    me = api.client.get("/api/v1/auth/me", headers=user["headers"])
    assert me.status_code == 200
    assert me.json()["email"] == "ana@example.com" and me.json()["jurisdiction"] == "DE"
    out = api.client.post("/api/v1/auth/logout", headers=user["headers"])
    assert out.status_code == 204
    again = api.client.get("/api/v1/auth/me", headers=user["headers"])
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "unauthenticated"


def test_password_is_stored_hashed_and_token_only_as_a_digest(api: Api) -> None:
    session = (api.sign_up("bo"))["headers"]["Authorization"].split()[1]
    with api.runtime.platform.uow() as uow:
        stored = uow.session.scalars(select(UserRow.password_hash)).one()
        digests = list(uow.session.scalars(select(ApiSessionRow.token_hash)))
    assert PASSWORD not in stored and stored.startswith("$argon2id$")
    assert session not in digests and len(digests) == 1 and len(digests[0]) == 64


def test_wrong_password_and_unknown_email_get_the_same_answer(api: Api) -> None:
    api.sign_up("cy")
    wrong = api.client.post(
        "/api/v1/auth/login", json={"email": "cy@example.com", "password": "not the password"}
    )
    unknown = api.client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_bad_sign_ups_are_422_with_a_reason_and_create_nothing(api: Api) -> None:
    cases = [
        {"email": "not-an-email", "password": PASSWORD, "jurisdiction": "DE"},
        {"email": "ed@example.com", "password": "short", "jurisdiction": "DE"},
        {"email": "ed@example.com", "password": PASSWORD, "jurisdiction": "Germany"},
        {"email": "ed@example.com", "password": PASSWORD},
        {"email": "ed@example.com", "password": 12345678901, "jurisdiction": "DE"},
    ]
    for body in cases:
        reply = api.client.post("/api/v1/auth/register", json=body)
        assert reply.status_code == 422, body
        error = reply.json()["error"]
        assert error["code"] in {"invalid_value", "invalid_request"} and error["message"]
    with api.runtime.platform.uow() as uow:
        assert uow.session.scalars(select(UserRow)).all() == []


def test_sessions_expire(api: Api) -> None:
    user = api.sign_up("fa")
    minutes = api.runtime.container.settings.api_session_minutes
    api.harness.clock.advance(timedelta(minutes=minutes + 1))
    reply = api.client.get("/api/v1/auth/me", headers=user["headers"])
    assert reply.status_code == 401


def test_missing_or_forged_token_is_401(api: Api) -> None:
    assert api.client.get("/api/v1/auth/me").status_code == 401
    forged = api.client.get("/api/v1/auth/me", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401 and "sign in" in forged.json()["error"]["message"]


def test_repeated_wrong_passwords_are_throttled_then_allowed_again(api: Api) -> None:
    api.sign_up("gu")
    wrong = {"email": "gu@example.com", "password": "guess guess guess"}
    answers = [api.client.post("/api/v1/auth/login", json=wrong).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    right = api.client.post("/api/v1/auth/login", json={**wrong, "password": PASSWORD})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    assert right.json()["error"]["code"] == "too_many_attempts"
    api.harness.clock.advance(timedelta(minutes=16))
    assert (
        api.client.post("/api/v1/auth/login", json={**wrong, "password": PASSWORD}).status_code
        == 200
    )
