"""The margin mode through the API (docs/api.md "Relationships", docs/domain.md "Margin"):
chosen at follow, validated, shown in the settings and on every position with its
liquidation price."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.config import Settings

from ..engine.harness import PERP, Harness
from .conftest import Api, make_api
from .copying import detail, follow, follow_body, funded, market_of


def test_a_follow_chooses_cross_margin_and_positions_show_it(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, "pro", "1000", margin_mode="cross")["relationship"]["id"]
    market.trade("pro", "buy", "0.02", leverage="5")
    rel = detail(api, ana, rel_id)
    assert rel["settings"]["margin_mode"] == "cross"
    (position,) = [p for p in rel["positions"] if p["symbol"] == PERP.symbol]
    assert position["margin_mode"] == "cross"
    # The test market's perp has no margin rules: the venue never liquidates it.
    assert position["liquidation_price"] is None


def test_the_default_is_isolated_and_an_unknown_mode_is_refused(api: Api) -> None:
    market_of(api).provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    rel = follow(api, ana, "pro", "100")
    assert rel["settings"]["margin_mode"] == "isolated"
    reply = api.client.post(
        "/api/v1/relationships",
        json=follow_body("pro", "100", margin_mode="portfolio"),
        headers=ana["headers"],
    )
    assert reply.status_code == 422 and "margin_mode" in reply.text


@pytest.fixture
def margined(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    """The test market with margin rules: a 0.5 % maintenance margin rate."""
    harness = Harness(db_engine, perp=replace(PERP, maintenance_margin_rate=D("0.005")))
    harness.tick(PERP.symbol, "50000")
    made = make_api(db_engine, db_settings, harness)
    with made.client:
        yield made


def test_positions_show_their_liquidation_price_by_the_api_and_the_web(margined: Api) -> None:
    # docs/domain.md "Liquidation", isolated long: p = (C − IM) / (|q| × (1 − r)). pro: 0.02
    # at 50,000, leverage 5: C 1,000, IM 200: 800 / (0.02 × 0.995) = 40,201.005… → 40,201.1
    # (rounded up to the tick). ana's copy is 10 % of it: 0.002, C 100, IM 20: the same.
    # bo's cross copy: B = her book's cash + IM ≈ 1,000 > C: no price above 0 liquidates.
    market = market_of(margined)
    market.provider("pro", "10000")
    ana, bo = funded(margined, "ana", "1000"), funded(margined, "bo", "1000")
    ana_rel = follow(margined, ana, "pro", "1000")["relationship"]["id"]
    bo_rel = follow(margined, bo, "pro", "1000", margin_mode="cross")["relationship"]["id"]
    market.trade("pro", "buy", "0.02", leverage="5")
    [isolated] = detail(margined, ana, ana_rel)["positions"]
    assert (isolated["qty"], isolated["margin_mode"]) == ("0.002", "isolated")
    assert isolated["liquidation_price"] == "40201.1"
    [cross] = detail(margined, bo, bo_rel)["positions"]
    assert (cross["margin_mode"], cross["liquidation_price"]) == ("cross", None)
    page = margined.client.get(f"/dashboard/relationships/{ana_rel}", headers=ana["headers"])
    assert page.status_code == 200, page.text
    row = page.text[page.text.index('data-symbol="BTC/USDT:USDT"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="margin-mode">isolated</td>' in row
    assert '<td class="num liquidation">40,201.10</td>' in row
