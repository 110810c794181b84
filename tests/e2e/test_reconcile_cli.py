"""``copytrade reconcile`` end to end: exit 0 when the books agree, 1 with the differences."""

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
from copytrade.domain.ledger import LedgerAccount
from tests.integration.engine.harness import PERP, SPOT, Harness


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A provider trading perp and spot with two copying followers."""
    path = tmp_path / "books.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    h = Harness(engine)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "2000")
    provider = h.provider("pro", "10000")
    for name in ("ann", "bob"):
        h.follow(h.follower(name, "5000"), provider, "1500")
    h.trade(provider, "buy", "0.05", leverage="5")
    h.trade(provider, "buy", "1", symbol=SPOT.symbol)
    h.tick(PERP.symbol, "47000")
    engine.dispose()
    return path


def invoke(*args: str, code: int) -> str:
    result = CliRunner().invoke(app, ["reconcile", *args], env={"COLUMNS": "200"})
    assert result.exit_code == code, result.output
    return result.stdout


def test_agreeing_books_exit_0_and_say_so(db: Path) -> None:
    report = json.loads(invoke("--database", str(db), "--json", code=0))
    assert report["ok"] is True and report["differences"] == []
    assert (report["books"], report["venue_accounts"]) == (3, 3)
    assert (report["ledger_problems"], report["outbox_pending"], report["orders_pending"]) == (
        [],
        0,
        0,
    )
    assert "ledger and venue agree: 3 books" in invoke("--database", str(db), code=0)


def test_a_book_changed_at_the_venue_exits_1_naming_it(db: Path) -> None:
    engine = make_engine(Settings(database_url=f"sqlite:///{db}"))
    h = Harness(engine)
    with h.platform.uow() as uow:
        cash = uow.ledger.balance(LedgerAccount.allocation_cash("bob:pro"))
        eth = uow.ledger.balance(
            LedgerAccount.allocation_cash("bob:pro").in_currency(uow.ledger.currencies["ETH"])
        )
    h.platform.venue.deposit("bob:pro", "USDT", D("12.5"))
    engine.dispose()
    assert eth > 0  # the spot copy's coins are compared too, and agree
    report = json.loads(invoke("--database", str(db), "--json", code=1))
    assert report["ok"] is False
    assert report["differences"] == [
        {
            "book": "bob:pro",
            "role": "relationship",
            "what": "cash USDT",
            "ledger": str(cash),
            "venue": str(cash + D("12.5")),
        }
    ]
    table = invoke("--database", str(db), code=1)
    assert "1 difference(s)" in table and "bob:pro" in table and str(cash + D("12.5")) in table
    assert "DIFFERENT" in table


def test_a_missing_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["reconcile", "--database", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no database file" in result.output
