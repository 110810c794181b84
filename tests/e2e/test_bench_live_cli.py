"""End-to-end: ``copytrade bench live --json`` at a small size, the exchange emulator
started by the bench as its own process (docs/benchmarks.md, "Live copies through ccxt")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = (
    "followers", "fills", "concurrency", "orders", "exchange_calls", "calls_per_copy",
    "p50_ms", "p99_ms", "max_ms", "exchange_p50_ms", "calls_per_s", "orders_per_s", "target_p50_ms",
    "within_target", "setup_s", "cpu_ms_per_copy", "exchange_cpu_ms_per_copy", "processes",
)


def test_bench_live_copies_every_follower_once_per_fill_and_prints_its_figures() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "copytrade.cli", "bench", "live", "--followers", "20", "--fills",
         "4", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)  # exactly one JSON object: progress is on stderr
    assert sorted(report) == sorted(KEYS)
    assert (report["followers"], report["fills"]) == (20, 4)
    # Every follower's copy of every fill: one order, one exchange call each.
    assert report["orders"] == 80 and report["exchange_calls"] == 80
    assert report["calls_per_copy"] == 1.0
    assert 0 < report["p50_ms"] <= report["p99_ms"] <= report["max_ms"]
    assert 0 < report["exchange_p50_ms"] < report["max_ms"]
    assert report["calls_per_s"] > 0
    # The CPU both processes spent per copy, and the order processes used (default 2).
    assert report["cpu_ms_per_copy"] > 0 and report["exchange_cpu_ms_per_copy"] > 0
    assert report["processes"] == 2
