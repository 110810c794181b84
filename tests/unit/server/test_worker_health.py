"""A worker's ``/healthz`` (docs/deploy.md, "Worker liveness"): alive while the consumer
loop ticks within the bound, 503 once it has not, served from a thread of its own."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from copytrade.server.worker_health import HealthServer, Liveness

AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_loop_that_stops_ticking_is_reported_stalled_after_the_bound() -> None:
    clock = Clock()
    liveness = Liveness(10.0, monotonic=clock, wall=lambda: AT)
    clock.now += 4
    liveness.ticked([3, 1], handled=0)
    alive, report = liveness.report()
    assert alive and report["status"] == "ok" and report["shards"] == [1, 3]
    assert report["last_fanout_at"] is None and report["fills_handled"] == 0
    liveness.ticked([1, 3], handled=2)
    clock.now += 10
    alive, report = liveness.report()
    assert alive and report["last_fanout_at"] == AT.isoformat()
    assert report["fills_handled"] == 2 and report["seconds_since_tick"] == 10
    clock.now += 0.5
    alive, report = liveness.report()
    assert not alive and report["status"] == "stalled"


def test_the_start_counts_as_a_tick_and_the_bound_must_be_positive() -> None:
    clock = Clock()
    liveness = Liveness(5.0, monotonic=clock)
    assert liveness.report()[0]
    clock.now += 6
    assert not liveness.report()[0]
    with pytest.raises(ValueError, match="positive"):
        Liveness(0)


@pytest.fixture
def served() -> Iterator[tuple[Liveness, Clock, str]]:
    clock = Clock()
    liveness = Liveness(1.0, monotonic=clock)
    server = HealthServer(liveness, "127.0.0.1", 0).start()
    yield liveness, clock, f"http://127.0.0.1:{server.port}"
    server.close()


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_answers_200_then_503_and_other_paths_404(
    served: tuple[Liveness, Clock, str],
) -> None:
    liveness, clock, base = served
    liveness.ticked([0], handled=1)
    status, body = _get(f"{base}/healthz")
    assert status == 200 and body["shards"] == [0] and body["fills_handled"] == 1
    clock.now += 2
    status, body = _get(f"{base}/healthz")
    assert status == 503 and body["status"] == "stalled"
    assert _get(f"{base}/metrics")[0] == 404
