"""The follower's /dashboard, the provider's /provider and the /trade order ticket."""

from __future__ import annotations

import itertools
import re
import uuid
from decimal import Decimal

from copytrade.api.deps import SESSION_COOKIE
from copytrade.domain.disclosures import PAST_PERFORMANCE, RISK_DISCLOSURE_VERSION
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.trading import OrderAsk, ProviderTrading

from ..api.conftest import PASSWORD, Api
from ..engine.harness import PERP
from .conftest import ORIGIN

_names = itertools.count()
CONFIRMED = {"confirm": "yes"}  # the stop's confirmation box, ticked


def signed_up(web: Api, deposit: str = "2000", name: str = "Dana") -> str:
    """A new web user, signed in by the client's cookie, with a paper deposit; its e-mail."""
    email = f"dash{next(_names)}@example.com"
    form = {
        "email": email,
        "display_name": name,
        "jurisdiction": "DE",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    web.client.cookies.clear()
    assert web.client.post("/signup", data=form, headers=ORIGIN).status_code == 200
    key = {"amount": deposit, "key": f"dep-{uuid.uuid4().hex}"}
    assert web.client.post("/me/deposit", data=key, headers=ORIGIN).status_code == 200
    return email


def follow(web: Api, provider: str, allocation: str = "1000") -> str:
    form = {
        "allocation": allocation,
        "acknowledge": "yes",
        "close_on_stop": "yes",
        "disclosure_version": RISK_DISCLOSURE_VERSION,
    }
    reply = web.client.post(f"/providers/{provider}/copy", data=form, headers=ORIGIN)
    assert reply.status_code == 200, reply.text
    found = re.findall(r'data-relationship="([^"]+)" data-provider="' + provider, reply.text)
    assert found
    return found[-1]


def provider_trades(web: Api, provider: str, side: Side, qty: str) -> None:
    trading = ProviderTrading(web.runtime.platform)
    ask = OrderAsk(PERP.symbol, side, Decimal(qty), OrderType.MARKET, None, Decimal(5), False)
    web.runtime.act(lambda: trading.place(provider, None, ask))


def status_of(web: Api, rel_id: str) -> str:
    page = web.client.get("/dashboard").text
    found = re.search(rf'id="rel-{rel_id}".*?class="status">(\w+)<', page, re.S)
    assert found, page
    return found.group(1)


def test_the_dashboard_shows_decisions_and_pauses_resumes_and_stops(
    web: Api, ids: dict[str, str]
) -> None:
    assert web.client.get("/dashboard", follow_redirects=False).headers["location"] == "/login"
    signed_up(web)
    empty = web.client.get("/dashboard")
    assert empty.status_code == 200 and 'id="no-copies"' in empty.text
    rel = follow(web, ids["pro"])
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    page = web.client.get("/dashboard").text
    assert PAST_PERFORMANCE in page
    section = page[page.index(f'id="rel-{rel}"') :]
    assert 'class="action">placed<' in section and "BTC/USDT:USDT" in section
    assert 'class="allocation">1,000.00<' in section and 'class="hwm">1,000.00<' in section

    for action, status in [("pause", "paused"), ("resume", "active"), ("stop", "stopped")]:
        reply = web.client.post(
            f"/dashboard/relationships/{rel}/{action}",
            data=CONFIRMED,
            headers=ORIGIN,
            follow_redirects=False,
        )
        assert reply.status_code == 303 and reply.headers["location"] == "/dashboard"
        assert status_of(web, rel) == status
    stopped = web.client.get("/dashboard").text
    assert f"/dashboard/relationships/{rel}/stop" not in stopped
    assert "<td>stop:follower</td>" in stopped[stopped.index(f'id="rel-{rel}"') :]
    again = web.client.post(f"/dashboard/relationships/{rel}/resume", headers=ORIGIN)
    assert again.status_code == 409 and 'role="alert"' in again.text  # the dashboard again
    assert 'id="dashboard-account"' in again.text
    provider_trades(web, ids["pro"], Side.SELL, "0.1")  # the provider closes its position


def test_another_users_relationship_answers_404_and_nothing_changes(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web)
    theirs = follow(web, ids["pro"], "500")
    signed_up(web)  # someone else
    for action in ("pause", "stop", "resume"):
        reply = web.client.post(
            f"/dashboard/relationships/{theirs}/{action}", data=CONFIRMED, headers=ORIGIN
        )
        assert reply.status_code == 404 and "no copy relationship" in reply.text
    nope = web.client.post("/dashboard/relationships/nope/stop", data=CONFIRMED, headers=ORIGIN)
    assert nope.status_code == 404
    unknown = web.client.post(f"/dashboard/relationships/{theirs}/explode", headers=ORIGIN)
    assert unknown.status_code == 404
    no_origin = web.client.post(f"/dashboard/relationships/{theirs}/stop")
    assert no_origin.status_code == 403
    with web.runtime.platform.uow() as uow:
        assert uow.relationships.get(theirs).state.status.value == "active"


def become_provider(web: Api) -> None:
    reply = web.client.post("/api/v1/providers/me", json={"share_pct": "20"}, headers=ORIGIN)
    assert reply.status_code == 201, reply.text


def test_the_provider_dashboard_shows_aggregates_only(web: Api) -> None:
    assert web.client.get("/provider", follow_redirects=False).status_code == 303
    signed_up(web, "3000")
    assert 'id="not-provider"' in web.client.get("/provider").text
    become_provider(web)
    provider_id = web.client.get("/api/v1/auth/me").json()["id"]
    provider_cookies = dict(web.client.cookies)
    follower_email = signed_up(web, name="Fiona Follower")
    rel = follow(web, provider_id, "700")
    follower_cookies = dict(web.client.cookies)
    web.client.cookies.clear()
    web.client.cookies.update(provider_cookies)
    page = web.client.get("/provider")
    assert page.status_code == 200 and PAST_PERFORMANCE in page.text
    assert 'id="active">1<' in page.text and 'id="stopped">0<' in page.text
    assert 'id="aum">700.00 USDT' in page.text
    assert 'id="credits">0.00 USDT' in page.text
    assert follower_email not in page.text and "Fiona" not in page.text
    web.client.cookies.clear()
    web.client.cookies.update(follower_cookies)
    stop = web.client.post(f"/dashboard/relationships/{rel}/stop", data=CONFIRMED, headers=ORIGIN)
    assert stop.is_success
    web.client.cookies.clear()
    web.client.cookies.update(provider_cookies)
    settled = web.client.get("/provider").text
    assert 'id="stopped">1<' in settled and "<td>stop:follower</td>" in settled
    assert follower_email not in settled and rel not in settled


def test_trade_places_orders_and_re_renders_problems(web: Api) -> None:
    signed_up(web, "5000")
    refused = web.client.get("/trade")
    assert refused.status_code == 403 and "Only providers" in refused.text
    become_provider(web)
    page = web.client.get("/trade")
    assert page.status_code == 200 and 'id="no-orders"' in page.text
    assert PERP.symbol in page.text and "51,800.00" in page.text  # the last price
    good = {"symbol": PERP.symbol, "side": "buy", "qty": "0.01", "type": "market", "key": "k1"}
    for changes, words in [
        ({"qty": "lots"}, "qty must be a number"),
        ({"qty": "0"}, "enter a quantity above 0"),
        ({"symbol": "DOGE/USDT"}, "symbol must be one of"),
        ({"side": "hold"}, "side must be one of buy, sell"),
        ({"type": "limit"}, "a limit order needs a price"),
        ({"leverage": "500"}, "leverage must be a number from 1 to 200"),
        ({"leverage": "60"}, "allows leverage up to 50"),
        ({"key": "<bad key>"}, "this form is out of date"),
    ]:
        reply = web.client.post("/trade", data={**good, **changes}, headers=ORIGIN)
        assert reply.status_code == 422, (changes, reply.status_code)
        assert words in reply.text and 'id="order-form"' in reply.text, changes
    assert 'id="no-orders"' in web.client.get("/trade").text  # nothing was placed
    placed = web.client.post("/trade", data=good, headers=ORIGIN, follow_redirects=False)
    assert placed.status_code == 303 and placed.headers["location"] == "/trade"
    again = web.client.post("/trade", data=good, headers=ORIGIN)  # the same form once more
    assert again.status_code == 200
    shown = again.text
    assert shown.count('data-order="k1"') == 1 and "1 order in all" in shown
    row = shown[shown.index('data-order="k1"') :]
    assert 'class="status">filled' in row and 'class="num fills">1<' in row
    assert web.client.post("/trade", data=good).status_code == 403  # no Origin: refused


def test_a_user_becomes_a_provider_through_the_form(web: Api) -> None:
    signed_up(web, name="Pia")
    user = web.runtime.identity.user_of(web.client.cookies[SESSION_COOKIE]).id
    page = web.client.get("/provider").text
    assert 'id="become-form"' in page
    url = "/provider/become"
    for form, words in [
        (
            {"fee_model": "profit_share", "share_pct": "45"},
            "share pct must be a number from 0 to 30",
        ),
        ({"fee_model": "lottery"}, "choose a fee model"),
        ({"fee_model": "subscription"}, "subscription"),
        ({"follower_cap": "0"}, "follower cap must be a whole number"),
    ]:
        reply = web.client.post(url, data=form, headers=ORIGIN)
        assert reply.status_code in (409, 422) and words in reply.text, (form, reply.text[:300])
        with web.runtime.platform.uow() as uow:
            assert not uow.accounts.is_provider(user)
    assert web.client.post(url, data={"share_pct": "12"}).status_code == 403  # no Origin
    done = web.client.post(
        url, data={"share_pct": "12", "follower_cap": "50"}, headers=ORIGIN, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/provider"
    with web.runtime.platform.uow() as uow:
        terms = uow.accounts.terms(user)
    assert (terms.share_pct, terms.follower_cap, terms.fee_model) == (12, 50, "profit_share")
    assert 'id="followers"' in web.client.get("/provider").text
    assert "Place orders" in web.client.get("/provider").text
