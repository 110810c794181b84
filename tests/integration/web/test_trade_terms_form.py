"""The order terms on the `/trade` form (docs/web.md "Trade"): a trigger (stop, take
profit, trailing stop), time in force, post-only. A bad combination re-renders the form
with a message naming the field, keeps what was typed, and records nothing; a good one
is placed with its terms, shown in the orders table and by the API."""

from __future__ import annotations

import pytest

from ..api.conftest import Api
from ..api.trading_support import price
from ..engine.harness import PERP
from .conftest import ORIGIN
from .test_dashboard import become_provider, signed_up

ORDER = {"symbol": PERP.symbol, "side": "sell", "qty": "0.01", "type": "market"}


def _orders(web: Api) -> list[dict[str, object]]:
    items: list[dict[str, object]] = web.client.get("/api/v1/orders").json()["items"]
    return items


@pytest.mark.parametrize(
    ("terms", "words"),
    [
        ({"trigger": "stop"}, "a stop order needs a trigger price above 0"),
        ({"trigger": "none", "trigger_price": "40000"}, "choose a trigger"),
        ({"trigger": "trailing_stop"}, "exactly one of trail distance and trail percent"),
        ({"trigger": "trailing_stop", "trail_distance": "100", "trail_percent": "1"},
         "exactly one of trail distance and trail percent"),
        ({"trigger": "trailing_stop", "trail_percent": "60"},
         "trail percent must be a number from 0 to 50"),
        ({"trigger": "take_profit", "trigger_price": "60000", "trail_distance": "5"},
         "only a trailing stop has a trail"),
        ({"trigger": "stop_loss", "trigger_price": "40000"}, "trigger must be one of"),
        ({"time_in_force": "day"}, "time in force must be one of gtc, ioc, fok"),
        ({"post_only": "yes"}, "post_only is for limit orders"),
        ({"trigger": "stop", "trigger_price": "abc"}, "trigger price must be a number"),
    ],
)  # fmt: skip
def test_bad_order_terms_are_shown_and_nothing_is_recorded(
    web: Api, terms: dict[str, str], words: str
) -> None:
    signed_up(web, "5000")
    become_provider(web)
    reply = web.client.post("/trade", data={**ORDER, **terms, "key": "bad"}, headers=ORIGIN)
    assert reply.status_code == 422, reply.text
    assert 'role="alert"' in reply.text and words in reply.text
    assert 'id="order-form"' in reply.text
    for name, value in terms.items():
        if name.startswith("tr") and name != "trigger":  # what was typed is kept
            assert f'value="{value}"' in reply.text
    assert _orders(web) == []


def test_a_stop_and_a_post_only_limit_are_placed_with_their_terms(web: Api) -> None:
    signed_up(web, "5000")
    become_provider(web)
    stop = {**ORDER, "trigger": "stop", "trigger_price": "40000", "time_in_force": "ioc"}
    placed = web.client.post("/trade", data={**stop, "key": "sl"}, headers=ORIGIN)
    assert placed.status_code == 200, placed.text
    limit = {**ORDER, "side": "buy", "type": "limit", "price": "30000", "post_only": "yes"}
    assert web.client.post("/trade", data={**limit, "key": "po"}, headers=ORIGIN).status_code == 200
    trail = {**ORDER, "trigger": "trailing_stop", "trail_percent": "2"}
    assert web.client.post("/trade", data={**trail, "key": "tr"}, headers=ORIGIN).status_code == 200
    by_id = {o["client_order_id"]: o for o in _orders(web)}
    assert by_id["sl"]["trigger"] == {
        "kind": "stop", "price": "40000", "trail_distance": None, "trail_percent": None,
        "status": "pending",
    }  # fmt: skip
    assert (by_id["sl"]["status"], by_id["sl"]["time_in_force"]) == ("accepted", "ioc")
    assert (by_id["po"]["post_only"], by_id["po"]["status"]) == (True, "accepted")
    assert by_id["tr"]["trigger"]["trail_percent"] == "2"  # type: ignore[index]
    page = web.client.get("/trade").text
    row = page[page.index('data-order="sl"') :]
    assert "stop at 40,000.00 · pending · IOC" in row[: row.index("</tr>")]
    row = page[page.index('data-order="po"') :]
    assert "post-only" in row[: row.index("</tr>")]
    row = page[page.index('data-order="tr"') :]
    assert "trailing stop trail 2" in row[: row.index("</tr>")]


def test_a_stop_fired_into_a_refusal_shows_triggered_and_rejected(web: Api) -> None:
    """docs/venues.md "Trigger orders": a breakout buy stop for more than the cash waits
    (affordability is checked when it fires), then fires into ``insufficient_balance``."""
    signed_up(web, "5000")
    become_provider(web)
    price(web, PERP.symbol, "50000")
    stop = {**ORDER, "side": "buy", "qty": "1", "trigger": "stop", "trigger_price": "51000"}
    assert web.client.post("/trade", data={**stop, "key": "bo"}, headers=ORIGIN).status_code == 200
    price(web, PERP.symbol, "51500")
    page = web.client.get("/trade").text
    row = page[page.index('data-order="bo"') :]
    row = row[: row.index("</tr>")]
    assert "stop at 51,000.00 · triggered" in row
    assert "rejected (insufficient_balance)" in row and "cancel-order" not in row
