"""``copytrade serve``'s recovery and reconciliation jobs, on the server's own runtime.

The jobs are the ones ``serve`` schedules (``default_jobs``), run a pass at a time
on the test's clock; the admin area shows what they found.
"""

from __future__ import annotations

import logging
from decimal import Decimal as D

import pytest

from copytrade.adapters.venues.errors import TemporaryVenueError
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT
from copytrade.engine.execution import Executor, VenueUnavailableError
from copytrade.engine.fanout import CopyFanout
from copytrade.server.scheduler import Job, Scheduler, default_jobs

from ..engine.harness import PERP, Harness
from ..engine.test_venue_errors import RETRY, FlakyVenue
from .conftest import Api
from .test_admin import admin

FOLLOWERS = 3


def serve_jobs(api: Api) -> Scheduler:
    scheduler = Scheduler(
        api.runtime, api.harness.clock, default_jobs(api.runtime, api.harness.clock, None)
    )
    api.client.app.state.scheduler = scheduler  # type: ignore[attr-defined]
    return scheduler


def again(scheduler: Scheduler, name: str) -> Job:
    """Make job ``name`` due now (the test's clock stands still), run a pass, return it."""
    job = next(j for j in scheduler.jobs if j.name == name)
    job.last_run = None
    scheduler.run_due()
    return job


def copying(api: Api) -> tuple[Harness, list[str]]:
    h = Harness.over(api.runtime.platform, api.harness.clock)
    pro = h.provider("pro", "10000")
    rels = [h.follow(h.follower(f"f{i}", "5000"), pro, "1000") for i in range(FOLLOWERS)]
    return h, [str(r) for r in rels]


def test_the_recovery_job_sends_copies_a_venue_outage_left_new(api: Api) -> None:
    h, rels = copying(api)
    scheduler = serve_jobs(api)
    scheduler.run_due()  # the server's first pass: nothing to recover yet
    engine = h.engine
    down = FlakyVenue(h.platform.venue, [TemporaryVenueError("down")] * RETRY.attempts)
    sleeps: list[float] = []
    executor = Executor(
        down, engine.uow_factory, engine.bookkeeper, h.clock.now, RETRY, sleeps.append
    )
    fanout = CopyFanout(
        engine.uow_factory,
        engine.instruments,
        engine.relationships,
        executor,
        engine.prices.snapshot,
        h.clock.now,
    )
    h.platform.provider_orders.place(
        "pro", ClientOrderId("pro-1"), PERP.symbol, Side.BUY, D("0.04")
    )
    engine.ingestor.pump()
    with h.platform.uow() as uow:
        (message,) = uow.outbox.pending(10)
    with pytest.raises(VenueUnavailableError):
        fanout.handle(message.message_id, message.payload)  # the copies stay `new`
    with h.platform.uow() as uow:
        assert sorted(str(o.relationship_id) for o in uow.orders.unconfirmed()) == rels

    job = again(scheduler, "recovery")  # the venue is back; serve's next recovery pass
    assert job.last_error is None and job.runs == 2
    with h.platform.uow() as uow:
        assert uow.orders.unconfirmed() == []
        held = {r: [p.position.qty for p in uow.positions.for_book(r)] for r in rels}
    assert held == {r: [D("0.004")] for r in rels}  # 1,000 × 20 % / 50,000, once each
    assert api.runtime.reconcile().ok


def test_a_difference_raises_an_admin_alert_until_the_books_agree(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    boss = admin(api)
    h, rels = copying(api)
    h.trade(ProviderId("pro"), "buy", "0.04")
    scheduler = serve_jobs(api)
    scheduler.run_due()

    def health() -> dict[str, object]:
        reply = api.client.get("/api/v1/admin/health", headers=boss["headers"])
        assert reply.status_code == 200
        body: dict[str, object] = reply.json()
        return body

    assert (health()["status"], health()["alerts"]) == ("ok", [])
    with api.runtime.platform.uow() as uow:
        cash = uow.ledger.balance(LedgerAccount.allocation_cash(rels[1]))
    h.platform.venue.deposit(rels[1], USDT.code, D("7"))
    expected = {
        "book": rels[1],
        "role": "relationship",
        "what": "cash USDT",
        "ledger": str(cash),
        "venue": str(cash + 7),
    }
    with caplog.at_level(logging.ERROR, logger="copytrade.serve"):
        job = again(scheduler, "reconcile")
    assert job.last_error is None  # a difference is an alert, not a failing job
    assert any("ALERT reconcile" in r.getMessage() for r in caplog.records)
    body = health()
    assert body["status"] == "degraded" and body["failing_jobs"] == []
    [alert] = body["alerts"]  # type: ignore[misc]
    assert alert["source"] == "reconcile" and "1 book(s)" in alert["message"]
    assert alert["details"]["differences"] == [expected]

    direct = api.client.get("/api/v1/admin/reconcile", headers=boss["headers"]).json()
    assert (direct["ok"], direct["differences"], direct["ledger_problems"]) == (
        False,
        [expected],
        [],
    )
    h.platform.venue.withdraw(rels[1], USDT.code, D("7"))
    again(scheduler, "reconcile")
    assert (health()["status"], health()["alerts"]) == ("ok", [])
    assert api.client.get("/api/v1/admin/reconcile", headers=boss["headers"]).json()["ok"] is True
