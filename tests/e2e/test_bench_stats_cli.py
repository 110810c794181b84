"""End-to-end: ``copytrade bench stats --json`` on a tiny population (no timing assertions)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from copytrade.bench.stats_data import StatsDataConfig, generate
from copytrade.cli.app import app

CONTRACT = ("full_refresh_s", "incremental_ms", "leaderboard_p99_ms")
BACKEND = (
    *CONTRACT,
    "incremental_p99_ms",
    "leaderboard_p50_ms",
    "setup_s",
)


def test_bench_stats_prints_one_json_object_with_the_contracts_keys() -> None:
    args = ["bench", "stats", "--providers", "20", "--trades", "30", "--json", "--no-postgres"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # exactly one JSON object: progress is on stderr
    assert (report["providers"], report["trades"]) == (20, 30)
    sqlite = report["sqlite"]
    for key in BACKEND:
        assert isinstance(sqlite[key], float | int) and sqlite[key] > 0, key
    # The contract's top-level keys are the embedded default's (SQLite) figures.
    assert {key: report[key] for key in CONTRACT} == {key: sqlite[key] for key in CONTRACT}
    assert sqlite["incremental_p99_ms"] >= sqlite["incremental_ms"]
    assert sqlite["leaderboard_p99_ms"] >= sqlite["leaderboard_p50_ms"]
    # Every generated provider was refreshed; the followers are the generator's.
    assert sqlite["providers_refreshed"] == 20
    generated = StatsDataConfig(providers=20, trades=30)
    assert sqlite["relationships"] == sum(len(r.followers) for r in generate(generated))
    assert report["postgresql"] is None and report["postgresql_skipped"] == "--no-postgres"
    assert report["targets"] == {
        "full_refresh_s": 5.0, "incremental_ms": 2.0, "leaderboard_p99_ms": 10.0
    }  # fmt: skip
    assert set(sqlite["within_targets"]) == set(CONTRACT)


def test_bench_group_lists_stats() -> None:
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    assert "stats" in result.output
