"""A provider's block-execution setting through the API, and its orders then placed with
their copies as one block (docs/engine.md "Block execution")."""

from __future__ import annotations

from decimal import Decimal

from .conftest import Api
from .trading_support import deposit, follow, market, price, provider

PATH = "/api/v1/providers/me/block-execution"


def test_the_setting_follows_the_platform_until_the_provider_sets_its_own(api: Api) -> None:
    pro = provider(api, "bex")
    headers = pro["headers"]
    assert api.client.get(PATH, headers=headers).json() == {
        "provider": pro["id"], "own": None, "platform": False, "enabled": False,
    }  # fmt: skip
    on = api.client.put(PATH, json={"enabled": True}, headers=headers)
    assert on.status_code == 200, on.text
    assert on.json()["own"] is True and on.json()["enabled"] is True
    back = api.client.put(PATH, json={"enabled": None}, headers=headers)
    assert back.json()["own"] is None and back.json()["enabled"] is False
    unknown = api.client.put(PATH, json={"enabled": True, "x": 1}, headers=headers)
    assert unknown.status_code == 422


def test_a_non_provider_is_refused(api: Api) -> None:
    user = api.sign_up("nob")
    reply = api.client.put(PATH, json={"enabled": True}, headers=user["headers"])
    assert reply.status_code == 422 and "not a provider" in reply.text


def test_a_providers_order_and_its_copies_fill_as_one_block(api: Api) -> None:
    pro = provider(api, "blk")
    assert api.client.put(PATH, json={"enabled": True}, headers=pro["headers"]).status_code == 200
    followers = [api.sign_up(name) for name in ("fa", "fb")]
    for follower in followers:
        deposit(api, follower, "20000")
        follow(api, follower, pro, "10000")
    price(api, "BTC/USDT:USDT", "50000")
    reply = market(api, pro, "buy", "0.1")
    assert reply.status_code in (200, 201), reply.text
    api.runtime.act(api.runtime.platform.engine.pump)
    with api.runtime.platform.uow() as uow:
        head = uow.orders.get(f"{pro['id']}:{reply.json()['client_order_id']}")
        copies = [o for f in followers for o in uow.orders.for_book(f"r-{f['id']}-{pro['id']}")]
    assert head is not None and head.status == "filled"
    assert len(copies) == 2 and all(o.status == "filled" for o in copies)
    assert {o.avg_fill_price for o in copies} == {head.avg_fill_price}
    assert head.avg_fill_price == Decimal(50000)
