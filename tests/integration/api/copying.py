"""Helpers for the following and account tests: funded users, providers, follows.

Providers are made and traded through the API server's own platform (``market_of``),
so its engine sees every relationship change the API makes.
"""

from __future__ import annotations

import itertools
from typing import Any

from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION

from ..engine.harness import Harness
from .conftest import Api

_keys = itertools.count(1)


def market_of(api: Api) -> Harness:
    """A harness over the server's platform and clock: make providers, trade, tick."""
    return Harness.over(api.runtime.platform, api.harness.clock)


def deposit(api: Api, user: dict[str, Any], amount: str, key: str | None = None) -> Any:
    reply = api.client.post(
        "/api/v1/accounts/me/deposit",
        json={"amount": amount, "idempotency_key": key or f"dep-{next(_keys)}"},
        headers=user["headers"],
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def funded(api: Api, name: str, amount: str = "1000", jurisdiction: str = "DE") -> dict[str, Any]:
    """A signed-up user with ``amount`` USDT of paper money in its free balance."""
    user = api.sign_up(name, jurisdiction)
    deposit(api, user, amount)
    return user


def follow_body(provider: str, allocation: str, **overrides: Any) -> dict[str, Any]:
    return {
        "provider_id": provider,
        "allocation": allocation,
        "risk_acknowledged": True,
        "disclosure_version": RISK_DISCLOSURE_VERSION,
        **overrides,
    }


def follow(
    api: Api, user: dict[str, Any], provider: str, allocation: str, **overrides: Any
) -> dict[str, Any]:
    reply = api.client.post(
        "/api/v1/relationships",
        json=follow_body(provider, allocation, **overrides),
        headers=user["headers"],
    )
    assert reply.status_code == 201, reply.text
    body: dict[str, Any] = reply.json()
    return body


def account(api: Api, user: dict[str, Any]) -> dict[str, Any]:
    reply = api.client.get("/api/v1/accounts/me", headers=user["headers"])
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def detail(api: Api, user: dict[str, Any], rel_id: str, **params: Any) -> dict[str, Any]:
    reply = api.client.get(
        f"/api/v1/relationships/{rel_id}", params=params, headers=user["headers"]
    )
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body
