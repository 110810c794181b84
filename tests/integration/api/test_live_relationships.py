"""Marking one's relationship live on one's linked exchange account and paying what a
live relationship owes, through the HTTP API (docs/api.md, "Live relationships"), with
the real ccxt client against the local Binance emulator."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from copytrade.adapters.venues.routing import RoutedVenue
from tests.exchange_emulator import Emulator
from tests.exchange_emulator.linking import KEY, SECRET, linking_emulator

from .conftest import Api, exchange_api
from .copying import follow, funded, market_of


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with linking_emulator() as emu:
        yield emu


@pytest.fixture
def api(tmp_path: Path, emulator: Emulator) -> Iterator[Api]:
    yield from exchange_api(tmp_path / "ct.db", emulator, base64.b64encode(os.urandom(32)).decode())


def test_a_follower_copies_live_and_pays_fees_through_the_api(api: Api) -> None:
    pro = market_of(api).provider("pro", "10000")
    user = funded(api, "follower", "2000")
    rel = follow(api, user, str(pro), "1000")["relationship"]["id"]
    other = funded(api, "other", "2000")
    others_rel = follow(api, other, str(pro), "1000")["relationship"]["id"]
    headers = user["headers"]
    # No linked account yet: refused, nothing changed.
    refused = api.client.post(f"/api/v1/relationships/{rel}/live", headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "refused"
    linked = api.client.post(
        "/api/v1/exchange-accounts",
        json={"exchange": "binance", "api_key": KEY, "secret": SECRET}, headers=headers,
    )
    assert linked.status_code == 201, linked.text
    # Another's relationship is unknown to me, and mine cannot go on another's account.
    assert api.client.post(
        f"/api/v1/relationships/{others_rel}/live", headers=headers
    ).status_code == 404
    assert api.client.post(
        f"/api/v1/relationships/{rel}/live", json={"account": other["id"]}, headers=headers
    ).status_code == 422

    marked = api.client.post(f"/api/v1/relationships/{rel}/live", headers=headers)
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"relationship": rel, "account": user["id"], "returned": "1000"}
    venue = api.runtime.platform.venue
    assert isinstance(venue, RoutedVenue) and venue.is_live(rel)  # routed at once
    again = api.client.post(f"/api/v1/relationships/{rel}/live", headers=headers)
    assert again.status_code == 200 and again.json()["returned"] == "0"

    paid = api.client.post(f"/api/v1/relationships/{rel}/pay-fees", headers=headers)
    assert paid.status_code == 200, paid.text
    # Nothing owed: nothing charged; it was never paused for fees, so it copies on.
    assert paid.json() == {
        "relationship": rel, "commissions": "0", "profit_share": "0", "resumed": False,
    }
    assert api.client.post(
        f"/api/v1/relationships/{others_rel}/pay-fees", headers=headers
    ).status_code == 404
