"""Editing copy settings through the API (docs/api.md, "Editing copy settings"), the
audit trail, and the limits across providers (Rules a follow must pass)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import Engine

from copytrade.config import Settings

from ..engine.harness import PERP, Harness
from .conftest import Api, make_api
from .copying import detail, follow, follow_body, funded, market_of


def _patch(api: Api, user: dict[str, Any], rel_id: str, body: dict[str, Any]) -> Any:
    return api.client.patch(
        f"/api/v1/relationships/{rel_id}/settings", json=body, headers=user["headers"]
    )


def _history(api: Api, user: dict[str, Any], rel_id: str) -> Any:
    return api.client.get(
        f"/api/v1/relationships/{rel_id}/settings/history", headers=user["headers"]
    )


def test_a_follower_edits_settings_and_sees_the_trail(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    market.trade("pro", "buy", "0.02")  # 10 % → 100 USDT, 0.002 BTC

    reply = _patch(api, ana, rel_id, {
        "mode": "multiplier", "multiplier": "2", "copy_stop_loss_pct": "5",
        "take_profit_pct": "50", "whitelist": [PERP.symbol],
    })
    assert reply.status_code == 200, reply.text
    settings = reply.json()["settings"]
    assert (settings["mode"], settings["multiplier"], settings["copy_stop_loss_pct"]) == (
        "multiplier", "2", "5"
    )
    assert settings["whitelist"] == [PERP.symbol] and settings["max_loss_pct"] == "20"
    positions = reply.json()["positions"]
    assert [p["qty"] for p in positions] == ["0.002"]  # the open copy keeps its size

    market.trade("pro", "buy", "0.02")  # now 10 % × 2: 0.004 more
    assert [p["qty"] for p in detail(api, ana, rel_id)["positions"]] == ["0.006"]

    trail = _history(api, ana, rel_id)
    assert trail.status_code == 200, trail.text
    [change] = trail.json()["changes"]
    assert trail.json()["total"] == 1
    assert change["changes"]["multiplier"] == {"old": "1", "new": "2"}
    assert change["changes"]["whitelist"] == {"old": [], "new": [PERP.symbol]}
    assert set(change["changes"]) == {
        "mode", "multiplier", "copy_stop_loss_pct", "take_profit_pct", "whitelist"
    }
    assert change["changed_at"].startswith(api.harness.clock.now().date().isoformat())

    # Removing a protection is a null; the trail grows by one edit.
    assert _patch(api, ana, rel_id, {"take_profit_pct": None}).status_code == 200
    assert _history(api, ana, rel_id).json()["total"] == 2


REFUSED = [
    ({"multiplier": "11"}, "invalid_request"),  # the follow's bounds
    ({"copy_stop_loss_pct": "0"}, "invalid_request"),
    ({"take_profit_pct": "1000.5"}, "invalid_request"),
    ({"allocation": "5"}, "invalid_request"),  # not a setting
    ({"mode": None}, "invalid_value"),
    ({"mode": "fixed_amount"}, "invalid_value"),  # no fixed amount: CopySettings refuses
]


def test_an_edit_is_refused_like_a_follow(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    for body, code in REFUSED:
        reply = _patch(api, ana, rel_id, body)
        assert reply.status_code == 422, reply.text
        assert reply.json()["error"]["code"] == code, body
    assert _history(api, ana, rel_id).json()["total"] == 0


def test_someone_elses_relationship_is_not_found(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana, bob = funded(api, "ana", "1000"), funded(api, "bob", "1000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    assert _patch(api, bob, rel_id, {"multiplier": "2"}).status_code == 404
    assert _history(api, bob, rel_id).status_code == 404


def test_the_providers_minimum_allocation(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000", min_allocation=D("500"))
    ana = funded(api, "ana", "2000")
    refused = api.client.post(
        "/api/v1/relationships", json=follow_body("pro", "400"), headers=ana["headers"]
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "allocation_below_minimum"
    rel_id = follow(api, ana, "pro", "600")["relationship"]["id"]
    withdrawn = api.client.post(
        f"/api/v1/relationships/{rel_id}/withdraw",
        json={"amount": "200", "idempotency_key": "w1"}, headers=ana["headers"],
    )
    assert withdrawn.status_code == 200, withdrawn.text
    # 400 left: an edit of the settings checks the minimum again.
    reply = _patch(api, ana, rel_id, {"multiplier": "2"})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "allocation_below_minimum"
    assert detail(api, ana, rel_id)["settings"]["multiplier"] == "1"


@pytest.fixture
def api_of_one_provider(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    """An API whose platform lets a follower copy one provider at a time."""
    harness = Harness(db_engine)
    harness.tick(PERP.symbol, "50000")
    settings = db_settings.model_copy(update={"max_copied_providers": 1})
    made = make_api(db_engine, settings, harness)
    with made.client:
        yield made


def test_a_follower_copies_at_most_the_platforms_number_of_providers(
    api_of_one_provider: Api,
) -> None:
    api = api_of_one_provider
    market = market_of(api)
    market.provider("pro", "10000")
    market.provider("pro2", "10000")
    ana = funded(api, "ana", "2000")
    first = follow(api, ana, "pro", "500")["relationship"]["id"]
    refused = api.client.post(
        "/api/v1/relationships", json=follow_body("pro2", "500"), headers=ana["headers"]
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "provider_limit_reached"
    stopped = api.client.post(f"/api/v1/relationships/{first}/stop", headers=ana["headers"])
    assert stopped.status_code == 200, stopped.text
    follow(api, ana, "pro2", "500")  # a stopped copy no longer counts


def test_an_edit_of_leverage_and_margin_mode_applies_from_the_next_open(api: Api) -> None:
    """docs/domain.md "Editing copy settings", "Margin": the open copy keeps the leverage
    and margin mode it opened with; the next one opened from flat takes the new ones."""
    market = market_of(api)
    market.provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    market.trade("pro", "buy", "0.02", leverage="5")
    reply = _patch(api, ana, rel_id, {"leverage": "2", "margin_mode": "cross"})
    assert reply.status_code == 200, reply.text
    assert (reply.json()["settings"]["leverage"], reply.json()["settings"]["margin_mode"]) == (
        "2", "cross"
    )
    [kept] = detail(api, ana, rel_id)["positions"]
    assert (kept["leverage"], kept["margin_mode"]) == ("5", "isolated")
    market.trade("pro", "sell", "0.02")  # flat: the copy closes with it
    market.trade("pro", "buy", "0.02", leverage="5")
    [new] = detail(api, ana, rel_id)["positions"]
    assert (new["leverage"], new["margin_mode"]) == ("2", "cross")
    [change] = _history(api, ana, rel_id).json()["changes"]
    assert change["changes"]["margin_mode"] == {"old": "isolated", "new": "cross"}
