"""Fill quality and ranking by evidence on the pages (docs/statistics.md): the leaderboard's
rules and PSR, the provider page's copy quality and ranking notes, the follower's gap."""

from __future__ import annotations

from copytrade.domain.instruments import Side

from ..api.conftest import Api
from .test_dashboard import follow, provider_trades, signed_up


def test_fill_quality_and_evidence_show_on_the_pages(web: Api, ids: dict[str, str]) -> None:
    board = web.client.get("/").text
    assert "Ranked only with at least" in board and "days of record" in board
    assert "Probabilistic Sharpe" in board
    by_psr = web.client.get("/", params={"sort": "psr"})
    assert by_psr.status_code == 200 and 'class="card"' in by_psr.text

    signed_up(web, "3000", name="Quinn")
    rel = follow(web, ids["pro"], "1000")
    provider_trades(web, ids["pro"], Side.BUY, "0.1")
    provider_trades(web, ids["pro"], Side.SELL, "0.1")
    page = web.client.get("/dashboard").text
    assert 'id="dashboard-fills"' in page and "Slippage against the providers' prices" in page
    section = page[page.index(f'id="rel-{rel}"') :]
    assert 'class="tracking-gap"' in section and "sizing and rounding" in section

    provider = web.client.get(f"/providers/{ids['pro']}").text
    assert 'id="copy-quality"' in provider and "Copiers kept" in provider
    assert "Probabilistic Sharpe ratio" in provider and "Min track record (days)" in provider


def test_an_unranked_provider_is_told_why(web: Api, ids: dict[str, str]) -> None:
    young = web.client.get(f"/providers/{ids['young']}").text
    assert 'id="unranked"' in young and "days of record, fewer than" in young
    stats = web.client.get(f"/api/v1/providers/{ids['young']}").json()["stats"]["all"]
    assert stats["ranked"] is False and "fewer than" in stats["unranked_reasons"][0]
    assert stats["short_record"] is True
