"""End-to-end: ``copytrade bench sweep --json`` on a small population."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from copytrade.cli.app import app


def test_bench_sweep_prints_one_json_object_with_sane_figures() -> None:
    args = ["bench", "sweep", "--followers", "30", "--repeat", "3", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # exactly one JSON object: progress is on stderr
    assert report["relationships"] == 30
    assert report["repeat"] == 3
    # The hit round lowers the limit of every tenth relationship (0, 10, 20) and stops them.
    assert report["hits"] == 3
    for key in ("sweep_p50_ms", "full_valuation_p50_ms", "hit_ms", "per_relationship_us"):
        assert isinstance(report[key], float) and report[key] > 0, key
    assert report["sweep_p99_ms"] >= report["sweep_p50_ms"]


def test_bench_group_lists_sweep() -> None:
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0
    assert "sweep" in result.output
