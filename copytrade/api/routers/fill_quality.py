"""Fill quality (docs/statistics.md, "Fill quality"): the signed-in follower's copies against
the provider's fills, per relationship and over all of them; and a provider's public
figures, aggregated over its copiers (no follower is named)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter

from copytrade.api.deps import Me, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Money, Out, wire_model
from copytrade.domain.disclosures import PAST_PERFORMANCE
from copytrade.domain.fill_quality import SLIPPAGE_BUCKETS, FillSummary
from copytrade.service_layer.fill_quality import FillQualityReads, FillReport

router = APIRouter(prefix=f"{API_V1}", tags=["fill quality"])

FillReportOut = wire_model(
    FillReport, slippage_buckets_bps=(list[Money], ...), disclaimer=(str, ...)
)


class ProviderFillQualityOut(Out):
    provider_id: str
    relationships: int
    kept_pct: Money | None
    median_slippage_bps: Money | None
    summary: wire_model(FillSummary)  # type: ignore[valid-type]
    slippage_buckets_bps: list[Money]
    disclaimer: str


def _reads(runtime: Any) -> FillQualityReads:
    platform = runtime.platform
    return FillQualityReads(platform.uow, platform.engine.prices.snapshot)


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    body["slippage_buckets_bps"] = plain(list(SLIPPAGE_BUCKETS))
    body["disclaimer"] = PAST_PERFORMANCE
    return body


@router.get(
    "/relationships/{rel_id}/fills",
    response_model=FillReportOut,
    responses=errors(401, 404, 422),
)
def relationship_fills(rel_id: str, me: Me) -> dict[str, Any]:
    """Every copy of one of my relationships against the provider fill it mirrors
    (prices, slippage in bps with adverse positive, delay, skip or cap reason), their
    summary and the tracking gap split into its parts."""
    return _answer(plain(_reads(me.runtime).relationship(rel_id, owner=me.id)))


@router.get("/accounts/me/fills", response_model=FillReportOut, responses=errors(401, 422))
def my_fills(me: Me) -> dict[str, Any]:
    """The same over all my relationships, with the median share of the provider's return kept."""
    return _answer(plain(_reads(me.runtime).follower(me.id)))


@router.get(
    "/providers/{provider_id}/fill-quality",
    response_model=ProviderFillQualityOut,
    responses=errors(404, 422),
)
def provider_fill_quality(provider_id: str, runtime: Runtime) -> dict[str, Any]:
    """What copiers of this provider kept of its return (median over relationships) and
    the quality of their copies, aggregated: no follower or relationship is named."""
    report = _reads(runtime).provider(provider_id)
    kept: Decimal | None = report.kept_pct
    return _answer(
        {
            "provider_id": provider_id,
            "relationships": len(report.relationships),
            "kept_pct": plain(kept),
            "median_slippage_bps": plain(report.median_slippage_bps),
            "summary": plain(report.summary),
        }
    )
