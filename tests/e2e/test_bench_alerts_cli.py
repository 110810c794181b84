"""``copytrade bench alerts --json`` at a small size: one JSON object with its figures.

No speed is asserted (docs/benchmarks.md); the figures must be there and consistent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

EXE = shutil.which("copytrade") or f"{sys.prefix}/bin/copytrade"


def test_bench_alerts_reports_its_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [EXE, "bench", "alerts", "--rules", "300", "--symbols", "5", "--hours", "1", "--json"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["rules"], result["symbols"], result["boundaries"]) == (300, 5, 60)
    # 100 rules per timeframe: 1m read at 60 boundaries, 15m at 4, 1h at 1.
    assert result["rule_evaluations"] == 100 * (60 + 4 + 1)
    assert result["firings"] > 0 and result["indicator_computations"] <= 15 * 14
    assert result["close_to_queued_p50_ms"] <= result["close_to_queued_p99_ms"]
    assert result["close_to_queued_p99_ms"] <= result["close_to_queued_max_ms"]
    assert isinstance(result["meets_target"], bool) and result["peak_rss_mb"] > 0
