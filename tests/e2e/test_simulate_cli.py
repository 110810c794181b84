"""``copytrade simulate``: determinism, the summary, and refusing invalid files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import EXAMPLES, run_cli

VALID = (EXAMPLES / "proportional_basic.yaml").read_text(encoding="utf-8")


def test_help_lists_simulate() -> None:
    assert "simulate" in CliRunner().invoke(app, ["--help"]).output


def test_two_runs_write_byte_identical_results(tmp_path: Path) -> None:
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    for out in (first, second):
        done = run_cli(EXAMPLES / "flip_max_loss.yaml", out)
        assert done.exit_code == 0, done.output
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    # Decimals are strings, never JSON numbers (which readers turn into floats).
    assert '"equity": "8572"' in text and '"equity": 8572' not in text


def test_summary_names_counts_and_ledger_sum(tmp_path: Path) -> None:
    done = run_cli(EXAMPLES / "proportional_basic.yaml", tmp_path / "r.json")
    assert done.exit_code == 0
    assert "placed 4" in done.output
    assert "USDT 0" in done.output


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        # multiplier above 10 is refused by CopySettings.
        ("multiplier: 2,", "multiplier: 11,", "events[1].settings.multiplier", "at most 10"),
        ("share_pct: 10,", "share_pct: 31,", "providers[0].share_pct", "between 0 and 30"),
        ("side: buy, qty: 1,", "side: buy, qty: 0.0001,", "events[2].qty", "lot step"),
        ("allocation: 10000", "allocaton: 10000", "events[0].allocaton", "unknown key"),
    ],
)
def test_invalid_scenario_exits_2_naming_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in VALID
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "r.json"
    done = CliRunner().invoke(app, ["simulate", str(bad), "--out", str(out)])
    assert done.exit_code == 2
    assert done.output.startswith(f"error: {bad}: ")
    # The misspelt key also makes `allocation` missing: both are listed.
    assert f"{bad}: {field}: " in done.output
    assert problem in done.output
    assert not out.exists()


def test_missing_scenario_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    done = CliRunner().invoke(app, ["simulate", str(missing), "--out", str(tmp_path / "r.json")])
    assert done.exit_code == 2
    assert str(missing) in done.output
