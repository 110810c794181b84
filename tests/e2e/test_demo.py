"""``copytrade demo`` end to end: bots trade, followers copy, weeks settle, books balance."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine, make_session_factory
from copytrade.adapters.db.schema import LedgerEntryRow, LedgerTransferRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.cli.app import app
from copytrade.config import Settings

# The simulated history's last prices: a fixed end makes a run the same on any day.
END = "2026-02-01T23:00Z"


def db(path: Path) -> list[str]:
    return ["--database", str(path)]


def test_demo_runs_copies_settles_and_balances(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    result = CliRunner().invoke(
        app,
        ["demo", "--weeks", "2", "--followers", "30", "--seed", "3", "--end", END, *db(database)],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "Leaderboard" in result.output
    assert "Simulated 2 week(s): 2026-01-19T00:00 to 2026-02-01T23:00 UTC" in result.output
    assert "Past results do not guarantee future results" in result.output
    assert "ledger sums to zero in every currency: yes" in result.output

    engine = make_engine(Settings(database_url=f"sqlite:///{database}"))
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        decisions = uow.decisions.all()
        settlements = uow.settlements.all()
        assert uow.ledger.reconcile().ok
        sums = uow.ledger.sum_by_currency()
        rels = uow.relationships.all()
        funding = uow.session.execute(
            select(LedgerTransferRow.memo, LedgerEntryRow.account)
            .join(LedgerEntryRow, LedgerEntryRow.transfer_id == LedgerTransferRow.id)
            .where(LedgerTransferRow.kind == "funding")
        ).all()
    engine.dispose()
    # Funding every 8 hours on each perp (a seeded rate), paid by or to providers and
    # followers alike (docs/demo.md).
    assert {memo.split()[1] for memo, _ in funding} == {
        "BTC/USDT:USDT",
        "ETH/USDT:USDT",
        "SOL/USDT:USDT",
    }
    kinds = {account.split(":")[0] for _, account in funding}
    assert {"follower_free", "allocation_cash", "market"} <= kinds
    assert {d.action for d in decisions} >= {"placed"}
    assert len(rels) >= 30
    # Two weeks from a Monday: every relationship still copying settles once on the
    # second Monday, 2026-01-26 (stopped ones settled at their stop).
    assert {s.period for s in settlements} >= {"week:2026-01-26"}
    assert set(sums.values()) == {Decimal(0)}
    # The ledger and the venue agree on every book (`copytrade reconcile`).
    checked = CliRunner().invoke(app, ["reconcile", "--database", str(database), "--json"])
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.stdout)
    assert report["differences"] == [] and report["books"] == len(rels) + 5  # 5 bot providers


def test_demo_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.db", "b.db"):
        result = CliRunner().invoke(
            app,
            ["demo", "--weeks", "1", "--followers", "10", "--end", END, *db(tmp_path / name)],
            terminal_width=200,
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.output.split("Leaderboard", 1)[1].split("Next:")[0])
    assert outputs[0] == outputs[1]


def test_the_report_fits_80_columns_and_says_what_it_shows(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    # Four weeks: an equity curve longer than the sparkline's width, six-figure AUMs.
    args = ["demo", "--weeks", "4", "--followers", "60", "--end", END, "--database", str(database)]
    result = CliRunner().invoke(app, args, terminal_width=80)  # as when piped
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not [line for line in lines if "…" in line]  # no figure or header cut
    out = result.output
    for words in (
        "Simulated 4 week(s): 2026-01-05T00:00 to 2026-02-01T23:00 UTC",
        "after trading fees and the profit",
        "Followers: ",
        "Settlements: ",
        "copytrade demo --serve",
        "Alerts fired by the demo's rules",
        "ETH 1h EMA(9) crosses below EMA(21)",
        "risk: near max loss (80%)",
    ):
        assert words in out, words
    for name in ("Trend Rider", "Wave Surfer", "Mean Machine", "YOLO 20x", "Steady Stacker"):
        assert sum(name in line for line in lines) == 3  # leaderboard, copiers, outcomes
    assert "max open trades reached" in out or "symbol not in the follower's list" in out


def test_demo_json_is_one_object_with_the_reports_figures(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    args = ["demo", "--weeks", "1", "--followers", "20", "--end", END, "--json"]
    result = CliRunner().invoke(app, [*args, "--database", str(database)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["simulated"] == {
        "start": "2026-01-26T00:00:00+00:00",
        "end": "2026-02-01T23:00:00+00:00",
        "weeks": 1,
    }
    assert [p["id"] for p in report["providers"]].count("p-yolo") == 1
    assert len(report["providers"]) == 5 and report["ledger_balanced"] is True
    rels = report["followers"]["relationships"]
    assert rels >= 20 and report["followers"]["in_profit"] + report["followers"]["in_loss"] <= rels
    skipped = sum(p["skipped"] for p in report["providers"])
    assert skipped == sum(s["count"] for s in report["skipped_by_reason"])
    assert all(s["words"] != s["reason"] for s in report["skipped_by_reason"])
    alerts = {a["label"]: a for a in report["alerts"]}  # the demo's rules (docs/demo.md)
    assert "BTC 1m price crosses above EMA(5)" in alerts and "risk: settlement" in alerts
    assert alerts["BTC 1m price crosses above EMA(5)"]["fired"] > 0
    assert alerts["risk: settlement"]["owner"] == "6 accounts"


def test_the_default_history_ends_now(tmp_path: Path) -> None:
    args = ["demo", "--weeks", "1", "--followers", "5", "--json"]
    result = CliRunner().invoke(app, [*args, "--database", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    end = datetime.fromisoformat(json.loads(result.stdout)["simulated"]["end"])
    assert timedelta(0) <= datetime.now(UTC) - end < timedelta(minutes=10)
