"""``copytrade bench api``: leaderboard pages per second under concurrent load (issue 7).

A SQLite file with P providers' records (``stats_data`` at a small trade count,
loaded by ``stats_load``) and their statistics (one full refresh), served by
the real server (``build_server(..., market=False)`` under uvicorn, one
process of its own). A load generator in another process (``api_load``)
keeps C keep-alive connections busy with a seeded mix of leaderboard pages
(``api_queries``) for D seconds after a warm-up. Its own ceiling is measured
first against a trivial server answering bodies of the same size. Then the
database is served again with its schedules running and the stats refresh
back to back, and one client's orders are timed (``api_orders``).
See docs/benchmarks.md.
"""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.bench.api_load import (
    LoadConfig,
    LoadResult,
    run_in_process,
    serve_trivial,
    start_process,
)
from copytrade.bench.api_orders import orders_during_refreshes, orders_report, refresh_back_to_back
from copytrade.bench.api_queries import query_pool, request_mix
from copytrade.bench.fanout import NoProgress, Progress
from copytrade.bench.stats_backends import sqlite_database
from copytrade.bench.stats_data import INSTRUMENTS, PRICES, StatsDataConfig
from copytrade.bench.stats_load import load_stats_data
from copytrade.bench.stats_target import StatsTarget
from copytrade.bench.timing import ms, percentile
from copytrade.marketdata.clock import SimulatedClock

TARGETS = {"requests_per_s": 1000.0, "p99_ms": 50.0}
MIX_LENGTH = 20_000  # requests in the cycled sequence (about 2 s of traffic per connection)


@dataclass(frozen=True, slots=True)
class ApiBenchConfig:
    providers: int = 2000
    trades: int = 20  # closed trades per provider: enough for every figure of the stats
    concurrency: int = 8
    duration_s: float = 10.0
    warmup_s: float = 2.0
    cache_ttl_s: float = 1.0  # 0: no cache (--no-cache)
    queries: int = 200  # distinct leaderboard requests in the pool
    ceiling_s: float = 3.0  # how long the generator's ceiling is measured
    seed: int = 5
    orders_s: float = 10.0  # timed seconds of orders during full refreshes (0: skipped)

    def __post_init__(self) -> None:
        if min(self.providers, self.trades, self.concurrency, self.queries) < 1:
            raise ValueError("providers, trades, concurrency and queries must be at least 1")
        if self.duration_s <= 0 or min(self.warmup_s, self.cache_ttl_s, self.orders_s) < 0:
            raise ValueError(
                "duration_s must be positive, warmup_s, cache_ttl_s and orders_s not negative"
            )


def run_api_bench(config: ApiBenchConfig, progress: Progress | None = None) -> dict[str, Any]:
    progress = progress or NoProgress()
    pool = query_pool(config.seed, config.queries)
    mix = request_mix(config.seed, pool, MIX_LENGTH)
    with sqlite_database() as engine:
        progress.stage(f"set-up: {config.providers} providers' stats", config.providers)
        _populate(engine, config, progress)
        url = engine.url.render_as_string(hide_password=False)
        port = free_port()
        server = start_process(serve_database, url, port, config.cache_ttl_s, False)
        try:
            body = wait_for_page(port, pool[0])
            progress.stage("generator ceiling (trivial server)", 1)
            ceiling = _ceiling(config, len(body))
            progress.advance()
            progress.stage(f"load: {config.concurrency} connections, {config.duration_s:g} s", 1)
            load = run_in_process(_load_config(config, port, mix, config.duration_s))
            progress.advance()
        finally:
            stop(server)
        report = _report(config, load, ceiling, len(set(mix)))
        if config.orders_s > 0:
            progress.stage(f"orders during full stats refreshes, {config.orders_s:g} s", 1)
            port = free_port()
            server = start_process(serve_database, url, port, config.cache_ttl_s, True)
            try:
                wait_for_page(port, pool[0])
                report["orders_during_refresh"] = orders_report(
                    orders_during_refreshes(port, config.orders_s)
                )
            finally:
                stop(server)
            progress.advance()
    return report


def _populate(engine: Engine, config: ApiBenchConfig, progress: Progress) -> None:
    data = StatsDataConfig(providers=config.providers, trades=config.trades, seed=config.seed)
    session_factory = make_session_factory(engine)
    load_stats_data(session_factory, data, progress.advance)
    clock = SimulatedClock(data.end)
    StatsTarget(session_factory, INSTRUMENTS, lambda: PRICES, clock.now, 1).full_refresh()


def serve_database(url: str, port: int, cache_ttl_s: float, scheduled: bool) -> None:
    """The real server on ``url``, until terminated: without market and schedules, or
    (``scheduled``) with them and the stats refresh back to back."""
    from copytrade.bootstrap import Container
    from copytrade.config import Settings
    from copytrade.marketdata.clock import SystemClock
    from copytrade.server.assembly import build_server
    from copytrade.server.http import serve_http
    from copytrade.server.logs import configure_logging

    configure_logging("warning")  # on stderr: stdout carries the benchmark's JSON alone
    settings = Settings(
        database_url=url, api_leaderboard_cache_s=cache_ttl_s, order_rate_limit=100_000
    )
    container = Container.from_settings(settings)
    server = build_server(container, SystemClock(), seed=7, market=scheduled)
    if scheduled:
        refresh_back_to_back(server)
        server.scheduler.start()
    try:  # as ``copytrade serve`` runs it: one process
        serve_http(server.app, "127.0.0.1", port, server.runtime.stopping)
    finally:
        server.scheduler.stop()
        container.close()


def _ceiling(config: ApiBenchConfig, body_bytes: int) -> LoadResult:
    port = free_port()
    trivial = start_process(serve_trivial, port, body_bytes)
    try:
        wait_for_page(port, "/")
        seconds = min(config.ceiling_s, config.duration_s)
        warmup = min(config.warmup_s, 1.0)
        return run_in_process(LoadConfig(port, ["/"], config.concurrency, seconds, warmup))
    finally:
        stop(trivial)


def _load_config(config: ApiBenchConfig, port: int, mix: list[str], seconds: float) -> LoadConfig:
    return LoadConfig(port, mix, config.concurrency, seconds, config.warmup_s)


def _report(
    config: ApiBenchConfig, load: LoadResult, ceiling: LoadResult, distinct: int
) -> dict[str, Any]:
    rps = round(load.completed / (load.elapsed_ns / 1e9), 1)
    samples = load.latencies_ns or [0]
    p99 = ms(percentile(samples, 99))
    return {
        "requests_per_s": rps,
        "p50_ms": ms(percentile(samples, 50)),
        "p99_ms": p99,
        "errors": load.errors,
        "requests": load.completed,
        "concurrency": config.concurrency,
        "duration_s": config.duration_s,
        "providers": config.providers,
        "cache_ttl_s": config.cache_ttl_s,
        "distinct_queries": distinct,
        "generator_ceiling_rps": round(ceiling.completed / (ceiling.elapsed_ns / 1e9), 1),
        "within_targets": {
            "requests_per_s": rps >= TARGETS["requests_per_s"],
            "p99_ms": bool(load.latencies_ns) and p99 < TARGETS["p99_ms"],
        },
        "targets": dict(TARGETS),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_page(port: int, path: str, timeout_s: float = 60.0) -> bytes:
    """The body of ``path`` once the server answers it with 200."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                return body
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def stop(process: Any) -> None:
    process.terminate()
    process.join(timeout=10)
    if process.is_alive():
        process.kill()
        process.join()
