"""``copytrade serve``'s risk-alert job on the server's own runtime (docs/alerts.md,
"Risk alerts"): a reconciliation difference and a skipped copy reach their owner once."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.domain.ids import ProviderId, RelationshipId
from copytrade.domain.values import USDT
from copytrade.service_layer.alerts.risk import RiskAlerts

from ..engine.harness import SPOT
from .conftest import Api
from .test_serve_jobs import again, copying, serve_jobs


def test_the_risk_alerts_job_records_what_the_engine_and_the_reconcile_job_saw(
    api: Api,
) -> None:
    h, rels = copying(api)
    rules = RiskAlerts(api.runtime.platform.uow, h.clock.now)
    rules.add("f1", "account")
    rules.add("f2", "copy_skipped")
    scheduler = serve_jobs(api)
    scheduler.run_due()
    h.platform.venue.deposit(rels[1], USDT.code, D("7"))
    again(scheduler, "reconcile")
    h.tick(SPOT.symbol, "2000")
    h.platform.actions.pause(RelationshipId(rels[2]))  # the next opening is skipped
    h.trade(ProviderId("pro"), "buy", "1", symbol=SPOT.symbol)
    assert again(scheduler, "risk-alerts").last_error is None
    assert again(scheduler, "risk-alerts").last_error is None
    fired = rules.fired()
    assert sorted((f["owner"], f["kind"]) for f in fired) == [
        ("f1", "account"), ("f2", "copy_skipped")
    ]
