"""Sign-up, sign-in, sign-out, /me and the follow form, with their refusals."""

from __future__ import annotations

import itertools
from decimal import Decimal

from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape

from copytrade.adapters.db.repositories.identity import Jurisdiction
from copytrade.api.deps import SESSION_COOKIE
from copytrade.domain.disclosures import RISK_DISCLOSURE, RISK_DISCLOSURE_VERSION

from ..api.conftest import PASSWORD, Api
from .conftest import ORIGIN

_names = itertools.count()


def sign_up(web: Api, **fields: str) -> tuple[Response, str]:
    email = f"web{next(_names)}@example.com"
    form = {
        "email": email,
        "display_name": "Wendy",
        "jurisdiction": "de",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **fields,
    }
    return web.client.post("/signup", data=form, headers=ORIGIN, follow_redirects=False), email


def test_sign_up_sets_a_strict_httponly_cookie_and_shows_the_account(web: Api) -> None:
    reply, email = sign_up(web)
    assert reply.status_code == 303 and reply.headers["location"] == "/me"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = web.client.get("/me")
    assert me.status_code == 200 and email in me.text
    assert 'id="free-balance">0.00 USDT' in me.text and 'id="no-relationships"' in me.text
    assert web.client.get("/api/v1/auth/me").json()["email"] == email  # the API sees the cookie


def test_sign_up_problems_re_render_the_form_with_the_message(web: Api) -> None:
    for fields, status, words in [
        ({"email": "not-an-address"}, 422, "is not an e-mail address"),
        ({"password": "short", "password_again": "short"}, 422, "a password needs 10"),
        ({"password_again": "something else"}, 422, "the two passwords differ"),
        ({"jurisdiction": "Germany"}, 422, "is not a jurisdiction code"),
        ({"password": "1234567890", "password_again": "1234567890"}, 422, "digits only"),
        ({"password": "password123", "password_again": "password123"}, 422, "too easy to guess"),
        ({"email": ""}, 422, "is not an e-mail address"),
    ]:
        reply, _ = sign_up(web, **fields)
        assert reply.status_code == status, fields
        assert words in reply.text and 'id="signup-form"' in reply.text
        assert "set-cookie" not in reply.headers
    shown, _ = sign_up(web, display_name="<b>bold</b>", jurisdiction="Germany")
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown.text and "<b>bold</b>" not in shown.text


def test_a_taken_address_signs_up_as_the_api_answers_and_changes_nothing(web: Api) -> None:
    _, taken = sign_up(web)
    web.client.cookies.clear()
    reply, _ = sign_up(
        web, email=taken.upper(), password="violet tram kettle", password_again="violet tram kettle"
    )
    assert reply.status_code == 200 and 'id="login-form"' in reply.text
    assert "its owner has been told" in reply.text and "set-cookie" not in reply.headers
    assert "has an account" not in reply.text
    wrong = web.client.post(
        "/login", data={"email": taken, "password": "violet tram kettle"}, headers=ORIGIN
    )
    assert wrong.status_code == 401  # the account kept its own password
    # The owner typing its own password on the sign-up form is simply signed in.
    again, _ = sign_up(web, email=taken)
    assert again.status_code == 303 and again.headers["location"] == "/me"


