"""The public discovery endpoints: leaderboard filters/sorts and provider detail."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from copytrade.api.encode import plain
from copytrade.config import Settings
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.domain.statistics.curve import equity_curve

from ..engine.harness import Harness
from ..stats.world import play_world, stats_service
from .conftest import Api, make_api


@pytest.fixture
def world_api(db_engine: Engine, db_settings: Settings) -> Iterator[tuple[Api, dict[str, str]]]:
    harness = Harness(db_engine)
    ids = play_world(harness)
    stats_service(harness).full_refresh()
    made = make_api(db_engine, db_settings, harness)
    with made.client:
        yield made, {k: str(v) for k, v in ids.items()}


def test_leaderboard_ranks_sorts_filters_and_carries_the_disclaimer(
    world_api: tuple[Api, dict[str, str]],
) -> None:
    api, ids = world_api
    reply = api.client.get("/api/v1/leaderboard", params={"period": "all", "sort": "pnl"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["disclaimer"] == PAST_PERFORMANCE
    pnls = [Decimal(c["pnl"]) for c in body["cards"]]
    assert pnls == sorted(pnls, reverse=True) and body["total"] == len(body["cards"])
    assert ids["young"] not in {c["provider_id"] for c in body["cards"]}  # too young to rank
    by_followers = api.client.get(
        "/api/v1/leaderboard", params={"period": "all", "min_followers": 3}
    ).json()
    assert [c["provider_id"] for c in by_followers["cards"]] == [ids["pro"]]
    assert all(isinstance(c["aum"], str) for c in by_followers["cards"])  # decimals as strings


@pytest.mark.parametrize(
    "params",
    [
        {"period": "1y"},
        {"sort": "luck"},
        {"page_size": 1000},
        {"min_aum": "lots"},
        {"risk_level": "extreme"},
        {"page": 0},
    ],
)
def test_bad_leaderboard_queries_are_422(api: Api, params: dict[str, object]) -> None:
    reply = api.client.get("/api/v1/leaderboard", params=params)
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_request"


def test_provider_detail_has_every_period_the_curve_and_trades(
    world_api: tuple[Api, dict[str, str]],
) -> None:
    api, ids = world_api
    reply = api.client.get(f"/api/v1/providers/{ids['pro']}", params={"trades_page_size": 4})
    assert reply.status_code == 200
    body = reply.json()
    assert set(body["stats"]) == {"7d", "30d", "90d", "all"}
    assert body["stats"]["all"]["total_trades"] == 6
    assert body["terms"]["share_pct"] == "15" and body["terms"]["followers"] == 3
    with api.runtime.platform.uow() as uow:
        series = uow.equity.series(ids["pro"])
    expected = equity_curve(series, through=api.runtime.stats.as_of())
    assert [p["value"] for p in body["equity_curve"]] == [plain(p.value) for p in expected]
    closed = [t["closed_at"] for t in body["trades"]["items"]]
    assert len(closed) == 4 and closed == sorted(closed, reverse=True)
    assert body["disclaimer"] == PAST_PERFORMANCE


def test_unknown_provider_is_404(world_api: tuple[Api, dict[str, str]]) -> None:
    api, _ = world_api
    reply = api.client.get("/api/v1/providers/nobody")
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
