"""``copytrade positions list|tp-sl`` on a simulated database (docs/domain.md, "The
provider's stop-loss and take-profit"): set, shown, refused with exit 2 and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copytrade.cli.app import app

from .conftest import HOLDING, simulated_database


def test_set_list_and_refuse(tmp_path: Path) -> None:
    run, database = CliRunner(), simulated_database(tmp_path, HOLDING)
    tp_sl = ["positions", "tp-sl", "pro", "BTC/USDT:USDT", "--database", database]
    refused = run.invoke(app, [*tp_sl, "--stop-loss", "38000"])  # the last mark is 37,000
    assert refused.exit_code == 2
    assert "stop_loss must be below the mark 37000" in refused.output
    done = run.invoke(app, [*tp_sl, "--stop-loss", "35000", "--take-profit", "45000", "--json"])
    assert done.exit_code == 0, done.output
    listed = run.invoke(app, ["positions", "list", "pro", "--database", database, "--json"])
    [position] = json.loads(listed.stdout)["positions"]
    assert (position["side"], position["stop_loss"], position["take_profit"]) == (
        "long", "35000", "45000"
    )
    cancelled = run.invoke(app, [*tp_sl, "--json"])
    assert json.loads(cancelled.stdout)["positions"][0]["stop_loss"] is None