def test_web_sign_ins_share_the_per_client_throttle(web: Api) -> None:
    _, email = sign_up(web)
    web.client.cookies.clear()
    wrong = {"email": email, "password": "wrong password!"}
    answers = [web.client.post("/login", data=wrong, headers=ORIGIN).status_code for _ in range(6)]
    assert answers == [401] * 5 + [429]
    api = web.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert api.status_code == 429  # the same client, the same count
    elsewhere = TestClient(web.client.app, client=("198.51.100.20", 40000))
    owner = elsewhere.post(
        "/login",
        data={"email": email, "password": PASSWORD},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert owner.status_code == 303 and owner.headers["location"] == "/me"


def test_sign_in_and_out(web: Api) -> None:
    _, email = sign_up(web)
    web.client.cookies.clear()
    assert web.client.get("/me", follow_redirects=False).headers["location"] == "/login"
    wrong = web.client.post(
        "/login", data={"email": email, "password": "wrong password!"}, headers=ORIGIN
    )
    assert wrong.status_code == 401 and "wrong e-mail or password" in wrong.text
    assert f'value="{email}"' in wrong.text
    empty = web.client.post("/login", data={}, headers=ORIGIN)
    assert empty.status_code == 401 and "wrong e-mail or password" in empty.text
    signed = web.client.post(
        "/login",
        data={"email": email, "password": PASSWORD},
        headers=ORIGIN,
        follow_redirects=False,
    )
    assert signed.status_code == 303 and web.client.get("/me").status_code == 200
    out = web.client.post("/logout", headers=ORIGIN, follow_redirects=False)
    assert out.status_code == 303 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert web.client.get("/me", follow_redirects=False).status_code == 303


def test_form_posts_from_another_site_are_refused(web: Api) -> None:
    form = {"email": "x@example.com", "password": PASSWORD}
    for headers in [
        {},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "http://evil.example/page"},
    ]:
        reply = web.client.post("/login", data=form, headers=headers)
        assert reply.status_code == 403 and "not sent from a copytrade page" in reply.text
    referer = web.client.post("/login", data=form, headers={"Referer": "http://testserver/login"})
    assert referer.status_code == 401  # our own page: checked, then the password is wrong


def user_of(web: Api) -> str:
    return web.runtime.identity.user_of(web.client.cookies[SESSION_COOKIE]).id


def deposit(web: Api, amount: str, key: str = "") -> Response:
    form = {"amount": amount, "key": key or f"k{next(_names)}"}
    return web.client.post("/me/deposit", data=form, headers=ORIGIN, follow_redirects=False)


def test_paper_deposits_are_idempotent_and_checked(web: Api) -> None:
    sign_up(web)
    assert deposit(web, "1000", key="once").status_code == 303
    assert deposit(web, "1000", key="once").status_code == 303  # the same form again
    assert 'id="free-balance">1,000.00 USDT' in web.client.get("/me").text
    for amount, words in [
        ("0", "more than 0"),
        ("1.123456789", "at most 8 decimals"),
        ("x", "amount must be a number"),
        ("1_000", "amount must be a number"),  # the API's plain-decimal rule (DecimalIn)
        ("1e3", "amount must be a number"),
        ("", "enter the amount"),
    ]:
        reply = deposit(web, amount)
        assert reply.status_code == 422 and words in reply.text, amount
    stale = deposit(web, "5", key="not a key!")
    assert stale.status_code == 422 and "reload the page" in stale.text


FOLLOW = {
    "allocation": "300",
    "acknowledge": "yes",
    "mode": "proportional",
    "close_on_stop": "yes",
    "disclosure_version": RISK_DISCLOSURE_VERSION,
}


