"""The leaderboard's page cache through the API: one page per query, whatever its spelling."""

from __future__ import annotations

from copytrade.api.page_cache import PageCache

from .conftest import Api


def test_spellings_of_one_query_share_a_page_and_bad_queries_are_not_cached(api: Api) -> None:
    cache: PageCache = api.client.app.state.leaderboard_cache  # type: ignore[attr-defined]
    first = api.client.get("/api/v1/leaderboard", params={"period": "all", "min_aum": "0"})
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    assert len(cache) == 2  # the validated query, and its spelling as sent
    again = api.client.get("/api/v1/leaderboard?min_aum=0.00&period=all")
    assert again.content == first.content and len(cache) == 3  # a new spelling, same page
    reordered = api.client.get("/api/v1/leaderboard?period=all&min_aum=0")
    assert reordered.content == first.content and len(cache) == 3  # served before routing
    assert api.client.get("/api/v1/leaderboard", params={"page": 0}).status_code == 422
    assert len(cache) == 3
    assert first.json()["period"] == "all" and first.json()["total"] == 0
