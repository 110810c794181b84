"""The leaderboard (/) and a provider's page (/providers/{id}), read from the stats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from copytrade.api.deps import Runtime, runtime_of
from copytrade.api.errors import NotFoundError
from copytrade.api.routers.discovery import get_provider
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.settings import DEFAULT_MAX_LOSS_PCT
from copytrade.domain.disclosures import RISK_DISCLOSURE, RISK_DISCLOSURE_VERSION
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.service_layer.fill_quality import FillQualityReads, FillReport
from copytrade.stats.evidence import evidence_of
from copytrade.stats.leaderboard import (
    MAX_PAGE_SIZE,
    LeaderboardFilters,
    LeaderboardSort,
    leaderboard,
)
from copytrade.web import forms
from copytrade.web.block_execution import block_enabled
from copytrade.web.figure_notes import figure_notes
from copytrade.web.following import MODES
from copytrade.web.pages import render
from copytrade.web.paging import Paging, page_asked
from copytrade.web.svg import line_chart, polyline_points, trend

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 12
TRADES_PAGE = 20
SPARK_W, SPARK_H = 260, 64
PERIODS = [p.value for p in Period]
SORTS = {
    LeaderboardSort.ROI: "ROI",
    LeaderboardSort.PNL: "PnL",
    LeaderboardSort.WIN_RATE: "Win rate",
    LeaderboardSort.DRAWDOWN: "Smallest drawdown",
    LeaderboardSort.SHARPE: "Sharpe",
    LeaderboardSort.FOLLOWERS: "Followers",
    LeaderboardSort.AUM: "AUM",
    LeaderboardSort.COPIER_PNL: "Copier PnL",
    LeaderboardSort.PSR: "Evidence (probabilistic Sharpe)",
}
FILTER_FIELDS = (
    "period",
    "sort",
    "min_aum",
    "min_followers",
    "max_drawdown",
    "risk_level",
    "strategy",
    "min_track_record_days",
    "page_size",
)


def _filters(query: dict[str, str]) -> tuple[LeaderboardFilters, LeaderboardSort, int, int]:
    period = forms.choice(query, "period", Period, Period.D30)
    sort = forms.choice(query, "sort", LeaderboardSort, LeaderboardSort.ROI)
    filters = LeaderboardFilters(
        period or Period.D30,
        forms.decimal_or_none(query, "min_aum", low=Decimal(0)),
        forms.int_or_none(query, "min_followers"),
        forms.decimal_or_none(query, "max_drawdown", low=Decimal(0), high=Decimal(100)),
        forms.choice(query, "risk_level", RiskLevel, None),
        forms.choice(query, "strategy", Strategy, None),
        forms.int_or_none(query, "min_track_record_days", high=36500),
    )
    page = forms.int_or_none(query, "page", low=1, high=100_000) or 1
    size = forms.int_or_none(query, "page_size", low=1, high=MAX_PAGE_SIZE) or PAGE_SIZE
    return filters, sort or LeaderboardSort.ROI, page, size


@router.get("/", response_class=HTMLResponse)
def leaderboard_page(request: Request, runtime: Runtime) -> HTMLResponse:
    query = dict(request.query_params)
    kept = {k: query[k] for k in FILTER_FIELDS if query.get(k, "").strip()}
    context: dict[str, Any] = {
        "query": query,
        "periods": PERIODS,
        "sorts": {s.value: label for s, label in SORTS.items()},
        "risk_levels": [r.value for r in RiskLevel],
        "strategies": [s.value for s in Strategy],
        "cards": [],
        "error": None,
        "rules": evidence_of(runtime.container.settings).rules.describe(),
    }
    try:
        filters, sort, page, size = _filters(query)
    except forms.FormError as error:
        context["error"] = str(error)
        return render(request, "leaderboard.html", 422, **context)
    with runtime.container.stats_reads() as uow:
        result = leaderboard(uow, filters, sort, page, size)
    context.update(
        cards=[
            {
                "card": card,
                "points": polyline_points(card.sparkline, SPARK_W, SPARK_H, pad=3),
                "trend": trend(card.sparkline),
            }
            for card in result.cards
        ],
        spark=(SPARK_W, SPARK_H),
        period=Period(filters.period).value,
        page=result.page,
        pages=result.pages,
        total=result.total,
        rank_offset=(result.page - 1) * result.page_size,
        prev_url=f"/?{urlencode({**kept, 'page': page - 1})}" if page > 1 else None,
        next_url=f"/?{urlencode({**kept, 'page': page + 1})}" if page < result.pages else None,
    )
    return render(request, "leaderboard.html", **context)


def provider_page(
    request: Request,
    runtime: Runtime,
    provider_id: str,
    status_code: int = 200,
    trades_page: int = 1,
    **extra: Any,
) -> HTMLResponse:
    """The provider's page; the follow form's answers show it again with ``extra``."""
    try:
        detail = get_provider(provider_id, runtime, trades_page, TRADES_PAGE)
    except NotFoundError:
        return render(
            request,
            "message.html",
            404,
            title="No such provider",
            message=f"There is no provider {provider_id!r}.",
        )
    curve = [(date.fromisoformat(p["day"]), Decimal(p["value"])) for p in detail["equity_curve"]]
    shown = len(detail["trades"]["items"])
    periods = [p for p in PERIODS if p in detail["stats"]]
    context: dict[str, Any] = {
        "p": detail,
        "periods": periods,
        "notes": figure_notes(detail["stats"], periods),
        "chart": line_chart(curve, 720, 260),
        "trades_paging": Paging(trades_page, TRADES_PAGE, shown),
        "live": True,
        "live_provider": provider_id,  # signed out: the provider's public trade stream
        "risk_disclosure": RISK_DISCLOSURE,
        "disclosure_version": RISK_DISCLOSURE_VERSION,
        "modes": {mode.value: label for mode, label in MODES.items()},
        "default_max_loss": DEFAULT_MAX_LOSS_PCT,
        "defaults": CopySettings(SizingMode.PROPORTIONAL),
        "symbols": ", ".join(sorted(runtime_of(request).platform.engine.instruments)),
        "follow_error": None,
        "form": {},
        "whatif": None,
        "whatif_error": None,
        "whatif_form": {},
        "fills": _fills_of(runtime, provider_id),
        "block_execution": block_enabled(request, provider_id),
    }
    context.update(extra)
    return render(request, "provider.html", status_code, **context)


def _fills_of(runtime: Runtime, provider_id: str) -> FillReport:
    """What the provider's copiers kept, and their copies' quality (docs/statistics.md)."""
    platform = runtime.platform
    return FillQualityReads(platform.uow, platform.engine.prices.snapshot).provider(provider_id)


@router.get("/providers/{provider_id}", response_class=HTMLResponse)
def provider_detail_page(request: Request, runtime: Runtime, provider_id: str) -> HTMLResponse:
    try:
        page = page_asked(request.query_params, "trades_page")
    except forms.FormError as error:
        return render(request, "message.html", 422, title="Bad page", message=str(error))
    return provider_page(request, runtime, provider_id, trades_page=page)
