"""An idempotency key names one movement: the same key with the same amount is a replay
(200, nothing moves again), the same key with another amount is 409
``idempotency_conflict`` and nothing moves (docs/api.md)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Api
from .copying import account, detail, follow, funded, market_of


def _move(api: Api, user: dict[str, Any], path: str, amount: str, key: str) -> Any:
    return api.client.post(
        path, json={"amount": amount, "idempotency_key": key}, headers=user["headers"]
    )


def _books(api: Api, user: dict[str, Any], rel_id: str) -> tuple[object, ...]:
    rel = detail(api, user, rel_id)["relationship"]
    return account(api, user)["free_balance"], rel["net_allocated"], rel["cash"], rel["hwm"]


@pytest.mark.parametrize(
    "action", ["accounts/me/deposit", "accounts/me/withdraw", "top-up", "withdraw"]
)
def test_a_key_repeated_with_another_amount_is_a_conflict(api: Api, action: str) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "2000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    path = (
        f"/api/v1/{action}"
        if action.startswith("accounts")
        else f"/api/v1/relationships/{rel_id}/{action}"
    )

    first = _move(api, ana, path, "100", "k-1")
    assert first.status_code == 200, first.text
    after_first = _books(api, ana, rel_id)
    replay = _move(api, ana, path, "100.00", "k-1")  # the same amount, written otherwise
    assert replay.status_code == 200, replay.text
    assert _books(api, ana, rel_id) == after_first

    conflict = _move(api, ana, path, "150", "k-1")
    assert conflict.status_code == 409, conflict.text
    error = conflict.json()["error"]
    assert error["code"] == "idempotency_conflict" and "k-1" in error["message"]
    assert _books(api, ana, rel_id) == after_first
