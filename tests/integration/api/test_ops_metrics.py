"""``/metrics``: each named metric after a real fan-out, scheduled jobs and HTTP calls,
read back through Prometheus's own parser (docs/operations.md "Metrics")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.api.metrics import ServeMetrics
from copytrade.server.scheduler import Job, Scheduler, default_jobs

from ..engine.harness import PERP, Harness
from .conftest import Api


def scrape(api: Api) -> list[Sample]:
    reply = api.client.get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    return [s for family in text_string_to_metric_families(reply.text) for s in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert found, f"no sample {name} {labels}"
    return sum(found)


def test_metrics_after_a_fan_out_jobs_and_http_calls(api: Api) -> None:
    h = Harness.over(api.runtime.platform, api.harness.clock)
    pro = h.provider("pro", "10000")
    h.follow(h.follower("rich", "5000"), pro, "1000")
    h.follow(h.follower("picky", "5000"), pro, "1000", blacklist=frozenset({PERP.symbol}))
    h.trade(pro, "buy", "0.1")  # one fill, fanned out to two followers

    def boom() -> None:
        raise RuntimeError("broken on purpose")

    jobs = [*default_jobs(api.runtime, h.clock, None), Job("broken", timedelta(seconds=1), boom)]
    Scheduler(api.runtime, h.clock, jobs).run_due()
    assert api.client.get("/api/v1/leaderboard").status_code == 200
    assert api.client.get(f"/api/v1/providers/{pro}").status_code == 200
    assert api.client.get("/api/v1/providers/nobody").status_code == 404
    assert api.client.get("/no/such/page").status_code == 404

    samples = scrape(api)
    assert value(samples, "copytrade_copy_fanout_seconds_count") == 1
    assert value(samples, "copytrade_copy_fanout_seconds_sum") > 0
    assert value(samples, "copytrade_copy_decisions_total", action="placed", reason="none") == 1
    skipped = value(
        samples, "copytrade_copy_decisions_total", action="skipped", reason="symbol_not_allowed"
    )
    assert skipped == 1
    assert value(samples, "copytrade_outbox_pending_messages") == 0  # all delivered
    assert value(samples, "copytrade_outbox_oldest_pending_age_seconds") == 0
    assert value(samples, "copytrade_job_duration_seconds_count", job="recovery") == 1
    assert value(samples, "copytrade_job_failures_total", job="recovery") == 0
    assert value(samples, "copytrade_job_failures_total", job="broken") == 1
    routes = {
        s.labels["route"]
        for s in samples
        if s.name == "copytrade_http_request_duration_seconds_count"
    }
    # Labelled by the route's template, never the raw path.
    assert {"/api/v1/leaderboard", "/api/v1/providers/{provider_id}", "unmatched"} <= routes
    assert f"/api/v1/providers/{pro}" not in routes and "/no/such/page" not in routes
    detail = value(
        samples,
        "copytrade_http_request_duration_seconds_count",
        route="/api/v1/providers/{provider_id}",
    )
    assert detail == 2  # the provider found and the one not found
    assert (
        value(
            samples,
            "copytrade_http_request_duration_seconds_count",
            route="/api/v1/providers/{provider_id}",
            status="404",
        )
        == 1
    )


def test_outbox_gauges_show_a_message_waiting(api: Api) -> None:
    h = Harness.over(api.runtime.platform, api.harness.clock)
    written = h.clock.now()
    with api.runtime.container.uow_factory() as uow:
        uow.outbox.add("ops-test", "waiting-1", {"n": 1}, written)
        uow.commit()
    h.clock.advance(timedelta(seconds=90))
    samples = scrape(api)
    assert value(samples, "copytrade_outbox_pending_messages") == 1
    age = value(samples, "copytrade_outbox_oldest_pending_age_seconds")
    assert age == (h.clock.now() - written).total_seconds() > 0


def test_two_servers_count_apart(api: Api) -> None:
    api.client.get("/healthz")
    first = value(scrape(api), "copytrade_http_request_duration_seconds_count", route="/healthz")
    assert first == 1  # a fresh registry of this server's own, not the global default


def test_the_outbox_is_read_at_scrape_time_only() -> None:
    reads: list[str] = []

    def unit_of_work() -> SqlUnitOfWork:
        reads.append("read")
        raise LookupError("no database here")

    metrics = ServeMetrics(unit_of_work, lambda: datetime.now(UTC))  # registering reads nothing
    assert reads == []
    with pytest.raises(LookupError):
        metrics.exposition()
    assert reads == ["read"]
