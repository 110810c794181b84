"""Sign-up, sign-in, sign-out, /me and the follow form, with their refusals."""

from __future__ import annotations

import itertools

from httpx import Response
from markupsafe import escape

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
    assert web.client.get("/api/auth/me").json()["email"] == email  # the API sees the cookie


def test_sign_up_problems_re_render_the_form_with_the_message(web: Api) -> None:
    _, taken = sign_up(web)
    web.client.cookies.clear()
    for fields, status, words in [
        ({"email": "not-an-address"}, 422, "is not an e-mail address"),
        ({"password": "short", "password_again": "short"}, 422, "a password needs 10"),
        ({"password_again": "something else"}, 422, "the two passwords differ"),
        ({"jurisdiction": "Germany"}, 422, "is not a jurisdiction code"),
        ({"email": taken}, 409, "has an account already"),
        ({"email": ""}, 422, "is not an e-mail address"),
    ]:
        reply, _ = sign_up(web, **fields)
        assert reply.status_code == status, fields
        assert words in reply.text and 'id="signup-form"' in reply.text
        assert "set-cookie" not in reply.headers
    shown, _ = sign_up(web, display_name="<b>bold</b>", jurisdiction="Germany")
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown.text and "<b>bold</b>" not in shown.text


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
        "/login", data={"email": email, "password": PASSWORD}, headers=ORIGIN,
        follow_redirects=False,
    )
    assert signed.status_code == 303 and web.client.get("/me").status_code == 200
    out = web.client.post("/logout", headers=ORIGIN, follow_redirects=False)
    assert out.status_code == 303 and f'{SESSION_COOKIE}=""' in out.headers["set-cookie"]
    assert web.client.get("/me", follow_redirects=False).status_code == 303


def test_form_posts_from_another_site_are_refused(web: Api) -> None:
    form = {"email": "x@example.com", "password": PASSWORD}
    for headers in [{}, {"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://evil.example/page"}]:
        reply = web.client.post("/login", data=form, headers=headers)
        assert reply.status_code == 403 and "not sent from a copytrade page" in reply.text
    referer = web.client.post(
        "/login", data=form, headers={"Referer": "http://testserver/login"}
    )
    assert referer.status_code == 401  # our own page: checked, then the password is wrong


def test_follow_form_shows_the_risk_disclosure_and_needs_the_acknowledgement(
    web: Api, ids: dict[str, str]
) -> None:
    sign_up(web)
    page = web.client.get(f"/providers/{ids['pro']}").text
    assert escape(RISK_DISCLOSURE) in page and 'id="follow-form"' in page
    assert 'name="acknowledge" value="yes" id="acknowledge" required' in page
    url = f"/providers/{ids['pro']}/copy"
    base = {"allocation": "100", "disclosure_version": RISK_DISCLOSURE_VERSION}
    for form, words in [
        (base, "tick the box to confirm"),
        ({**base, "acknowledge": "yes", "allocation": "lots"}, "allocation must be a number"),
        ({**base, "acknowledge": "yes", "allocation": ""}, "enter the amount to allocate"),
        ({**base, "acknowledge": "yes", "disclosure_version": "old"}, "disclosure has changed"),
    ]:
        reply = web.client.post(url, data=form, headers=ORIGIN)
        assert reply.status_code == 422 and words in reply.text, form
        assert escape(RISK_DISCLOSURE) in reply.text  # the same page again, with the message
    with web.runtime.platform.uow() as uow:
        user = web.runtime.identity.user_of(web.client.cookies[SESSION_COOKIE])
        assert uow.relationships.for_follower(user.id) == []


def test_follow_form_needs_a_signed_in_user_and_our_origin(
    web: Api, ids: dict[str, str]
) -> None:
    url = f"/providers/{ids['pro']}/copy"
    form = {"allocation": "100", "acknowledge": "yes",
            "disclosure_version": RISK_DISCLOSURE_VERSION}
    anonymous = web.client.post(url, data=form, headers=ORIGIN, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    sign_up(web)
    assert web.client.post(url, data=form).status_code == 403
