"""The margin mode through the API (docs/api.md "Relationships", docs/domain.md "Margin"):
chosen at follow, validated, shown in the settings and on every position with its
liquidation price."""

from __future__ import annotations

from ..engine.harness import PERP
from .conftest import Api
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
