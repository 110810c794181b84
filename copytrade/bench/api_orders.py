"""``bench api``'s second phase: an order's latency while full stats refreshes run.

The same database served again, now with the scheduler running as in ``serve``
(live market, recovery, day closes, settlement, billing, reconciliation) except
that the stats refresh runs back to back, at every pass of the loop, so nearly
every order overlaps a full refresh. One client signs up, becomes a provider
with a paper deposit and places small market orders one after
another for D seconds; each order's latency is from the request's write to the
reply's last byte. The server's own job metrics say how many refreshes ran in
that time and how long one took, so the figure can be read against it (with the
refresh under the engine lock, an order waited for up to a whole refresh).
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.demo.instruments import BTC_PERP
from copytrade.server.assembly import Server
from copytrade.server.scheduler import Job

REFRESH_JOB = "stats-refresh"
DEPOSIT = "1000000"  # paper money: enough margin for every order of the window
ORDER_QTY = "0.001"  # the perpetual's lot: cheap enough for thousands of orders


def refresh_back_to_back(server: Server) -> None:
    """The scheduler's stats refresh at every pass instead of every 5 minutes."""
    jobs = [job for job in server.scheduler.jobs if job.name != REFRESH_JOB]
    refresh = Job(REFRESH_JOB, timedelta(0), server.runtime.stats.full_refresh, under_lock=False)
    server.scheduler.jobs = [*jobs, refresh]


@dataclass(frozen=True, slots=True)
class OrdersResult:
    latencies_ns: list[int]
    rejected: int  # orders the venue answered ``rejected`` (still a full round trip)
    reasons: tuple[str, ...]  # why, when any was
    refreshes: int  # full refreshes finished inside the timed window
    refresh_s: float  # their mean duration


def orders_during_refreshes(port: int, seconds: float) -> OrdersResult:
    client = _Client(port)
    credentials = {"email": "bench@example.com", "password": "a long passphrase"}
    client.call("POST", "/api/v1/auth/register", {**credentials, "jurisdiction": "NL"}, 202)
    token = client.call("POST", "/api/v1/auth/login", credentials, 200)["token"]
    client.token = token
    deposit = {"amount": DEPOSIT, "idempotency_key": "bench-orders"}
    client.call("POST", "/api/v1/accounts/me/deposit", deposit, 200)
    client.call("POST", "/api/v1/providers/me", {}, 201)  # trades from the deposited cash
    _wait_for_price(client)
    # The scheduler's first pass catches up (settles past periods, reconciles): wait
    # for its end, the first refresh, so the window holds the steady state alone.
    runs_before, sum_before = _refresh_totals(client)
    while runs_before < 1:
        time.sleep(0.2)
        runs_before, sum_before = _refresh_totals(client)
    latencies: list[int] = []
    rejected = 0
    reasons: set[str] = set()
    deadline = time.monotonic() + seconds
    side = "buy"
    while time.monotonic() < deadline:
        started = now_ns()
        order = client.call("POST", "/api/v1/orders", _order(side), 201)
        latencies.append(now_ns() - started)
        if order["status"] == "rejected":
            rejected += 1
            reasons.add(order["reason"])
        side = "sell" if side == "buy" else "buy"
    runs_after, sum_after = _refresh_totals(client)
    runs = int(runs_after - runs_before)
    mean_s = (sum_after - sum_before) / runs if runs else 0.0
    return OrdersResult(latencies, rejected, tuple(sorted(reasons)), runs, mean_s)


def orders_report(result: OrdersResult) -> dict[str, Any]:
    samples = result.latencies_ns or [0]
    return {
        "orders": len(result.latencies_ns),
        "orders_rejected": result.rejected,
        "rejected_reasons": list(result.reasons),
        "order_p50_ms": ms(percentile(samples, 50)),
        "order_p99_ms": ms(percentile(samples, 99)),
        "order_max_ms": ms(max(samples)),
        "full_refreshes": result.refreshes,
        "full_refresh_ms": round(result.refresh_s * 1000, 1),
    }


def _order(side: str) -> dict[str, str]:
    return {"symbol": BTC_PERP, "side": side, "qty": ORDER_QTY, "type": "market"}


def _wait_for_price(client: _Client, timeout_s: float = 60.0) -> None:
    """Until the live market has priced the perpetual (its first tick)."""
    deadline = time.monotonic() + timeout_s
    while BTC_PERP not in json.dumps(client.call("GET", "/api/v1/prices", None, 200)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the served market never priced {BTC_PERP}")
        time.sleep(0.2)


def _refresh_totals(client: _Client) -> tuple[float, float]:
    """(runs, seconds) of the refresh job so far, from the server's /metrics."""
    runs = seconds = 0.0
    for family in text_string_to_metric_families(client.text("/metrics")):
        for sample in family.samples:
            if sample.labels.get("job") != REFRESH_JOB:
                continue
            if sample.name == "copytrade_job_duration_seconds_count":
                runs = sample.value
            elif sample.name == "copytrade_job_duration_seconds_sum":
                seconds = sample.value
    return runs, seconds


class _Client:
    """One keep-alive connection, JSON in and out; a bearer token once signed in."""

    def __init__(self, port: int) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.token: str | None = None

    def call(self, method: str, path: str, body: object, expected: int) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None if body is None else json.dumps(body)
        self._connection.request(method, path, body=payload, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        if response.status != expected:
            raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
        return json.loads(data) if data else None

    def text(self, path: str) -> str:
        self._connection.request("GET", path)
        response = self._connection.getresponse()
        return response.read().decode()
