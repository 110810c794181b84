"""A provider's stop-loss / take-profit through the API (docs/api.md "Positions"):
set, shown on its positions and on every copy, refused without changing anything, fired
at a mark; a provider's own book in cross margin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .conftest import Api
from .copying import detail, follow, funded
from .trading_support import market, price, provider

SYMBOL = "BTC/USDT:USDT"


def _tp_sl(api: Api, user: dict[str, Any], **body: Any) -> Any:
    return api.client.put(
        "/api/v1/positions/tp-sl", json={"symbol": SYMBOL, **body}, headers=user["headers"]
    )


def _positions(api: Api, user: dict[str, Any]) -> list[dict[str, Any]]:
    reply = api.client.get("/api/v1/positions", headers=user["headers"])
    assert reply.status_code == 200, reply.text
    positions: list[dict[str, Any]] = reply.json()["positions"]
    return positions


def test_set_shown_mirrored_and_fired(api: Api) -> None:
    price(api, SYMBOL, "50000")
    pro = provider(api, "pro", "10000")
    ana = funded(api, "ana", "1000")
    rel_id = follow(api, ana, pro["id"], "1000", copy_take_profit_pct="20")["relationship"]["id"]
    assert market(api, pro, "buy", "0.04").status_code == 201
    reply = _tp_sl(api, pro, stop_loss="48000", take_profit="60000")
    assert reply.status_code == 200, reply.text
    assert (reply.json()["stop_loss"], reply.json()["take_profit"]) == ("48000", "60000")
    [own] = _positions(api, pro)
    assert (own["symbol"], own["side"], own["stop_loss"], own["take_profit"]) == (
        SYMBOL, "long", "48000", "60000"
    )
    [copy] = detail(api, ana, rel_id)["positions"]
    # The provider's prices mirrored; the follower's own take-profit shown as a price.
    assert (copy["stop_loss"], copy["take_profit"], copy["own_stop_loss"]) == (
        "48000", "60000", None
    )
    assert copy["own_take_profit"] is not None
    # The copy's page shows the same (docs/web.md): mirrored prices, then the own one.
    page = api.client.get(f"/dashboard/relationships/{rel_id}", headers=ana["headers"]).text
    row = page[page.index(f'data-symbol="{SYMBOL}"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num stop-loss">48,000.00</td>' in row
    own = f"{Decimal(copy['own_take_profit']):,.2f}"
    assert '<td class="num take-profit">60,000.00<br>' in row and f"own {own}</span>" in row
    price(api, SYMBOL, "47990")
    assert _positions(api, pro) == []
    rel = detail(api, ana, rel_id)
    assert rel["positions"] == []
    reasons = [d["reason"] for d in rel["decisions"]["items"] if d["leg"] == "close"]
    assert "provider_stop_loss" in reasons


def test_refusals_change_nothing(api: Api) -> None:
    price(api, SYMBOL, "50000")
    pro = provider(api, "pro", "10000")
    reply = _tp_sl(api, pro, stop_loss="45000")
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "no_position"
    market(api, pro, "buy", "0.04")
    assert _tp_sl(api, pro, stop_loss="45000").status_code == 200
    above = _tp_sl(api, pro, stop_loss="51000")
    assert above.status_code == 422 and "below the mark" in above.json()["error"]["message"]
    assert _tp_sl(api, pro, stop_loss="-1").status_code == 422
    assert _tp_sl(api, pro, stop_loss="1", trailing="2").status_code == 422  # unknown key
    [own] = _positions(api, pro)
    assert own["stop_loss"] == "45000"
    cancelled = _tp_sl(api, pro)
    assert cancelled.status_code == 200 and cancelled.json()["stop_loss"] is None
    ana = funded(api, "ana", "1000")
    assert _tp_sl(api, ana, stop_loss="45000").status_code == 403
    assert api.client.get("/api/v1/positions", headers=ana["headers"]).status_code == 403
    assert api.client.get("/api/v1/positions").status_code == 401


def test_a_provider_book_in_cross_margin(api: Api) -> None:
    price(api, SYMBOL, "50000")
    pro = provider(api, "pro", "10000")
    me = api.client.get("/api/v1/providers/me", headers=pro["headers"]).json()
    assert me["margin_mode"] == "isolated"
    reply = api.client.patch(
        "/api/v1/providers/me", json={"margin_mode": "cross"}, headers=pro["headers"]
    )
    assert reply.status_code == 200 and reply.json()["margin_mode"] == "cross"
    bad = api.client.patch(
        "/api/v1/providers/me", json={"margin_mode": "portfolio"}, headers=pro["headers"]
    )
    assert bad.status_code == 422
    market(api, pro, "buy", "0.04", leverage="5")
    [own] = _positions(api, pro)
    assert own["margin_mode"] == "cross"
