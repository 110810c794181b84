"""``copytrade demo`` end to end: bots trade, followers copy, weeks settle, books balance."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine, make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.cli.app import app
from copytrade.config import Settings


def test_demo_runs_copies_settles_and_balances(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    result = CliRunner().invoke(
        app,
        ["demo", "--weeks", "2", "--followers", "30", "--seed", "3", "--database", str(database)],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "Leaderboard" in result.output
    assert "Past results do not guarantee future results" in result.output
    assert "ledger sums to zero in every currency: yes" in result.output

    engine = make_engine(Settings(database_url=f"sqlite:///{database}"))
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        decisions = uow.decisions.all()
        settlements = uow.settlements.all()
        assert uow.ledger.reconcile().ok
        sums = uow.ledger.sum_by_currency()
        rels = uow.relationships.all()
    engine.dispose()
    assert {d.action for d in decisions} >= {"placed"}
    assert len(rels) >= 30
    # Two weeks from a Monday: every relationship still copying settles once on the
    # second Monday (stopped ones settled at their stop).
    assert {s.period for s in settlements} >= {"week:2026-01-12"}
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
            ["demo", "--weeks", "1", "--followers", "10", "--database", str(tmp_path / name)],
            terminal_width=200,
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.output.split("Leaderboard", 1)[1])
    assert outputs[0] == outputs[1]
