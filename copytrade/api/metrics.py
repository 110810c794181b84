"""``copytrade serve``'s Prometheus metrics, on a registry of the server's own.

Each server builds its own ``CollectorRegistry`` (never the library's global one),
so two servers in one process (the tests) count apart. The copy pipeline reports
through its ``FanoutObserver`` port, the scheduler and the HTTP edge call the
methods below, and the outbox gauges are read when Prometheus scrapes, through a
read-only unit of work. The names and labels are listed in docs/operations.md.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying.plan import PlannedDecision

# A fan-out to one follower takes a few milliseconds, to thousands a few seconds.
FANOUT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
JOB_BUCKETS = (0.001, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60)
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
NO_REASON = "none"  # the reason label of a decision placed in full


class OutboxGauges(Collector):
    """The outbox's backlog and the age of its oldest pending message, read per scrape."""

    def __init__(self, reads: Callable[[], SqlUnitOfWork], now: Callable[[], datetime]) -> None:
        self._reads = reads
        self._now = now

    def describe(self) -> Iterator[Metric]:
        """The families without their values: registering reads nothing."""
        return self._families(None, None)

    def collect(self) -> Iterator[Metric]:
        with self._reads() as uow:
            pending = uow.outbox.count_pending()
            oldest = uow.outbox.oldest_pending_at()
        age = 0.0 if oldest is None else max(0.0, (self._now() - oldest).total_seconds())
        return self._families(pending, age)

    @staticmethod
    def _families(pending: int | None, age: float | None) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "copytrade_outbox_pending_messages",
            "Outbox messages written and not yet delivered.",
            value=pending,
        )
        yield GaugeMetricFamily(
            "copytrade_outbox_oldest_pending_age_seconds",
            "Age of the oldest undelivered outbox message (0 when none waits).",
            value=age,
        )


class ServeMetrics:
    """The metrics of one server; a ``FanoutObserver`` for the copy pipeline."""

    def __init__(self, reads: Callable[[], SqlUnitOfWork], now: Callable[[], datetime]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.fanout_seconds = Histogram(
            "copytrade_copy_fanout_seconds",
            "Time to fan one provider fill out to its followers (plan, record, place, book).",
            buckets=FANOUT_BUCKETS,
            registry=r,
        )
        self.decisions = Counter(
            "copytrade_copy_decisions",
            "Copy decisions recorded, by action (placed, capped, skipped) and reason.",
            ("action", "reason"),
            registry=r,
        )
        self.job_seconds = Histogram(
            "copytrade_job_duration_seconds",
            "Duration of one run of a scheduled job of copytrade serve.",
            ("job",),
            buckets=JOB_BUCKETS,
            registry=r,
        )
        self.job_failures = Counter(
            "copytrade_job_failures",
            "Runs of a scheduled job that raised.",
            ("job",),
            registry=r,
        )
        self.http_seconds = Histogram(
            "copytrade_http_request_duration_seconds",
            "HTTP request latency, by method, route template and status.",
            ("method", "route", "status"),
            buckets=HTTP_BUCKETS,
            registry=r,
        )
        r.register(OutboxGauges(reads, now))

    def fanout_done(self, seconds: float, decisions: Sequence[PlannedDecision]) -> None:
        self.fanout_seconds.observe(seconds)
        tally = Tally(
            (d.decision.action.value, d.decision.reason.value if d.decision.reason else NO_REASON)
            for d in decisions
        )
        for (action, reason), count in tally.items():
            self.decisions.labels(action, reason).inc(count)

    def job_done(self, job: str, seconds: float, failed: bool) -> None:
        self.job_seconds.labels(job).observe(seconds)
        if failed:
            self.job_failures.labels(job).inc()
        else:
            self.job_failures.labels(job)  # a job that never failed still shows its 0

    def http_done(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_seconds.labels(method, route, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
