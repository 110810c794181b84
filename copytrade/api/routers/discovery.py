"""Leaderboard, provider cards and provider detail (docs/statistics.md): public, precomputed."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from copytrade.api.deps import Runtime, runtime_of
from copytrade.api.encode import plain
from copytrade.api.errors import NotFoundError, answer, errors
from copytrade.api.inputs import Bounded, Percent
from copytrade.api.page_cache import PageCache, normalised_key, raw_query_key
from copytrade.api.paths import API_V1
from copytrade.api.routers.discovery_out import LeaderboardOut, ProviderOut
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.domain.statistics.curve import equity_curve
from copytrade.domain.values import MAX_AMOUNT
from copytrade.service_layer.accounts import COPYING
from copytrade.service_layer.provider_trade_feed import public_trade
from copytrade.stats.leaderboard import (
    MAX_PAGE_SIZE,
    LeaderboardFilters,
    LeaderboardSort,
    card_of,
    deflated,
    leaderboard,
)

router = APIRouter(prefix=f"{API_V1}", tags=["discovery"])


@router.get(
    "/leaderboard",
    response_class=JSONResponse,
    responses=answer(200, model=LeaderboardOut) | errors(422),
)
async def get_leaderboard(
    request: Request,
    period: Period = Period.D30,
    sort: LeaderboardSort = LeaderboardSort.ROI,
    min_aum: Annotated[Decimal, Bounded(0, MAX_AMOUNT, 8)] | None = None,
    min_followers: int | None = Query(None, ge=0, le=1_000_000_000),
    max_drawdown: Percent | None = None,
    risk_level: RiskLevel | None = None,
    strategy: Strategy | None = None,
    min_track_record_days: int | None = Query(None, ge=0, le=36500),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
) -> Response:
    """Ranked providers, filtered and sorted, one page (from the precomputed stats).

    Public and the same for everyone, so the rendered page is cached for
    ``api_leaderboard_cache_s`` (default 1 s; docs/benchmarks.md): a hit is
    answered on the event loop, a miss reads the database in the thread pool.
    """
    filters = LeaderboardFilters(
        period, min_aum, min_followers, max_drawdown, risk_level, strategy, min_track_record_days
    )
    key = normalised_key(sort=sort, page=page, page_size=page_size, **_filter_params(filters))
    cache: PageCache = request.app.state.leaderboard_cache
    body = cache.get(key)
    if body is None:
        runtime = runtime_of(request)
        body = await run_in_threadpool(
            cache.get_or_compute, key, lambda: _leaderboard_json(runtime, filters, sort, page,
                                                                  page_size)
        )  # fmt: skip
    cache.alias(raw_query_key(request.scope["query_string"]), key)
    return Response(body, media_type="application/json")


def _filter_params(filters: LeaderboardFilters) -> dict[str, object]:
    return {f.name: getattr(filters, f.name) for f in dataclasses.fields(filters)}


def _leaderboard_json(
    runtime: ServerRuntime, filters: LeaderboardFilters, sort: LeaderboardSort, page: int,
    page_size: int,
) -> bytes:  # fmt: skip
    with runtime.container.stats_reads() as uow:
        result = leaderboard(uow, filters, sort, page, page_size)
    payload = {
        "period": Period(filters.period).value,
        "sort": sort.value,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "total": result.total,
        "cards": plain(result.cards),
        "disclaimer": PAST_PERFORMANCE,
    }
    # As FastAPI's JSONResponse renders it.
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


@router.get("/providers/{provider_id}", response_model=ProviderOut, responses=errors(404, 422))
def get_provider(
    provider_id: str,
    runtime: Runtime,
    trades_page: int = Query(1, ge=1, le=100_000),
    trades_page_size: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """A provider's profile and terms, stats for every period, equity curve and trades."""
    with runtime.platform.uow() as uow:
        if not uow.accounts.is_provider(provider_id):
            raise NotFoundError(f"no provider {provider_id!r}")
        terms = uow.accounts.terms(provider_id)
        name = uow.accounts.display_name(provider_id)
        stats = uow.provider_stats.of_provider(provider_id)
        spreads = {period: uow.provider_stats.sharpe_spread(period) for period in stats}
        series = uow.equity.series(provider_id)
        offset = (trades_page - 1) * trades_page_size
        trades = uow.trades.latest_of_book(provider_id, trades_page_size, offset)
        active = uow.relationships.count_for_provider(provider_id, [RelationshipStatus.ACTIVE])
        # The follower cap counts paused followers too: they keep their place.
        copying = uow.relationships.count_for_provider(provider_id, COPYING)
    as_of = max((s.as_of for s in stats.values()), default=None)
    curve = equity_curve(series, through=as_of) if series else ()
    return {
        "id": provider_id,
        "display_name": name,
        "terms": {
            "fee_model": terms.fee_model,
            "share_pct": plain(terms.share_pct),
            "subscription_price": plain(terms.subscription_price),
            "follower_cap": terms.follower_cap,
            "settlement_period": terms.settlement_period,
            "min_allocation": plain(terms.min_allocation),
            "followers": active,
            "open_to_new_followers": terms.follower_cap is None or copying < terms.follower_cap,
        },
        "stats": {
            period.value: _stats_view(record, deflated(record, spreads[period]))
            for period, record in stats.items()
        },
        "equity_curve": [{"day": p.day.isoformat(), "value": plain(p.value)} for p in curve],
        "trades": {
            "page": trades_page,
            "page_size": trades_page_size,
            "items": [_trade_view(t) for t in trades],
        },
        "disclaimer": PAST_PERFORMANCE,
    }


def _stats_view(record: Any, dsr: Decimal | None) -> dict[str, Any]:
    card = plain(card_of(record, dsr))
    card["max_loss_single_trade"] = plain(record.max_loss_single_trade)
    card["avg_holding_s"] = record.avg_holding_s
    card["volatility"] = plain(record.volatility)
    card["ranked"] = record.ranked
    card["unranked_reasons"] = list(record.unranked_reasons)
    return dict(card)


def _trade_view(trade: Any) -> dict[str, Any]:
    return public_trade(trade)  # the same view as the provider's public trade stream
