"""A change signed in by the session cookie must come from one of our pages (its Origin
or Referer names this server); a bearer token needs no Origin; reads need none."""

from __future__ import annotations

from typing import Any

from .conftest import PASSWORD, Api
from .copying import account, follow, funded, market_of

OURS = "http://testserver"


def _cookie_session(api: Api, user: dict[str, Any]) -> None:
    """Sign ``user`` in the way the web UI is: the client now holds the session cookie."""
    reply = api.client.post(
        "/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD}
    )
    assert reply.status_code == 200 and "copytrade_session" in api.client.cookies


def _deposit(api: Api, key: str, **headers: str) -> Any:
    body = {"amount": "10", "idempotency_key": key}
    return api.client.post("/api/v1/accounts/me/deposit", json=body, headers=headers)


def test_a_cookie_signed_change_needs_our_origin(api: Api) -> None:
    ana = funded(api, "ana", "100")
    _cookie_session(api, ana)
    for headers in (
        {},
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"referer": "https://evil.example/page"},
        {"origin": "http://testserver.evil.example"},
    ):
        refused = _deposit(api, "k-refused", **headers)
        assert refused.status_code == 403, (headers, refused.text)
        error = refused.json()["error"]
        assert error["code"] == "forbidden" and "Origin" in error["message"]
    assert account(api, ana)["free_balance"] == "100"  # nothing moved
    assert _deposit(api, "k-origin", origin=OURS).status_code == 200
    assert _deposit(api, "k-referer", referer=f"{OURS}/me").status_code == 200
    # Reads are not changes: the cookie alone signs them in.
    assert api.client.get("/api/v1/accounts/me").json()["free_balance"] == "120"


def test_a_body_less_change_cannot_be_forged_from_another_site(api: Api) -> None:
    """A cross-site form can post no JSON, but pause and stop need no body at all."""
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, "pro", "500")["relationship"]["id"]
    _cookie_session(api, ana)
    for action in ("pause", "stop"):
        forged = api.client.post(
            f"/api/v1/relationships/{rel_id}/{action}", headers={"origin": "https://evil.example"}
        )
        assert forged.status_code == 403, forged.text
    logout = api.client.post("/api/v1/auth/logout")
    assert logout.status_code == 403
    rel = api.client.get(f"/api/v1/relationships/{rel_id}").json()["relationship"]
    assert rel["status"] == "active"
    paused = api.client.post(f"/api/v1/relationships/{rel_id}/pause", headers={"origin": OURS})
    assert paused.status_code == 200 and paused.json()["relationship"]["status"] == "paused"


def test_a_bearer_token_needs_no_origin(api: Api) -> None:
    ana = funded(api, "ana", "100")
    _cookie_session(api, ana)  # a cookie too: the bearer header is what signs it in
    reply = _deposit(api, "k-bearer", **ana["headers"])
    assert reply.status_code == 200 and reply.json()["free_balance"] == "110"
