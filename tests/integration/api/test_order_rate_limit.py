"""Orders per user in a sliding window: past the limit, 429 with Retry-After."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Api
from .trading_support import market, provider


def test_orders_past_the_limit_are_refused_until_the_window_moves_on(api: Api) -> None:
    settings = api.runtime.container.settings
    limit, window = settings.order_rate_limit, settings.order_rate_window_seconds
    assert (limit, window) == (20, 10.0)  # the defaults, documented in docs/api.md
    lead, other = provider(api, "gus"), provider(api, "hal")
    for n in range(limit):
        assert market(api, lead, "buy", "0.001", client_order_id=f"r{n}").status_code == 201
    refused = market(api, lead, "buy", "0.001", client_order_id="one-too-many")
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= window
    assert api.client.get("/api/v1/orders/one-too-many", headers=lead["headers"]).status_code == 404
    # Another user has its own window.
    assert market(api, other, "buy", "0.001").status_code == 201
    api.harness.clock.advance(timedelta(seconds=window))
    assert market(api, lead, "buy", "0.001", client_order_id="later").status_code == 201
