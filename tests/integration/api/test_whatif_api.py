"""``POST /api/v1/providers/{id}/whatif`` (docs/whatif.md): the provider's recorded fills
replayed for a signed-in user, documented in the OpenAPI spec, refusals mapped."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.whatif.request import WhatIfError, WhatIfRequest
from copytrade.whatif.service import WhatIf

from .conftest import Api
from .copying import market_of

START = "2026-01-05T00:00:00Z"  # the harness clock's start


def _recorded_round_trip(api: Api) -> None:
    """pro (10,000) buys 0.1 BTC at 40,000 (usage 40 %) and sells it at 42,000."""
    market = market_of(api)
    pro = market.provider("pro", "10000")
    market.tick("BTC/USDT:USDT", "40000")
    market.trade(pro, "buy", "0.1")
    market.tick("BTC/USDT:USDT", "42000", minutes=60)
    market.trade(pro, "sell", "0.1")


def test_whatif_replays_the_recorded_fills_through_the_pipeline(api: Api) -> None:
    _recorded_round_trip(api)
    user = api.sign_up("wendy")
    reply = api.client.post(
        "/api/v1/providers/pro/whatif",
        json={"start": START, "allocation": "1000", "mode": "proportional"},
        headers=user["headers"],
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["provider_fills"] == 2
    assert [(d["leg"], d["action"], d["qty"]) for d in body["decisions"]] == [
        ("open", "placed", "0.01"),  # 1000 × 40 % = 400 notional = 0.01 BTC
        ("close", "placed", "0.01"),
    ]
    # +0.01 × 2,000 = 20, less taker fees 400 × 0.0005 = 0.2 and 420 × 0.0005 = 0.21.
    assert body["trading_fees"] == "0.41"
    assert body["value"] == "1019.59"
    assert body["pnl"] == "19.59"
    assert body["max_loss_stop"] == {"fired": False, "at": None}
    assert body["disclaimer"].startswith("Past")
    # Nothing of the live books changed: only pro has a book there.
    with api.runtime.platform.uow() as uow:
        assert [str(r.id) for r in uow.relationships.all()] == []


def test_whatif_is_documented_and_refuses_what_it_cannot_answer(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/providers/{provider_id}/whatif"]["post"]
    assert {"200", "401", "404", "422"} <= set(operation["responses"])
    body = {"start": START, "allocation": "1000"}
    assert api.client.post("/api/v1/providers/pro/whatif", json=body).status_code == 401
    user = api.sign_up("nora")
    unknown = api.client.post("/api/v1/providers/nobody/whatif", json=body, headers=user["headers"])
    assert unknown.status_code == 404, unknown.text
    market_of(api).provider("pro", "10000")
    opened = api.client.post(
        "/api/v1/providers/pro/whatif",
        json=body | {"copy_open_positions": True},
        headers=user["headers"],
    )
    assert opened.status_code == 422
    assert "copy_open_positions" in opened.json()["error"]["message"]


def test_a_whatif_too_long_or_with_too_many_fills_is_refused(api: Api) -> None:
    """The caps of docs/whatif.md, "Limits": at most 366 days (asked with until, or where
    the record ends) and at most MAX_FILLS provider fills; nothing is replayed."""
    _recorded_round_trip(api)
    user = api.sign_up("lena")
    body = {"start": START, "allocation": "1000"}
    asked = api.client.post(
        "/api/v1/providers/pro/whatif",
        json=body | {"until": "2027-01-07T00:00:00Z"},  # 367 days
        headers=user["headers"],
    )
    assert asked.status_code == 422, asked.text
    assert "at most 366 days" in asked.json()["error"]["message"]
    within = body | {"until": "2027-01-06T00:00:00Z"}  # 366 days: allowed
    assert api.client.post(
        "/api/v1/providers/pro/whatif", json=within, headers=user["headers"]
    ).status_code == 200
    # A price recorded 400 days on: without until, the record runs too long.
    market_of(api).tick("BTC/USDT:USDT", "43000", minutes=400 * 24 * 60)
    user = api.sign_up("lena-later")  # the first session expired meanwhile
    recorded = api.client.post("/api/v1/providers/pro/whatif", json=body, headers=user["headers"])
    assert recorded.status_code == 422
    assert "give an until" in recorded.json()["error"]["message"]
    assert api.client.post(
        "/api/v1/providers/pro/whatif", json=within, headers=user["headers"]
    ).status_code == 200


def test_more_provider_fills_than_the_cap_are_refused(api: Api) -> None:
    _recorded_round_trip(api)  # two provider fills
    container = api.runtime.container
    request = WhatIfRequest("pro", datetime(2026, 1, 5, tzinfo=UTC), D(1000),
                            CopySettings(SizingMode.PROPORTIONAL))  # fmt: skip
    capped = WhatIf(container.read_uow_factory, container.instruments(),
                    container.settings.platform_fee_pct, container.fees, max_fills=1)  # fmt: skip
    with pytest.raises(WhatIfError, match="at most 1 provider fills"):
        capped.run(request)
    enough = WhatIf(container.read_uow_factory, container.instruments(),
                    container.settings.platform_fee_pct, container.fees, max_fills=2)  # fmt: skip
    assert enough.run(request)["provider_fills"] == 2
