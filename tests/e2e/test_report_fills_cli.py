"""``copytrade report fills`` end to end on a small SQLite database (docs/statistics.md,
"Fill quality"): the fill-quality world of tests/integration/fill_quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings
from tests.e2e.test_settle_cli import invoke
from tests.integration.fill_quality.world import play_fills_world


@pytest.fixture(scope="module")
def fills_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fills") / "fills.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    play_fills_world(engine)
    engine.dispose()
    return path


def test_report_fills_json_of_a_provider(fills_db: Path) -> None:
    body = json.loads(invoke("report", "fills", "--provider", "pro", "--database", str(fills_db),
                             "--json"))  # fmt: skip
    assert (body["scope"], body["subject"]) == ("provider", "pro")
    assert body["kept_pct"] == "100" and body["median_slippage_bps"] == "0"
    rels = {r["relationship_id"]: r for r in body["relationships"]}
    assert rels["bob:pro"]["gap"]["skipped"] == "0.02"
    assert rels["carl:pro"]["gap"]["sizing"] == "-0.02"
    assert rels["alice:pro"]["copies"][0]["slippage_bps"] == "0"
    assert body["summary"]["skipped_pct"] == {"no_position": "16.6667",
                                              "symbol_not_allowed": "16.6667"}  # fmt: skip
    assert body["slippage_buckets_bps"] == ["-10", "-1", "1", "10", "50"]


def test_report_fills_tables_and_errors(fills_db: Path) -> None:
    out = invoke("report", "fills", "--relationship", "bob:pro", "--database", str(fills_db))
    assert "skipped symbol_not_allowed 50.0000%" in out
    assert "bob:pro" in out and "2.00%" in out  # the skipped copies' 2 % of the gap
    board = invoke("report", "fills", "--provider", "pro", "--database", str(fills_db))
    assert "copiers kept 100.0000 % of the provider's return" in board
    assert "median copy slippage 0.0000 bps" in board
    invoke("report", "fills", "--database", str(fills_db), code=2)
    missing = invoke("report", "fills", "--provider", "nobody", "--database", str(fills_db),
                     code=2)  # fmt: skip
    assert "no provider 'nobody'" in missing


def test_stats_refresh_puts_the_kept_share_on_the_leaderboard_card(fills_db: Path) -> None:
    invoke("stats", "refresh", "--database", str(fills_db), "--min-track-record", "0")
    board = json.loads(invoke("leaderboard", "--database", str(fills_db), "--json"))
    [card] = board["providers"]
    assert card["provider_id"] == "pro"
    assert (card["copiers_kept_pct"], card["copy_slippage_bps"]) == ("100", "0")
    # one day of returns: no Sharpe, so no PSR, and too short to tell skill from luck
    assert card["psr"] is None and card["short_record"] is True
    table = invoke("leaderboard", "--database", str(fills_db))
    assert "100.00%" in table
