"""Periodic jobs of ``copytrade serve``: market ticks, users' alert rules and their
notifications, recovery, day closes, stats, settlement, billing and reconciliation.

One background thread runs the jobs in turn, under the runtime's lock unless a
job only reads the books (the stats refresh: it takes the lock for its writes
alone, so orders and ticks do not wait seconds behind it). A job
that fails is logged with its traceback and its error kept for the admin
area (``/api/v1/admin/health``); it runs again at its next turn, since every job
is idempotent (day closes, settlements and charges are keyed once-only).
Each run's duration, and each failure, is counted by job in the server's metrics;
the loop notes when it last finished a pass, which ``/readyz`` reads
(docs/operations.md).

Several servers on one PostgreSQL database run each cluster-wide job once per
interval between them (``ClusterJobs``: an advisory lock per job and the shared
``scheduled_jobs`` row; docs/deploy.md, "API servers"); a job whose server died
mid-way is resumed by the next server whose turn comes. On SQLite (one process)
there is no cluster and every job runs here, as it always did.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from copytrade.adapters.db.cluster_jobs import ClusterJobs
from copytrade.api.alerts import RECONCILE, reconcile_alert
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.profit_share.periods import latest_boundary
from copytrade.marketdata.clock import Clock
from copytrade.server.delivery import DELIVERY_EVERY, delivery_pass
from copytrade.server.live_reconcile import LIVE_RECONCILE_EVERY, reconcile_live_accounts
from copytrade.service_layer.alerts.live import LiveAlerts
from copytrade.service_layer.alerts.risk_watcher import RiskWatcher
from copytrade.service_layer.fill_quality import refresh_fill_figures
from copytrade.service_layer.reconcile import Difference
from copytrade.stats.refresher import StatsRefresher

log = logging.getLogger("copytrade.serve")

RECOVERY_EVERY = timedelta(seconds=10)
# Reads every book and sums the whole ledger, under the engine lock: not too often.
RECONCILE_EVERY = timedelta(minutes=5)
RISK_ALERTS_EVERY = timedelta(seconds=5)
PRICE_SYNC_EVERY = timedelta(seconds=1)


@dataclass
class Job:
    name: str
    every: timedelta
    run: Callable[[], object]
    last_run: datetime | None = None
    last_error: str | None = None
    runs: int = 0
    # False for jobs that change no books and guard their own writes (see above).
    under_lock: bool = True
    # False for a job about this process alone (its own queue of prices to evaluate):
    # every server runs it. The others run once per interval across the cluster.
    cluster_wide: bool = True
    # What the job holds open beyond a run (a watcher's stream): released at stop.
    close: Callable[[], None] | None = None


class _JobFailedError(Exception):
    """A job's error, carried out of its cluster turn so that the turn records it."""


