"""End-to-end: ``copytrade bench api --json`` on a tiny population for one second."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from copytrade.cli.app import app

KEYS = {
    "requests_per_s", "p50_ms", "p99_ms", "errors", "concurrency", "duration_s", "providers",
    "cache_ttl_s", "distinct_queries", "generator_ceiling_rps", "within_targets",
}  # fmt: skip


def _bench(*extra: str) -> dict[str, object]:
    sizes = ["--providers", "5", "--trades", "5", "--duration", "1", "--warmup", "0.2"]
    sizes += ["--orders-duration", "0"]  # the orders phase has a test of its own
    args = ["bench", "api", *sizes, "--concurrency", "2", "--queries", "10", "--json", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report: dict[str, object] = json.loads(result.stdout)  # one JSON object: progress on stderr
    return report


def test_bench_api_serves_pages_to_a_separate_load_process_without_errors() -> None:
    report = _bench()
    assert set(report) >= KEYS
    assert report["errors"] == 0
    assert (report["providers"], report["concurrency"], report["duration_s"]) == (5, 2, 1.0)
    assert report["cache_ttl_s"] == 1.0
    assert isinstance(report["requests_per_s"], float) and report["requests_per_s"] > 0
    assert isinstance(report["generator_ceiling_rps"], float)
    assert report["generator_ceiling_rps"] > 0
    assert 1 <= report["distinct_queries"] <= 10  # type: ignore[operator]
    assert report["p99_ms"] >= report["p50_ms"] > 0  # type: ignore[operator]
    assert set(report["within_targets"]) == {"requests_per_s", "p99_ms"}  # type: ignore[arg-type]


def test_bench_api_no_cache_reports_a_zero_ttl() -> None:
    report = _bench("--no-cache")
    assert report["cache_ttl_s"] == 0.0 and report["errors"] == 0


def test_bench_api_times_orders_while_full_refreshes_run() -> None:
    report = _bench("--orders-duration", "2")
    orders = report["orders_during_refresh"]
    assert isinstance(orders, dict)
    assert orders["orders"] >= 1 and orders["orders_rejected"] == 0, orders
    assert orders["order_max_ms"] >= orders["order_p99_ms"] >= orders["order_p50_ms"] > 0
    assert orders["full_refreshes"] >= 1 and orders["full_refresh_ms"] > 0
