"""End-to-end: ``copytrade bench fanout --json`` on a small population."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from copytrade.cli.app import app

FIGURES = (
    "p50_ms", "p99_ms", "copies_per_s", "close_p50_ms", "close_copies_per_s", "floor_ms",
    "naive_ms", "setup_s", "peak_rss_mb", "p50_floor_ratio", "close_floor_ratio",
    "naive_speedup",
)  # fmt: skip


def _run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["bench", "fanout", *args, "--json"])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)  # one JSON object: progress is on stderr
    return report


def _assert_sane(report: dict[str, Any], followers: int) -> None:
    assert report["followers"] == followers
    # Every open and every close of every timed round was copied to all followers.
    assert report["copies_filled_per_iteration"] == followers
    for key in FIGURES:
        assert isinstance(report[key], float | int) and report[key] > 0, key
    assert report["p99_ms"] >= report["p50_ms"]
    # The ratios are the figures beside them, read off directly: rounded to 0.1, and
    # computed before the ms figures were rounded to 0.001 ms (which moves a quotient by
    # up to 0.1 % when a floor is under a millisecond on a small run).
    def read_off(ratio: float, quotient: float) -> bool:
        return abs(ratio - quotient) <= 0.05 + 0.002 * quotient

    assert read_off(report["p50_floor_ratio"], report["p50_ms"] / report["floor_ms"])
    assert read_off(report["close_floor_ratio"], report["close_p50_ms"] / report["floor_ms"])
    assert read_off(report["naive_speedup"], report["naive_ms"] / report["p50_ms"])
    assert report["targets"] == {
        "p50_floor_ratio": 8.0,
        "close_floor_ratio": 8.0,
        "naive_speedup": 100.0,
    }
    assert report["within_targets"]["naive_speedup"] == (report["naive_speedup"] >= 100)
    assert report["within_targets"]["p50_floor_ratio"] == (report["p50_floor_ratio"] <= 8)


def test_bench_fanout_prints_one_json_object_with_sane_figures() -> None:
    report = _run("--followers", "50", "--repeat", "3", "--naive-sample", "20")
    _assert_sane(report, 50)
    assert report["repeat"] == 3 and report["closes"] == 1
    assert report["backend"] == "sqlite" and report["synchronous"] == "FULL"
    assert report["naive_sampled"] == 20
    assert report["python"].startswith("3.") and report["sqlite_version"]


def test_bench_fanout_normal_synchronous_is_reported() -> None:
    args = ["--followers", "5", "--repeat", "1", "--synchronous", "normal", "--floor-repeat", "1"]
    report = _run(*args)
    assert report["synchronous"] == "NORMAL"
    assert report["copies_filled_per_iteration"] == 5


def test_bench_fanout_runs_on_postgres_in_a_schema_it_drops(postgres_url: str) -> None:
    def bench_schemas() -> set[str]:
        engine = create_engine(postgres_url)
        with engine.connect() as connection:
            query = text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench%'")
            found = set(connection.scalars(query))
        engine.dispose()
        return found

    before = bench_schemas()
    args = ["--followers", "20", "--repeat", "2", "--naive-sample", "5", "--floor-repeat", "2"]
    report = _run(*args, "--database", postgres_url)
    _assert_sane(report, 20)
    assert report["backend"] == "postgresql" and report["synchronous"] is None
    assert report["database_version"][0].isdigit()
    assert bench_schemas() == before  # the run's schemas (platform and floor) are gone


def test_bench_fanout_refuses_a_database_it_cannot_make_fresh() -> None:
    args = ["bench", "fanout", "--followers", "5", "--database", "sqlite:///copytrade.db"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "PostgreSQL URL" in result.output


def test_bench_group_lists_fanout() -> None:
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    assert "fanout" in result.output