def test_follow_form_needs_the_acknowledgement_then_copies_and_shows_on_me(
    web: Api, ids: dict[str, str]
) -> None:
    sign_up(web)
    page = web.client.get(f"/providers/{ids['pro']}").text
    assert escape(RISK_DISCLOSURE) in page and 'id="follow-form"' in page
    assert 'name="acknowledge" value="yes" id="acknowledge" required' in page
    url = f"/providers/{ids['pro']}/copy"
    without = {k: v for k, v in FOLLOW.items() if k != "acknowledge"}
    for form, status, words in [
        (without, 422, "tick the box to confirm"),
        ({**FOLLOW, "allocation": "lots"}, 422, "allocation must be a number"),
        ({**FOLLOW, "allocation": ""}, 422, "enter the allocation"),
        ({**FOLLOW, "mode": "all-in"}, 422, "mode must be one of"),
        ({**FOLLOW, "mode": "fixed_amount"}, 422, "fixed_amount is required"),
        ({**FOLLOW, "disclosure_version": "old"}, 409, "read it again"),
        (FOLLOW, 422, "exceeds your free balance"),
    ]:
        reply = web.client.post(url, data=form, headers=ORIGIN)
        assert reply.status_code == status and words in reply.text, form
        assert escape(RISK_DISCLOSURE) in reply.text  # the same page again, with the message
        assert 'value="' + form["allocation"] + '"' in reply.text or not form["allocation"]
    with web.runtime.platform.uow() as uow:
        assert uow.relationships.for_follower(user_of(web)) == []

    deposit(web, "1000")
    done = web.client.post(url, data=FOLLOW, headers=ORIGIN, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/me"
    me = web.client.get("/me").text
    assert f'data-provider="{ids["pro"]}"' in me and '<td class="status">active</td>' in me
    assert '<td class="num allocation">300.00</td>' in me
    assert 'id="free-balance">700.00 USDT' in me
    with web.runtime.platform.uow() as uow:
        (rel,) = uow.relationships.for_follower(user_of(web))
        ack = uow.risk_acknowledgements.of(str(rel.id))
    assert ack is not None and ack.disclosure_version == RISK_DISCLOSURE_VERSION

    stop_url = f"/dashboard/relationships/{rel.id}/stop"
    assert f'href="{stop_url}"' in me  # /me links to the stop's confirmation page
    stopped = web.client.post(
        stop_url, data={"confirm": "yes"}, headers=ORIGIN, follow_redirects=False
    )
    assert stopped.status_code == 303
    assert '<td class="status">stopped (follower)</td>' in web.client.get("/me").text
    again = web.client.post(stop_url, data={"confirm": "yes"}, headers=ORIGIN)
    assert again.status_code == 409 and 'role="alert"' in again.text


def test_a_jurisdiction_without_copying_is_refused_on_the_form(
    web: Api, ids: dict[str, str]
) -> None:
    sign_up(web, jurisdiction="XK")
    with web.runtime.platform.uow() as uow:
        uow.jurisdictions.save(Jurisdiction("XK", copying_offered=False, max_allocation=None))
        uow.commit()
    deposit(web, "1000")
    reply = web.client.post(f"/providers/{ids['pro']}/copy", data=FOLLOW, headers=ORIGIN)
    assert reply.status_code == 403 and "not offered in your jurisdiction (XK)" in reply.text


def test_follow_form_needs_a_signed_in_user_and_our_origin(web: Api, ids: dict[str, str]) -> None:
    url = f"/providers/{ids['pro']}/copy"
    anonymous = web.client.post(url, data=FOLLOW, headers=ORIGIN, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    sign_up(web)
    assert web.client.post(url, data=FOLLOW).status_code == 403
    assert web.client.post("/me/deposit", data={"amount": "5", "key": "a"}).status_code == 403


def test_the_follow_form_sets_every_relationship_setting(web: Api, ids: dict[str, str]) -> None:
    sign_up(web)
    deposit(web, "1000")
    url = f"/providers/{ids['pro']}/copy"
    page = web.client.get(f"/providers/{ids['pro']}").text
    for field in (
        "leverage",
        "max_per_trade_pct",
        "max_open_trades",
        "slippage_pct",
        "whitelist",
        "blacklist",
        "copy_open_positions",
        "multiplier",
    ):
        assert f'name="{field}"' in page, field
    every = {
        **FOLLOW,
        "mode": "multiplier",
        "multiplier": "2.5",
        "leverage": "3",
        "max_per_trade_pct": "40",
        "max_open_trades": "4",
        "max_loss_pct": "15",
        "slippage_pct": "0.5",
        "whitelist": "BTC/USDT:USDT, ETH/USDT",
        "blacklist": "SOL/USDT:USDT",
        "close_on_stop": "",
        "copy_open_positions": "yes",
    }
    bad = web.client.post(url, data={**every, "max_open_trades": "many"}, headers=ORIGIN)
    assert bad.status_code == 422 and "max open trades must be a whole number" in bad.text
    assert 'value="BTC/USDT:USDT, ETH/USDT"' in bad.text  # what was typed is kept
    done = web.client.post(url, data=every, headers=ORIGIN, follow_redirects=False)
    assert done.status_code == 303, done.text
    with web.runtime.platform.uow() as uow:
        (rel,) = uow.relationships.for_follower(user_of(web))
    s = rel.settings
    assert (s.mode.value, s.multiplier, s.leverage) == ("multiplier", Decimal("2.5"), Decimal(3))
    assert (s.max_per_trade_pct, s.max_open_trades, s.max_loss_pct) == (40, 4, 15)
    assert s.slippage_pct == Decimal("0.5") and not s.close_on_stop and s.copy_open_positions
    assert s.whitelist == {"BTC/USDT:USDT", "ETH/USDT"} and s.blacklist == {"SOL/USDT:USDT"}