@dataclass
class Scheduler:
    runtime: ServerRuntime
    clock: Clock
    jobs: list[Job] = field(default_factory=list)
    # The servers sharing the database (PostgreSQL); None: this process alone (SQLite).
    cluster: ClusterJobs | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _last_tick: float | None = None  # time.monotonic() when the loop last finished a pass

    def run_due(self) -> None:
        """Run every job whose interval has passed (one pass; the thread loops on it)."""
        for job in self.jobs:
            if self._stop.is_set():
                return  # shutting down: the jobs not yet run wait for the next start
            now = self.clock.now()
            if job.last_run is not None and now - job.last_run < job.every:
                continue
            if self.cluster is not None and job.cluster_wide:
                self._take_turn(self.cluster, job)
            else:
                job.last_run = now
                self._run(job)

    def _take_turn(self, cluster: ClusterJobs, job: Job) -> None:
        """Run ``job`` if it is this server's turn; busy elsewhere, try at the next pass."""
        try:
            with cluster.turn(job.name, job.every) as turn:
                if turn.busy:
                    return
                job.last_run = turn.last_started  # the cluster's last start: due from it
                if not turn.mine:
                    return
                if turn.resumed:
                    log.warning("scheduled job %s: its last run died mid-way; resuming", job.name)
                error = self._run(job)
                if error is not None:
                    raise _JobFailedError(error)
        except _JobFailedError:
            pass  # logged and counted by _run; the turn recorded it
        except Exception as error:  # the database behind the turns: try at the next pass
            job.last_error = f"{type(error).__name__}: {error}"
            log.exception("scheduled job %s: no turn from the cluster", job.name)

    def _run(self, job: Job) -> str | None:
        """Run ``job`` once here; its error, if it failed (logged and kept)."""
        started = time.perf_counter()
        failed = False
        try:
            if job.under_lock:
                self.runtime.act(job.run)
            else:
                job.run()
            job.last_error = None
            job.runs += 1
        except Exception as error:  # a job's failure must not stop the others
            failed = True
            job.last_error = f"{type(error).__name__}: {error}"
            log.exception("scheduled job %s failed; it runs again in %s", job.name, job.every)
        self.runtime.metrics.job_done(job.name, time.perf_counter() - started, failed)
        return job.last_error if failed else None

    def start(self, poll_s: float = 0.5) -> None:
        def loop() -> None:
            while not self._stop.wait(poll_s):
                self.run_due()
                self._last_tick = time.monotonic()

        self._thread = threading.Thread(target=loop, name="copytrade-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        for job in self.jobs:
            if job.close is not None:
                job.close()

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def seconds_since_tick(self, now: float) -> float | None:
        """Seconds (of ``time.monotonic``) since the loop last finished a pass; None before."""
        return None if self._last_tick is None else now - self._last_tick

    def health(self) -> list[dict[str, object]]:
        return [
            {
                "job": j.name,
                "every_s": j.every.total_seconds(),
                "runs": j.runs,
                "last_run": j.last_run.isoformat() if j.last_run else None,
                "last_error": j.last_error,
            }
            for j in self.jobs
        ]


# The last day closed by any server of a shared database (its ordinal, as a stream cursor).
DAYS_CLOSED = "day-close"


class DayCloser:
    """Close each UTC day once the clock has passed it (the daily equity series).

    With several servers (``runtime.shared``) the last day closed is kept in the
    database, so a server whose turn comes later does not close again, at later
    prices, a day another one closed."""

    def __init__(self, runtime: ServerRuntime, clock: Clock) -> None:
        self._runtime = runtime
        self._clock = clock
        self._open_day: date = clock.now().date()

    def __call__(self) -> int:
        today = self._clock.now().date()
        if self._runtime.shared:
            self._open_day = max(self._open_day, self._closed_elsewhere())
        closed = 0
        while self._open_day < today:
            self._runtime.platform.engine.close_day(self._open_day)
            if self._runtime.shared:
                self._note_closed(self._open_day)
            self._open_day += timedelta(days=1)
            closed += 1
        return closed

    def _closed_elsewhere(self) -> date:
        with self._runtime.platform.uow() as uow:
            last = uow.cursors.get(DAYS_CLOSED)
        return date.fromordinal(last + 1) if last else date.min

    def _note_closed(self, day: date) -> None:
        with self._runtime.platform.uow() as uow:
            uow.cursors.set(DAYS_CLOSED, day.toordinal())
            uow.commit()


def settle_due(runtime: ServerRuntime) -> int:
    """Settle every period that ended and still has relationships to settle."""
    settled = 0
    for end in runtime.settlement_run.due():
        settled += runtime.settlement_run.run(end).settled
    return settled


def charge_subscriptions(runtime: ServerRuntime, clock: Clock) -> None:
    """Bill the subscription periods that started at the latest boundary (once each)."""
    runtime.platform.subscriptions.charge_due(latest_boundary(clock.now()))


def check_books(
    runtime: ServerRuntime, told: Callable[[Sequence[Difference]], object] | None = None
) -> bool:
    """Reconcile ledger and venue; a difference raises the admin alert, agreement clears it
    (and ``told`` hears the differences: the owners' risk alerts)."""
    report = runtime.reconcile()
    if told is not None and report.differences:
        told(report.differences)
    alert = reconcile_alert(report)
    if alert is None:
        runtime.alerts.clear(RECONCILE)
    else:
        runtime.alerts.raise_alert(alert)
    return report.ok


def default_jobs(
    runtime: ServerRuntime, clock: Clock, market: Callable[[], object] | None
) -> list[Job]:
    platform = runtime.platform
    # The cards' fill-quality figures too (docs/statistics.md, "Fill quality").
    refresher = StatsRefresher(runtime.stats, clock, fill_figures=lambda: refresh_fill_figures(
        platform.uow, platform.engine.prices.snapshot(), clock.now(), lambda: runtime.lock
    ))  # fmt: skip
    # Users' alert rules on every price the engine applies (docs/alerts.md, "Live evaluation").
    alerts = LiveAlerts(runtime.platform.uow, clock.now)
    runtime.platform.engine.price_listeners.append(alerts.on_price)
    # Copy-trading risk alerts from the engine's records (docs/alerts.md, "Risk alerts").
    risk = RiskWatcher(runtime.platform.uow, runtime.platform.engine.prices.snapshot, clock.now)
    jobs = [
        # The prices this process's engine applied: each server evaluates its own.
        Job("alerts", timedelta(seconds=1), alerts.run, cluster_wide=False),
        Job("risk-alerts", RISK_ALERTS_EVERY, risk.run),
        # Their notifications out through the channels, in a thread of its own (delivery.py).
        Job("alert-delivery", DELIVERY_EVERY, delivery_pass(runtime, clock), under_lock=False),
        # Intents a venue outage left `new` and venue moves left pending (docs/engine.md).
        Job("recovery", RECOVERY_EVERY, runtime.platform.recover),
        Job("day-close", timedelta(seconds=30), DayCloser(runtime, clock)),
        Job("stats-refresh", timedelta(seconds=30), refresher.tick, under_lock=False),
        Job("settlement", timedelta(minutes=1), lambda: settle_due(runtime)),
        Job("subscriptions", timedelta(minutes=1), lambda: charge_subscriptions(runtime, clock)),
        Job("reconcile", RECONCILE_EVERY, lambda: check_books(runtime, risk.note_reconciliation)),
        # Live accounts against their books, at start and then periodically (docs/venues.md).
        Job("live-reconcile", LIVE_RECONCILE_EVERY, lambda: reconcile_live_accounts(runtime)),
    ]
    if market is not None:
        # One price series per server: in a cluster, one server runs the synthetic market
        # and the others read its prices (docs/deploy.md, "API servers").
        jobs.insert(0, Job("market", timedelta(seconds=1), market, cluster_wide=False))
    return jobs
