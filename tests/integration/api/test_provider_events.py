"""``/api/v1/providers/{id}/events``: a provider's closed trades as a public stream."""

from __future__ import annotations

from typing import Any

from .conftest import Api
from .sse import parse_sse
from .trading_support import market, price, provider


def public_events(api: Api, provider_id: str, **params: Any) -> list[dict[str, Any]]:
    params.setdefault("once", "true")
    reply = api.client.get(f"/api/v1/providers/{provider_id}/events", params=params)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/event-stream")
    return parse_sse(reply.text)


def round_trip(api: Api, user: dict[str, Any], entry: str, exit_: str) -> None:
    price(api, "BTC/USDT:USDT", entry)
    assert market(api, user, "buy", "0.01").status_code == 201
    price(api, "BTC/USDT:USDT", exit_)
    assert market(api, user, "sell", "0.01").status_code == 201


def test_anyone_sees_a_providers_trades_as_they_close_and_resumes_by_id(api: Api) -> None:
    pro = provider(api, "pub")
    assert public_events(api, pro["id"]) == []
    round_trip(api, pro, "50000", "51000")
    round_trip(api, pro, "51000", "50500")
    first, second = public_events(api, pro["id"])  # no sign-in
    assert first["event"] == second["event"] == "trade"
    assert (first["symbol"], first["side"], first["qty"]) == ("BTC/USDT:USDT", "long", "0.01")
    assert (first["entry_price"], first["exit_price"]) == ("50000", "51000")
    assert second["exit_price"] == "50500" and second["pnl"].startswith("-")
    assert public_events(api, pro["id"], after=first["id"]) == [second]
    assert public_events(api, pro["id"], after=second["id"]) == []
    # Only what the public page shows: no follower, order or position fields.
    assert set(first) == {
        "id", "event", "type", "symbol", "side", "qty", "entry_price", "exit_price", "pnl",
        "pnl_pct", "fees", "leverage", "opened_at", "closed_at",
    }  # fmt: skip


def test_an_unknown_provider_is_404_and_a_bad_cursor_422(api: Api) -> None:
    assert api.client.get("/api/v1/providers/nobody/events?once=true").status_code == 404
    pro = provider(api, "pub2")
    reply = api.client.get(f"/api/v1/providers/{pro['id']}/events", params={"after": "1.2.3"})
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_request"
