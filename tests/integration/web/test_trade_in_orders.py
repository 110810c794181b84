"""`/trade` shows what a provider's resting orders keep in orders (docs/web.md "Trade",
docs/venues.md "Funds in orders"), and nothing once they are cancelled."""

from __future__ import annotations

from ..api.conftest import Api
from ..api.trading_support import price
from ..engine.harness import PERP
from .conftest import ORIGIN
from .test_dashboard import become_provider, signed_up


def test_the_funds_a_resting_order_keeps_are_shown_until_it_is_cancelled(web: Api) -> None:
    signed_up(web, "5000")
    become_provider(web)
    price(web, PERP.symbol, "50000")
    assert 'class="in-orders"' not in web.client.get("/trade").text
    limit = {"symbol": PERP.symbol, "side": "buy", "qty": "0.01", "type": "limit"}
    placed = web.client.post(
        "/trade", data={**limit, "price": "40000", "key": "l1"}, headers=ORIGIN
    )
    assert placed.status_code == 200, placed.text
    held = web.client.get("/api/v1/positions").json()["in_orders"]["USDT"]
    page = web.client.get("/trade").text
    assert f'<p class="in-orders">In orders: {held} USDT:' in page
    [order] = web.client.get("/api/v1/orders").json()["items"]
    cancel = f"/trade/orders/{order['client_order_id']}/cancel"
    assert web.client.post(cancel, headers=ORIGIN, follow_redirects=False).status_code == 303
    assert 'class="in-orders"' not in web.client.get("/trade").text
