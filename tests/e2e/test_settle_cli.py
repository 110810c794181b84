"""``copytrade settle``, ``copytrade statement`` and ``bench settle`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.cli.app import app
from copytrade.config import Settings
from tests.integration.engine.harness import SPOT, Harness

WEEK_2 = "2026-01-12T00:00:00Z"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A provider up 30 % with one copying follower (the Harness world, Jan 2026)."""
    path = tmp_path / "settle.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    h = Harness(engine)
    h.tick(SPOT.symbol, "2000")
    provider = h.provider("pro", "10000", share_pct="20")
    h.follow(h.follower("fol", "5000"), provider, "1000")
    h.trade(provider, "buy", "4", symbol=SPOT.symbol)
    h.tick(SPOT.symbol, "2600")
    engine.dispose()
    return path


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == code, result.output
    return result.output


def test_settle_twice_charges_once_and_statements_show_it(db: Path) -> None:
    first = json.loads(invoke("settle", "--database", str(db), "--period-end", WEEK_2, "--json"))
    assert (first["periods"], first["settled"], first["already_settled"]) == (["2026-W02"], 1, 0)
    assert float(first["gross"]) > 0
    again = json.loads(invoke("settle", "--database", str(db), "--period-end", WEEK_2, "--json"))
    assert (again["settled"], again["already_settled"], again["gross"]) == (0, 1, "0")

    follower = json.loads(invoke("statement", "--database", str(db), "--follower", "fol", "--json"))
    [line] = follower["settlements"]
    assert (line["relationship_id"], line["period"], line["gross"]) == (
        "fol:pro",
        "2026-W02",
        first["gross"],
    )
    provider = json.loads(
        invoke(
            "statement", "--database", str(db), "--provider", "pro", "--period", WEEK_2, "--json"
        )
    )
    [earned] = provider["settlements"]
    assert earned["provider_credit"] == first["provider_credit"]
    assert provider["totals"]["provider_credit"] == first["provider_credit"]
    # A provider sees amounts only: no follower, relationship, equity or HWM.
    text = json.dumps(provider)
    assert (
        not {"fol", "relationship_id", "equity", "hwm_before", "hwm_after"} & set(earned)
        and "fol" not in text
    )

    table = invoke("settle", "--database", str(db), "--period-end", WEEK_2)
    assert "Settlement 2026-W02" in table and "settled before" in table
    shown = invoke("statement", "--database", str(db), "--provider", "pro")
    assert "Statement of provider pro" in shown and "fol" not in shown


def test_a_future_or_odd_period_end_is_a_clear_error(db: Path) -> None:
    out = invoke("settle", "--database", str(db), "--period-end", "2999-01-05T00:00Z", code=2)
    assert "in the future" in out
    out = invoke("settle", "--database", str(db), "--period-end", "2026-01-13T00:00Z", code=2)
    assert "ends no settlement period" in out
    out = invoke("statement", "--database", str(db), code=2)
    assert "exactly one of --follower" in out


def test_bench_settle_prints_its_figures() -> None:
    run = CliRunner().invoke(app, ["bench", "settle", "--relationships", "300", "--json"])
    assert run.exit_code == 0, run.output
    result = json.loads(run.stdout)  # one JSON object: progress is on stderr
    assert result["relationships"] == 300 and result["backend"] == "sqlite"
    assert result["synchronous"] == "FULL" and result["rerun_s"] >= 0
    assert result["settle_s"] > 0 and result["per_relationship_us"] > 0
    assert result["ledger_sums_to_zero"] is True
