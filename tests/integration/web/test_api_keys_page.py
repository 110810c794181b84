"""API keys on the account page: made (shown once), used by a program, revoked."""

from __future__ import annotations

import re

from ..api.conftest import Api
from .conftest import ORIGIN
from .test_dashboard import signed_up


def test_a_key_made_on_the_account_page_is_shown_once_and_can_be_revoked(web: Api) -> None:
    signed_up(web)
    made = web.client.post("/me/api-keys", data={"name": "my bot", "scope": "read"}, headers=ORIGIN)
    assert made.status_code == 201, made.text
    found = re.search(r'id="new-api-key">[^<]*<code>(ctk_[A-Za-z0-9_-]+)</code>', made.text)
    assert found, made.text
    key = found.group(1)
    page = web.client.get("/me")
    assert "my bot" in page.text and "read-only" in page.text and key not in page.text
    program = {"Authorization": f"Bearer {key}"}
    cookies = dict(web.client.cookies)
    web.client.cookies.clear()  # the program has the key only
    assert web.client.get("/api/v1/accounts/me", headers=program).status_code == 200
    web.client.cookies.update(cookies)
    key_id = re.search(r'data-key="(k-[0-9a-f]{16})"', page.text)
    assert key_id
    revoked = web.client.post(
        f"/me/api-keys/{key_id.group(1)}/revoke", headers=ORIGIN, follow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/me"
    assert "revoked" in web.client.get("/me").text
    web.client.cookies.clear()
    assert web.client.get("/api/v1/accounts/me", headers=program).status_code == 401


def test_a_key_form_without_a_name_or_from_another_site_makes_nothing(web: Api) -> None:
    signed_up(web)
    nameless = web.client.post("/me/api-keys", data={"name": "", "scope": "trade"}, headers=ORIGIN)
    assert nameless.status_code == 422 and "name the key" in nameless.text
    elsewhere = web.client.post(
        "/me/api-keys",
        data={"name": "x", "scope": "trade"},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert 'id="api-keys"' not in web.client.get("/me").text
