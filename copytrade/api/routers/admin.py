"""The admin area (platform administrators only; 403 for everyone else)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, BaseModel

from copytrade.adapters.db.repositories.identity import Jurisdiction
from copytrade.api.deps import Admin, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.inputs import Price
from copytrade.api.paths import API_V1
from copytrade.api.routers.admin_out import (
    HealthOut,
    JurisdictionOut,
    PlatformSettingsOut,
    ReconcileOut,
    RevenueOut,
)
from copytrade.service_layer.admin import AdminService

router = APIRouter(prefix=f"{API_V1}/admin", tags=["admin"], responses=errors(401, 403))

CODE = Path(min_length=2, max_length=8, examples=["DE", "US-NY"])


class JurisdictionBody(BaseModel):
    copying_offered: bool
    max_allocation: Price | None = None
    # The most one follower may hold across all its copy relationships.
    max_total_allocation: Price | None = None


def jurisdiction_view(rules: Jurisdiction, configured: bool = True) -> dict[str, Any]:
    return {
        "code": rules.code,
        "copying_offered": rules.copying_offered,
        "max_allocation": plain(rules.max_allocation),
        "max_total_allocation": plain(rules.max_total_allocation),
        "configured": configured,
    }


@router.get("/settings", response_model=PlatformSettingsOut)
def settings(_: Admin, runtime: Runtime) -> dict[str, Any]:
    """The platform's fee settings (COPYTRADE_* environment; read only here)."""
    s = runtime.container.settings
    return {
        "quote_currency": s.quote_currency,
        "platform_fee_pct": plain(s.platform_fee_pct),
        "subscription_platform_cut_pct": plain(s.subscription_platform_cut_pct),
        "commission_pct": plain(s.commission_pct),
        "min_track_record_days": s.min_track_record_days,
        "api_session_minutes": s.api_session_minutes,
    }


@router.get("/jurisdictions", response_model=list[JurisdictionOut])
def jurisdictions(_: Admin, runtime: Runtime) -> list[dict[str, Any]]:
    """Every configured jurisdiction; one not listed offers copying with no maximum."""
    return [jurisdiction_view(j) for j in AdminService(runtime.platform.uow).jurisdictions()]


@router.get("/jurisdictions/{code}", response_model=JurisdictionOut, responses=errors(422))
def jurisdiction(_: Admin, runtime: Runtime, code: str = CODE) -> dict[str, Any]:
    rules, configured = AdminService(runtime.platform.uow).jurisdiction(code)
    return jurisdiction_view(rules, configured)


@router.put("/jurisdictions/{code}", response_model=JurisdictionOut, responses=errors(413, 422))
def set_jurisdiction(
    body: JurisdictionBody, _: Admin, runtime: Runtime, code: str = CODE
) -> dict[str, Any]:
    """Whether copying is offered in ``code``, the largest allocation of one relationship
    and the largest total of one follower's relationships (null: none)."""
    service = AdminService(runtime.platform.uow)
    rules = runtime.act(
        lambda: service.set_jurisdiction(
            code, body.copying_offered, body.max_allocation, body.max_total_allocation
        )
    )
    return jurisdiction_view(rules)


@router.get("/revenue", response_model=RevenueOut, responses=errors(422))
def revenue(
    _: Admin,
    runtime: Runtime,
    since: AwareDatetime | None = Query(None),
    until: AwareDatetime | None = Query(None),
) -> dict[str, Any]:
    """The platform's revenue by source, from the ledger (optionally in [since, until))."""
    result = AdminService(runtime.platform.uow).revenue(since, until)
    return {"since": plain(since), "until": plain(until), **plain(result)}


@router.get("/health", response_model=HealthOut)
def health(_: Admin, request: Request, runtime: Runtime) -> dict[str, Any]:
    """The scheduled jobs (runs, last run, last error), the alerts in force, the outbox backlog."""
    scheduler = getattr(request.app.state, "scheduler", None)
    with runtime.platform.uow() as uow:
        pending = uow.outbox.count_pending()
    jobs = scheduler.health() if scheduler is not None else None
    failing = [job["job"] for job in jobs or [] if job["last_error"]]
    alerts = [alert.to_json() for alert in runtime.alerts.active()]
    return {
        "status": "degraded" if failing or alerts else "ok",
        "now": plain(runtime.platform.clock.now()),
        "scheduler": jobs,
        "failing_jobs": failing,
        "alerts": alerts,
        "outbox_pending": pending,
    }


@router.get("/reconcile", response_model=ReconcileOut)
def reconcile(_: Admin, runtime: Runtime) -> dict[str, Any]:
    """Ledger vs venue for every book, and the ledger's own check (docs/engine.md)."""
    return runtime.reconcile().to_json()
