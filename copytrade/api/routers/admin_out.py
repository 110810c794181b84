"""The schemas of the admin area's answers."""

from __future__ import annotations

from typing import Any, Literal

from copytrade.api.wire import Money, Out, Timestamp, wire_model
from copytrade.service_layer.admin import Revenue


class PlatformSettingsOut(Out):
    quote_currency: str
    platform_fee_pct: Money
    subscription_platform_cut_pct: Money
    commission_pct: Money
    min_track_record_days: int
    api_session_minutes: int


class JurisdictionOut(Out):
    code: str
    copying_offered: bool
    max_allocation: Money | None
    max_total_allocation: Money | None
    configured: bool


RevenueOut = wire_model(Revenue, since=(Timestamp | None, ...), until=(Timestamp | None, ...))


class JobOut(Out):
    job: str
    every_s: float
    runs: int
    last_run: Timestamp | None
    last_error: str | None


class AlertOut(Out):
    source: str
    raised_at: Timestamp
    message: str
    details: dict[str, Any]  # the raising check's own report (e.g. the reconciliation)


class HealthOut(Out):
    status: Literal["ok", "degraded"]
    now: Timestamp
    scheduler: list[JobOut] | None  # null: no scheduler in this process
    failing_jobs: list[str]
    alerts: list[AlertOut]
    outbox_pending: int


class DifferenceOut(Out):
    book: str
    role: str
    what: str
    ledger: Money
    venue: Money


class ReconcileOut(Out):
    ok: bool
    checked_at: Timestamp
    books: int
    venue_accounts: int
    differences: list[DifferenceOut]
    ledger_problems: list[str]
    outbox_pending: int
    orders_pending: int
