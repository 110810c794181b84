"""Helpers for the provider, order and event tests: money, a provider, a follower."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId

from .conftest import Api


def deposit(api: Api, user: dict[str, Any], amount: str) -> None:
    api.runtime.platform.accounts.deposit(
        AccountId(user["id"]), Decimal(amount), key=f"dep:{user['id']}:{amount}"
    )


def provider(api: Api, name: str, cash: str = "100000", **terms: Any) -> dict[str, Any]:
    """A signed-up user with ``cash`` deposited who became a provider with ``terms``."""
    user = api.sign_up(name)
    deposit(api, user, cash)
    reply = api.client.post("/api/v1/providers/me", json=terms, headers=user["headers"])
    assert reply.status_code == 201, reply.text
    return user


def follow(
    api: Api, follower: dict[str, Any], leader: dict[str, Any], amount: str, **settings: Any
) -> str:
    """``follower`` copies ``leader`` with ``amount`` (engine call: not this API's job)."""
    rel = RelationshipId(f"r-{follower['id']}-{leader['id']}")
    api.runtime.act(
        lambda: api.runtime.platform.actions.follow(
            rel,
            FollowerId(follower["id"]),
            ProviderId(leader["id"]),
            Decimal(amount),
            CopySettings(mode=SizingMode.PROPORTIONAL, **settings),
        )
    )
    return str(rel)


def market(api: Api, user: dict[str, Any], side: str, qty: str, **extra: Any) -> Any:
    body = {"symbol": "BTC/USDT:USDT", "side": side, "qty": qty, **extra}
    return api.client.post("/api/v1/orders", json=body, headers=user["headers"])


def price(api: Api, symbol: str, value: str, minutes: int = 1) -> None:
    """A new price for the server's engine (and the venue), a few minutes later."""
    clock = api.harness.clock
    clock.advance(timedelta(minutes=minutes))
    engine = api.runtime.platform.engine
    api.runtime.act(lambda: engine.on_price(symbol, Decimal(value), clock.now()))


def settle_week(api: Api) -> datetime:
    """Move past the end of the harness's first week and settle it (period 2026-W02)."""
    end = WEEK_END
    api.harness.clock.advance(end - api.harness.clock.now() + timedelta(minutes=5))
    summary = api.runtime.act(lambda: api.runtime.settlement_run.run(end))
    assert not summary.failed
    return end


WEEK_END = datetime(2026, 1, 12, tzinfo=UTC)


def sign_in_again(api: Api, *users: dict[str, Any]) -> None:
    """New session headers for ``users`` (after the clock moved past their sessions)."""
    for user in users:
        token = api.login(user["email"])["token"]
        user["headers"] = {"Authorization": f"Bearer {token}"}


def subscribed(api: Api, price: str, names: tuple[str, str]) -> tuple[dict[str, Any], ...]:
    """A subscription provider and a follower, charged for the week 2026-W03 (signed in
    again afterwards)."""
    lead = provider(api, names[0], fee_model="subscription", subscription_price=price)
    fan = api.sign_up(names[1])
    deposit(api, fan, "1000")
    follow(api, fan, lead, "500")
    api.harness.clock.advance(WEEK_END - api.harness.clock.now())
    api.runtime.act(lambda: api.runtime.platform.subscriptions.charge_due(WEEK_END))
    sign_in_again(api, lead, fan)
    return lead, fan
