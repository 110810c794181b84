"""Changing a provider's terms, cancelling and paging orders, paging a provider's trades,
and the live pages' wiring to the event stream (docs/web.md)."""

from __future__ import annotations

import re

from copytrade.domain.instruments import Side
from copytrade.service_layer.events import EventFeed
from copytrade.service_layer.provider_trade_feed import ProviderTradeFeed
from copytrade.web.pages import EVENTS_URL

from ..api.conftest import Api
from ..engine.harness import PERP
from .conftest import ORIGIN
from .test_dashboard import become_provider, follow, provider_trades, signed_up

TERMS = {
    "fee_model": "profit_share",
    "share_pct": "12.5",
    "subscription_price": "",
    "follower_cap": "40",
    "settlement_period": "monthly",
}


def test_a_provider_changes_its_terms_on_the_form(web: Api) -> None:
    signed_up(web, "3000")
    assert web.client.get("/provider/terms", follow_redirects=False).headers["location"] == (
        "/provider"  # not a provider yet: the form to become one
    )
    become_provider(web)
    assert 'href="/provider/terms"' in web.client.get("/provider").text
    form = web.client.get("/provider/terms").text
    assert 'id="terms-form"' in form
    assert re.search(r'name="share_pct"[^>]* value="20"', form)  # the stored terms
    for changes, status, words in [
        ({"share_pct": "31"}, 422, "share pct must be a number from 0 to 30"),
        ({"follower_cap": "many"}, 422, "follower cap must be a whole number"),
        ({"fee_model": "raffle"}, 422, "choose a fee model"),
    ]:
        reply = web.client.post("/provider/terms", data={**TERMS, **changes}, headers=ORIGIN)
        assert reply.status_code == status and words in reply.text, changes
        assert 'id="terms-form"' in reply.text
    saved = web.client.post("/provider/terms", data=TERMS, headers=ORIGIN, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/provider"
    terms = web.client.get("/api/v1/providers/me").json()
    assert terms["share_pct"] == "12.5" and terms["follower_cap"] == 40
    assert terms["settlement_period"] == "monthly"
    assert 'id="share">12.50%<' in web.client.get("/provider").text
    assert web.client.post("/provider/terms", data=TERMS).status_code == 403  # no Origin


def test_the_terms_form_sets_the_minimum_allocation_and_margin_mode(web: Api) -> None:
    signed_up(web, "3000")
    become_provider(web)
    form = web.client.get("/provider/terms").text
    assert 'id="min_allocation"' in form and 'id="margin_mode"' in form
    for changes, words in [
        ({"margin_mode": "portfolio"}, "choose a margin mode"),
        ({"min_allocation": "lots"}, "min allocation must be a number"),
    ]:
        reply = web.client.post("/provider/terms", data={**TERMS, **changes}, headers=ORIGIN)
        assert reply.status_code == 422 and words in reply.text, changes
    assert web.client.get("/api/v1/providers/me").json()["margin_mode"] == "isolated"
    asked = {**TERMS, "min_allocation": "250", "margin_mode": "cross"}
    saved = web.client.post("/provider/terms", data=asked, headers=ORIGIN, follow_redirects=False)
    assert saved.status_code == 303
    terms = web.client.get("/api/v1/providers/me").json()
    assert (terms["min_allocation"], terms["margin_mode"]) == ("250", "cross")
    form = web.client.get("/provider/terms").text
    assert re.search(r'name="min_allocation"[^>]* value="250"', form)
    assert re.search(r'<option value="cross" selected>', form)


def test_the_fee_model_is_locked_while_followers_copy(web: Api) -> None:
    signed_up(web, "3000")
    become_provider(web)
    provider = web.client.get("/api/v1/auth/me").json()["id"]
    cookies = dict(web.client.cookies)
    signed_up(web, "2000")
    follow(web, provider, "500")
    web.client.cookies.clear()
    web.client.cookies.update(cookies)
    change = {**TERMS, "fee_model": "subscription", "subscription_price": "15"}
    reply = web.client.post("/provider/terms", data=change, headers=ORIGIN)
    assert reply.status_code == 409 and "fee model cannot change" in reply.text
    assert 'value="15"' in reply.text  # what was typed
    assert web.client.get("/api/v1/providers/me").json()["fee_model"] == "profit_share"


def test_open_orders_are_cancelled_from_the_trade_page_and_orders_are_paged(web: Api) -> None:
    signed_up(web, "5000")
    become_provider(web)
    limit = {"symbol": PERP.symbol, "side": "buy", "qty": "0.01", "type": "limit",
             "price": "30000", "key": "resting"}  # fmt: skip
    assert web.client.post("/trade", data=limit, headers=ORIGIN).status_code == 200
    page = web.client.get("/trade").text
    row = page[page.index('data-order="resting"') :]
    assert 'action="/trade/orders/resting/cancel"' in row[: row.index("</tr>")]
    cancelled = web.client.post(
        "/trade/orders/resting/cancel", headers=ORIGIN, follow_redirects=False
    )
    assert cancelled.status_code == 303
    page = web.client.get("/trade").text
    row = page[page.index('data-order="resting"') :]
    assert 'class="status">cancelled' in row and "/cancel" not in row[: row.index("</tr>")]
    assert web.client.post("/trade/orders/nope/cancel", headers=ORIGIN).status_code == 404
    assert web.client.post("/trade/orders/resting/cancel").status_code == 403

    market = {"symbol": PERP.symbol, "side": "buy", "qty": "0.001", "type": "market"}
    for i in range(20):
        web.client.post("/trade", data={**market, "key": f"m{i}"}, headers=ORIGIN)
    filled = web.client.post("/trade/orders/m0/cancel", headers=ORIGIN)
    assert filled.status_code == 409 and "order m0 is no longer open" in filled.text
    first = web.client.get("/trade").text
    assert first.count("data-order=") == 20 and "Page 1 of 2" in first
    second = web.client.get("/trade?page=2").text
    shown = re.findall(r'data-order="([^"]+)"', first) + re.findall(r'data-order="([^"]+)"', second)
    assert len(set(shown)) == 21 and "Page 2 of 2" in second
    assert web.client.get("/trade?page=x").status_code == 422


def test_a_providers_trades_are_paged(web: Api, ids: dict[str, str]) -> None:
    first = web.client.get(f"/providers/{ids['pro']}").text
    assert first.count("<tr>\n        <td>2026-") == 6 and 'rel="next"' not in first
    for _ in range(15):  # 15 more round trips: 21 closed trades, a page of 20 and one of 1
        provider_trades(web, ids["pro"], Side.BUY, "0.01")
        provider_trades(web, ids["pro"], Side.SELL, "0.01")
    full = web.client.get(f"/providers/{ids['pro']}").text
    assert full.count("<tr>\n        <td>2026-") == 20 and "Page 1" in full
    assert f'href="/providers/{ids["pro"]}?trades_page=2" rel="next"' in full
    older = web.client.get(f"/providers/{ids['pro']}?trades_page=2").text
    assert older.count("<tr>\n        <td>2026-") == 1
    assert 'rel="prev"' in older and 'rel="next"' not in older
    assert "No closed trades on this page" in web.client.get(
        f"/providers/{ids['pro']}?trades_page=9"
    ).text
    assert web.client.get(f"/providers/{ids['pro']}?trades_page=-1").status_code == 422


def test_live_pages_listen_to_the_event_stream_from_now(web: Api, ids: dict[str, str]) -> None:
    anonymous = web.client.get(f"/providers/{ids['pro']}")
    # Signed out: the provider's public trade stream, from its latest trade on.
    last = ProviderTradeFeed(web.runtime.platform.uow).now(ids["pro"])
    public = re.search(r'<body data-events="([^"]+)" data-event-types="([^"]+)"', anonymous.text)
    assert public and public.groups() == (
        f"/api/v1/providers/{ids['pro']}/events?after={last}", "trade"
    )
    assert web.client.get(f"{public.group(1)}&once=true").status_code == 200
    csp = anonymous.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    signed_up(web)
    become_provider(web)  # so that /provider is its dashboard (a live page)
    follow(web, ids["pro"], "500")
    now = EventFeed(web.runtime.platform.uow).now()
    user = web.client.get("/api/v1/auth/me").json()["id"]
    for path in ("/dashboard", f"/providers/{ids['pro']}", "/provider"):
        html = web.client.get(path).text
        found = re.search(r'<body data-events="([^"]+)" data-event-types="([^"]+)"', html)
        assert found, path
        assert found.group(1) == f"{EVENTS_URL}?after={now}"
        assert {"copy.placed", "fill"} <= set(found.group(2).split())
        assert '<script src="/static/live.js" defer></script>' in html and "data-live" in html
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    stream = web.client.get(f"{EVENTS_URL}?after={now}&once=true").text
    assert "event: copy." in stream and "event: fill" in stream  # what the page reacts to
    feed = EventFeed(web.runtime.platform.uow)
    assert [e.type for e in feed.after(user, now)[0]] == ["copy.placed", "fill"]
    assert feed.after(user, feed.now())[0] == []  # from now: nothing yet
    provider_trades(web, ids["pro"], Side.SELL, "0.1")
    script = web.client.get("/static/live.js")
    assert script.status_code == 200 and "EventSource" in script.text
