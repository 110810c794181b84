"""A copy's own page: top-up, withdraw, close a position by hand, paged decisions, and the
confirmation step of a stop and of a close (docs/web.md, Dashboards and trading)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.domain.instruments import Side

from ..api.conftest import Api
from .conftest import ORIGIN
from .test_dashboard import follow, provider_trades, signed_up


def page_of(web: Api, rel: str, query: str = "") -> str:
    reply = web.client.get(f"/dashboard/relationships/{rel}{query}")
    assert reply.status_code == 200, reply.text
    return reply.text


def figure(html: str, name: str) -> str:
    found = re.search(rf'<dd class="{name}[^"]*">([^<]+)<', html)
    assert found, name
    return found.group(1)


def move(web: Api, rel: str, way: str, amount: str, key: str) -> int:
    form = {"amount": amount, "key": key}
    url = f"/dashboard/relationships/{rel}/{way}"
    return web.client.post(url, data=form, headers=ORIGIN, follow_redirects=False).status_code


def test_top_up_and_withdraw_move_money_once_and_refuse_what_cannot_be(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web, "3000")
    rel = follow(web, ids["pro"], "1000")
    html = page_of(web, rel)
    assert PAST_PERFORMANCE in html and 'id="top-up-form"' in html and 'id="withdraw-form"' in html
    assert figure(html, "allocation") == "1,000.00"

    assert move(web, rel, "top-up", "500", "t1") == 303
    assert move(web, rel, "top-up", "500", "t1") == 303  # the same form again: once
    html = page_of(web, rel)
    assert figure(html, "allocation") == "1,500.00" and figure(html, "hwm") == "1,500.00"
    assert move(web, rel, "withdraw", "200", "w1") == 303
    assert figure(page_of(web, rel), "allocation") == "1,300.00"

    for way, amount, key, status, words in [
        ("top-up", "1e3", "t2", 422, "amount must be a number"),
        ("top-up", "99999", "t3", 422, "exceeds your free balance"),
        ("withdraw", "5000", "w2", 422, "free cash"),
        ("withdraw", "10", "<bad>", 422, "this form is out of date"),
    ]:
        form = {"amount": amount, "key": key}
        reply = web.client.post(f"/dashboard/relationships/{rel}/{way}", data=form, headers=ORIGIN)
        assert reply.status_code == status, (way, amount, reply.status_code)
        assert words in reply.text and 'role="alert"' in reply.text, (way, words)
        assert f'value="{amount}"' in reply.text  # what was typed, shown again
    assert figure(page_of(web, rel), "allocation") == "1,300.00"  # nothing moved
    assert web.client.post(f"/dashboard/relationships/{rel}/top-up", data={}).status_code == 403


def test_a_position_shows_its_margin_mode_and_liquidation_price(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web, "2000")
    rel = follow(web, ids["pro"], "1000")
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    html = page_of(web, rel)
    row = html[html.index('data-symbol="BTC/USDT:USDT"'):]
    row = row[: row.index("</tr>")]
    assert '<td class="margin-mode">isolated</td>' in row  # the default (docs/domain.md)
    # The test market's perp has no margin rules: it is never liquidated, so no price.
    assert '<td class="num liquidation">—</td>' in row


def test_closing_a_position_by_hand_is_confirmed_then_detaches_it(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web, "2000")
    rel = follow(web, ids["pro"], "1000")
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    html = page_of(web, rel)
    link = f"/dashboard/relationships/{rel}/close?symbol=BTC/USDT%3AUSDT"
    assert f'href="{link}"' in html
    confirm = web.client.get(link)
    assert confirm.status_code == 200
    assert re.search(r'name="confirm" value="yes" id="confirm" required', confirm.text)
    url = f"/dashboard/relationships/{rel}/close"
    unticked = web.client.post(url, data={"symbol": "BTC/USDT:USDT"}, headers=ORIGIN)
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    assert 'data-symbol="BTC/USDT:USDT"' in page_of(web, rel)  # still open
    absent = web.client.get(f"/dashboard/relationships/{rel}/close?symbol=ETH/USDT")
    assert absent.status_code == 404

    done = web.client.post(
        url, data={"symbol": "BTC/USDT:USDT", "confirm": "yes"}, headers=ORIGIN,
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == f"/dashboard/relationships/{rel}"
    after = page_of(web, rel)
    assert 'data-symbol="BTC/USDT:USDT"' not in after and "No open positions." in after
    provider_trades(web, ids["pro"], Side.SELL, "0.1")  # the provider closes: skipped here
    assert "detached" in page_of(web, rel)


def test_stop_needs_the_confirmation_box_and_can_keep_the_positions(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web, "2000")
    rel = follow(web, ids["pro"], "1000")
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    url = f"/dashboard/relationships/{rel}/stop"
    assert f'href="{url}"' in web.client.get("/dashboard").text  # a link, not a one-click stop
    confirm = web.client.get(url)
    assert confirm.status_code == 200 and "for good" in confirm.text
    assert 'name="close_on_stop" value="yes" checked' in confirm.text  # the copy's setting
    refused = web.client.post(url, data={"close_on_stop": "no"}, headers=ORIGIN)
    assert refused.status_code == 422 and "tick the box" in refused.text
    assert figure(page_of(web, rel), "status") == "active"

    kept = web.client.post(
        url, data={"close_on_stop": "no", "confirm": "yes"}, headers=ORIGIN, follow_redirects=False
    )
    assert kept.status_code == 303 and kept.headers["location"] == "/dashboard"
    html = page_of(web, rel)
    assert figure(html, "status").startswith("stopped")
    assert 'data-symbol="BTC/USDT:USDT"' in html  # kept as the follower's own
    assert 'id="top-up-form"' not in html and f'href="{url}"' not in html
    provider_trades(web, ids["pro"], Side.SELL, "0.1")


def test_decisions_are_paged_newest_first(web: Api, ids: dict[str, str]) -> None:
    signed_up(web, "5000")
    rel = follow(web, ids["pro"], "3000")
    for _ in range(14):  # 28 fills: 28 decisions, one page of 25 and one of 3
        provider_trades(web, ids["pro"], Side.BUY, "0.01")
        provider_trades(web, ids["pro"], Side.SELL, "0.01")
    first = page_of(web, rel)
    assert first.count('class="action">') == 25 and "Page 1 of 2" in first
    assert f'href="/dashboard/relationships/{rel}?page=2" rel="next"' in first
    second = page_of(web, rel, "?page=2")
    assert second.count('class="action">') == 3 and 'rel="prev"' in second
    assert 'id="decisions-total">28 decisions' in second
    assert "No copy decisions on this page" in page_of(web, rel, "?page=9")
    assert web.client.get(f"/dashboard/relationships/{rel}?page=0").status_code == 422
    dashboard = web.client.get("/dashboard").text
    assert f'<a href="/dashboard/relationships/{rel}">all of them</a>' in dashboard


def test_another_users_copy_page_is_not_found(web: Api, ids: dict[str, str]) -> None:
    signed_up(web)
    theirs = follow(web, ids["pro"], "500")
    signed_up(web)
    for path in ("", "/stop", "/close?symbol=BTC/USDT:USDT"):
        reply = web.client.get(f"/dashboard/relationships/{theirs}{path}")
        assert reply.status_code == 404 and "no copy relationship" in reply.text, path
    for way in ("top-up", "withdraw"):
        assert move(web, theirs, way, "10", "k") == 404
    web.client.cookies.clear()
    signed_out = web.client.get(f"/dashboard/relationships/{theirs}", follow_redirects=False)
    assert signed_out.headers["location"] == "/login"


def test_the_dashboard_and_the_copy_page_chart_the_equity(web: Api, ids: dict[str, str]) -> None:
    signed_up(web)
    assert 'id="no-chart"' in web.client.get("/dashboard").text
    rel = follow(web, ids["pro"], "1000")
    with web.runtime.platform.uow() as uow:
        book = uow.relationships.get(rel).book
        today = web.runtime.platform.clock.now().date()
        uow.equity.record_close(book, today - timedelta(days=1), Decimal(990))
        uow.commit()
    for html, chart in [
        (web.client.get("/dashboard").text, "dashboard-equity"),
        (page_of(web, rel), "rel-equity"),
    ]:
        drawn = html[html.index(f'id="{chart}"') : html.index("</figure>")]
        hovers = re.findall(r"<title>([\d-]+): ([\d,.]+) USDT</title>", drawn)
        assert hovers == [(str(today - timedelta(days=1)), "990.00"), (str(today), "1,000.00")]
        assert 'class="y-label"' in drawn and 'class="x-label"' in drawn
