"""``copytrade subscriptions charge|pay`` end to end on a small SQLite database."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.cli.app import app
from copytrade.config import Settings
from tests.integration.engine.harness import PERP, Harness

MONDAY = "2026-01-12T00:00:00+00:00"  # the first boundary after the harness's start


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "fees.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    h = Harness(engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("subpro", "1000", fee_model="subscription", subscription_price=D(30))
    h.follow(h.follower("alice", "1500"), pro, "500")  # 1000 free: pays
    h.follow(h.follower("bob", "510"), pro, "500")  # 10 free: cannot pay
    engine.dispose()
    return path


def invoke(*args: str, code: int = 0) -> dict[str, object]:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def test_charge_once_then_pay_refused_without_funds(db: Path) -> None:
    first = invoke("subscriptions", "charge", "--at", MONDAY, "--database", str(db))
    again = invoke("subscriptions", "charge", "--at", MONDAY, "--database", str(db))
    unpaid = invoke("subscriptions", "pay", "bob:subpro", "--database", str(db), code=1)

    assert (first["charged"], first["unpaid"], first["periods"]) == (1, 1, ["2026-W03"])
    # 2 % of 30 = 0.6 to the platform, 29.4 to the provider.
    assert (first["provider_total"], first["platform_total"]) == ("29.4", "0.6")
    # Nothing new: alice paid, bob unpaid and paused already (not told twice).
    assert (again["charged"], again["already"], again["unpaid"]) == (0, 2, 0)
    assert unpaid == {"relationship": "bob:subpro", "period": "2026-W03", "status": "unpaid"}


def test_a_time_that_starts_no_period_is_refused(db: Path) -> None:
    result = CliRunner().invoke(
        app, ["subscriptions", "charge", "--at", "2026-01-13T00:00:00Z", "--database", str(db)]
    )
    assert result.exit_code == 2
    assert "starts no period" in result.output


def test_the_platform_cut_comes_from_the_settings(db: Path) -> None:
    env = {"COPYTRADE_SUBSCRIPTION_PLATFORM_CUT_PCT": "10"}
    result = CliRunner().invoke(
        app, ["subscriptions", "charge", "--at", MONDAY, "--database", str(db)], env=env
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["provider_total"], summary["platform_total"]) == ("27", "3")


def test_a_cut_out_of_range_is_a_configuration_error() -> None:
    env = {"COPYTRADE_COMMISSION_PCT": "101"}
    result = CliRunner().invoke(app, ["subscriptions", "charge"], env=env)
    assert result.exit_code == 2
    assert "commission_pct" in result.output
