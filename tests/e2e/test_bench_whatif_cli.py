"""``copytrade bench whatif --json`` (docs/whatif.md, "Speed"): one JSON object with the
figures, and the what-if agrees with the follower that really copied. Smoke size only."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from copytrade.cli.app import app


def test_bench_whatif_prints_one_object_and_matches_the_real_follower() -> None:
    result = CliRunner().invoke(app, ["bench", "whatif", "--fills", "2", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["fills"] == 2 and figures["decisions"] == 2
    assert figures["settlements"] == 52  # every Monday of the year
    assert figures["matches_real_follower"] is True
    assert figures["target_s"] == 1.0 and figures["answer_s"] > 0
    assert figures["answer_cpu_s"] > 0
    assert figures["days"] == 365 and 364 <= figures["span_days"] <= 365  # one year
    assert set(figures["stages_s"]) == {
        "read", "setup", "prices", "fills", "settlements", "day_closes", "report"
    }
