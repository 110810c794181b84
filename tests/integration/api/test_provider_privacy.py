"""A provider learns how many copy it and how it pays, never who: no follower's id,
e-mail, display name or balance appears in anything the provider's endpoints answer."""

from __future__ import annotations

from typing import Any

from .conftest import PASSWORD, Api
from .copying import deposit, follow
from .trading_support import market, price, provider, settle_week, sign_in_again

# Distinctive enough that no other value could contain them by chance.
FOLLOWERS = [
    ("wilhelmina.qx@example.com", "Wilhelmina Fotheringay-Qx", "98765.43", "4321.09"),
    ("bartholomew.zv@example.com", "Bartholomew Zvonimir", "87654.32", "3210.98"),
]
PROVIDER_GETS: list[tuple[str, dict[str, str]]] = [
    ("/api/v1/providers/me", {}),
    ("/api/v1/providers/me/followers", {}),
    ("/api/v1/statements", {}),
    ("/api/v1/statements", {"period": "2026-W02"}),
    ("/api/v1/statements", {"period": "stop:follower"}),
    ("/api/v1/settlements", {}),
    ("/api/v1/events", {"once": "true"}),
    ("/api/v1/orders", {}),
    ("/api/v1/accounts/me", {}),
]


def _follower(api: Api, email: str, name: str, cash: str, allocation: str, lead: str) -> Any:
    body = {"email": email, "password": PASSWORD, "display_name": name, "jurisdiction": "DE"}
    assert api.client.post("/api/v1/auth/register", json=body).status_code == 202
    session = api.login(email)
    user = {**session["user"], "headers": {"Authorization": f"Bearer {session['token']}"}}
    deposit(api, user, cash)
    rel = follow(api, user, lead, allocation)["relationship"]
    free = api.client.get("/api/v1/accounts/me", headers=user["headers"]).json()["free_balance"]
    return user, rel["id"], free


def _secrets(user: dict[str, Any], rel_id: str, free: str, cash: str) -> list[str]:
    return [
        user["id"],
        user["email"],
        user["email"].split("@")[0],
        user["display_name"],
        user["display_name"].split()[0],
        rel_id,
        free,
        cash,
    ]


def test_no_provider_answer_names_or_values_a_follower(api: Api) -> None:
    lead = provider(api, "plain-provider", share_pct="20")
    secrets: list[str] = []
    followers = []
    for email, name, cash, allocation in FOLLOWERS:
        user, rel_id, free = _follower(api, email, name, cash, allocation, lead["id"])
        followers.append((user, rel_id))
        secrets += _secrets(user, rel_id, free, cash)
    assert market(api, lead, "buy", "0.5").status_code == 201
    price(api, "BTC/USDT:USDT", "55000")
    settle_week(api)
    sign_in_again(api, lead, *(user for user, _ in followers))
    stopper, stopped = followers[0]
    reply = api.client.post(
        f"/api/v1/relationships/{stopped}/stop", json={}, headers=stopper["headers"]
    )
    assert reply.status_code == 200, reply.text

    seen: list[tuple[str, dict[str, str], str]] = []
    for path, params in PROVIDER_GETS:
        answer = api.client.get(path, params=params, headers=lead["headers"])
        assert answer.status_code == 200, (path, answer.text)
        seen.append((path, params, answer.text))
    assert "settlement.settled" in seen[6][2]  # the provider did see the events
    assert '"role":"provider"' in seen[5][2].replace(" ", "")  # and its settlements
    assert not _leaks(seen, secrets)
    # The same search does find them in what a follower itself is answered.
    own = api.client.get("/api/v1/accounts/me", headers=followers[1][0]["headers"]).text
    assert len(_leaks([("/api/v1/accounts/me", {}, own)], secrets)) >= 2


def _leaks(seen: list[tuple[str, dict[str, str], str]], secrets: list[str]) -> list[str]:
    return [
        f"{path} {params}: {secret!r}"
        for path, params, text in seen
        for secret in secrets
        if secret.lower() in text.lower()
    ]
