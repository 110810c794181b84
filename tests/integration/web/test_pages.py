"""The web UI's pages as HTML: leaderboard, provider page, and their form errors."""

from __future__ import annotations

import re

from markupsafe import escape

from copytrade.domain.disclosures import PAST_PERFORMANCE, RISK_DISCLOSURE

from ..api.conftest import Api


def provider_order(html: str) -> list[str]:
    return re.findall(r'data-provider="([^"]+)"', html)


def test_leaderboard_shows_cards_with_sparklines_and_the_disclaimer(
    web: Api, ids: dict[str, str]
) -> None:
    reply = web.client.get("/", params={"period": "all"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/html")
    html = reply.text
    assert escape(PAST_PERFORMANCE) in html
    assert provider_order(html) == [ids["solo"], ids["pro"]]  # young is not ranked yet
    assert html.count("<polyline points=") == 2
    avatars = re.findall(r'<svg class="avatar "[^>]*>(.*?)</svg>', html, re.S)
    assert len(avatars) == 2 and avatars[0] != avatars[1]  # distinct identicons
    pro_card = html[html.index(f'data-provider="{ids["pro"]}"') :]
    assert '<dd class="followers">3</dd>' in pro_card and "15%" in pro_card
    assert "Content-Security-Policy" in reply.headers


def test_leaderboard_sort_and_filters_change_the_cards(web: Api, ids: dict[str, str]) -> None:
    by_followers = web.client.get("/", params={"period": "all", "sort": "followers"}).text
    assert provider_order(by_followers) == [ids["pro"], ids["solo"]]
    three_plus = web.client.get("/", params={"period": "all", "min_followers": "3"}).text
    assert provider_order(three_plus) == [ids["pro"]]
    assert 'value="3"' in three_plus  # the form keeps what was asked
    nothing = web.client.get("/", params={"strategy": "spot", "risk_level": "high"}).text
    assert provider_order(nothing) == [] and "No provider matches" in nothing


def test_leaderboard_pages_through_the_ranking(web: Api, ids: dict[str, str]) -> None:
    query = {"period": "all", "sort": "followers", "page_size": "1"}
    first = web.client.get("/", params=query).text
    second = web.client.get("/", params={**query, "page": "2"}).text
    assert provider_order(first) == [ids["pro"]] and "Page 1 of 2" in first
    assert 'href="/?period=all&amp;sort=followers&amp;page_size=1&amp;page=2"' in first
    assert provider_order(second) == [ids["solo"]] and 'rel="prev"' in second


def test_bad_leaderboard_filters_show_a_message_not_an_error_page(web: Api) -> None:
    for params, words in [
        ({"min_aum": "lots"}, "min aum must be a number"),
        ({"min_aum": "1_000"}, "min aum must be a number"),
        ({"period": "1y"}, "period must be one of 7d, 30d, 90d, all"),
        ({"max_drawdown": "150"}, "max drawdown must be a number from 0 to 100"),
        ({"min_followers": "-1"}, "min followers must be a whole number"),
        ({"page": "0"}, "page must be a whole number"),
        ({"page_size": "1000"}, "page size must be a whole number from 1 to 200"),
    ]:
        reply = web.client.get("/", params=params)
        assert reply.status_code == 422, params
        assert reply.headers["content-type"].startswith("text/html")
        assert words in reply.text and 'role="alert"' in reply.text


def test_provider_page_has_every_period_the_curve_trades_terms_and_disclaimer(
    web: Api, ids: dict[str, str]
) -> None:
    reply = web.client.get(f"/providers/{ids['pro']}")
    assert reply.status_code == 200
    html = reply.text
    assert escape(PAST_PERFORMANCE) in html
    assert re.search(r'<figure class="chart" id="equity-curve">\s*<svg class="curve \w+"', html)
    points = re.search(r'id="equity-curve".*?<polyline points="([^"]+)"', html, re.S)
    assert points is not None and len(points.group(1).split()) == 10  # one point per day
    chart = html[html.index('id="equity-curve"') : html.index("</figure>")]
    hovers = re.findall(r"<title>(\d{4}-\d\d-\d\d): ([\d,.]+) USDT</title>", chart)
    assert len(hovers) == 10 and hovers[0] == ("2026-01-05", "10,037.98")  # a value per day
    assert len(re.findall(r'<text class="x-label"', chart)) == 6  # date ticks
    assert len(re.findall(r'<text class="y-label"', chart)) >= 3  # value gridlines
    header = re.search(r"<thead><tr><th></th>(.*?)</tr></thead>", html)
    assert header is not None and re.findall(r">(\w+)</th>", header.group(1)) == [
        "7d", "30d", "90d", "all",
    ]
    for label in ("Win rate", "Max loss, single trade", "Profit factor", "Avg holding time",
                  "Sharpe", "Sortino", "Copier PnL", "Risk level", "Strategy", "AUM"):
        assert f">{label}" in html, label
    assert html.count("<tr>\n        <td>2026-") == 6  # the six closed trades
    assert "<dd>15%</dd>" in html
    assert "Sign in</a> or <a href=\"/signup\">sign up</a> to copy" in html
    assert escape(RISK_DISCLOSURE) not in html  # the follow form is for signed-in users


def test_unknown_provider_is_a_404_page(web: Api) -> None:
    reply = web.client.get("/providers/nobody")
    assert reply.status_code == 404 and "There is no provider" in reply.text


def test_stylesheet_is_served_from_the_package(web: Api) -> None:
    reply = web.client.get("/static/style.css")
    assert reply.status_code == 200 and ".cards" in reply.text


def test_a_provider_too_young_to_rank_still_has_a_page(web: Api, ids: dict[str, str]) -> None:
    reply = web.client.get(f"/providers/{ids['young']}")
    assert reply.status_code == 200 and "<h1>young</h1>" in reply.text
    assert escape(PAST_PERFORMANCE) in reply.text and "No closed trades yet." in reply.text
