"""End-to-end: ``copytrade bench fanout --json`` on a small population."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from copytrade.cli.app import app

FIGURES = ("p50_ms", "p99_ms", "copies_per_s", "floor_ms", "naive_ms", "setup_s")


def test_bench_fanout_prints_one_json_object_with_sane_figures() -> None:
    args = ["bench", "fanout", "--followers", "50", "--repeat", "3", "--json"]
    args += ["--naive-sample", "20"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # exactly one JSON object: progress is on stderr
    assert report["followers"] == 50
    assert report["repeat"] == 3
    assert report["synchronous"] == "FULL"
    # Every open and every close of every timed round was copied to all 50 followers.
    assert report["copies_filled_per_iteration"] == 50
    assert report["naive_sampled"] == 20
    for key in FIGURES:
        assert isinstance(report[key], float | int) and report[key] > 0, key
    assert report["p99_ms"] >= report["p50_ms"]
    assert report["python"].startswith("3.") and report["sqlite_version"]


def test_bench_fanout_normal_synchronous_is_reported() -> None:
    args = ["bench", "fanout", "--followers", "5", "--repeat", "1", "--synchronous", "normal"]
    result = CliRunner().invoke(app, [*args, "--json", "--floor-repeat", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["synchronous"] == "NORMAL"
    assert report["copies_filled_per_iteration"] == 5


def test_bench_group_lists_fanout() -> None:
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    assert "fanout" in result.output
