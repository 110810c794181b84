"""Exactly once across a real crash of the settlement run, and the venue relay.

A child process runs the weekly settlement in batches and is SIGKILLed after
the second batch commits (its venue debits not made) or after the second batch
is done. A restarted run then settles only the rest, the outbox relay makes
the missing venue debits, and every relationship is charged exactly once: in
the settlements table, in the ledger and at the venue. ``copytrade settle``
rerun after such a kill makes the lost debits itself (it recovers first).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from copytrade.adapters.db.schema import PaperCashMoveRow, SettlementRow
from copytrade.cli.app import app
from copytrade.domain.ids import ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO

from .crash_scenario import running
from .harness import SPOT
from .settle_crash_child import PERIOD_END, settlement_run

ROOT = Path(__file__).resolve().parents[3]
FOLLOWERS = 8
PROVIDER = "pro"


@pytest.fixture
def url(migrated_url: str) -> str:
    database_url = migrated_url
    with running(database_url) as h:
        h.tick(SPOT.symbol, "2000")
        h.provider(PROVIDER, "10000", share_pct="20")
        for i in range(FOLLOWERS):
            h.follow(h.follower(f"f{i}", "5000"), ProviderId(PROVIDER), str(500 + 100 * i))
        h.trade(ProviderId(PROVIDER), "buy", "2", symbol=SPOT.symbol)
        h.tick(SPOT.symbol, "2600")
    return database_url


def venue_cash(url: str) -> dict[str, D]:
    with running(url) as h:
        return {
            f"f{i}:{PROVIDER}": h.platform.venue.balances(f"f{i}:{PROVIDER}").get(USDT.code, ZERO)
            for i in range(FOLLOWERS)
        }


@pytest.mark.parametrize("step", ["after_commit", "after_batch"])
def test_a_killed_run_restarted_charges_everyone_exactly_once(url: str, step: str) -> None:
    before = venue_cash(url)
    with running(url) as h, h.platform.uow() as uow:  # the follows' own keyed deposits
        moved_before = uow.session.scalar(select(func.count()).select_from(PaperCashMoveRow))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.settle_crash_child", url, step],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr  # a real SIGKILL, mid-run
    with running(url) as h, h.platform.uow() as uow:
        settled_at_death = uow.session.scalar(select(func.count()).select_from(SettlementRow))
        moved_at_death = uow.session.scalar(select(func.count()).select_from(PaperCashMoveRow))
    assert settled_at_death == 6  # two batches of three committed
    assert moved_at_death - moved_before == (3 if step == "after_commit" else 6)

    with running(url) as h:  # the restart: run again, then relay the outbox
        summary = settlement_run(h).run(PERIOD_END)
        assert (summary.settled, summary.already_settled) == (FOLLOWERS - 6, 6)
        h.engine.relay.relay_all()
        with h.platform.uow() as uow:
            records = [r for r in uow.settlements.all() if r.period == "2026-W02"]
            earnings = uow.ledger.balance(LedgerAccount.provider_earnings(PROVIDER))
            fees = uow.ledger.balance(LedgerAccount.platform_revenue())
            assert set(uow.ledger.sum_by_currency().values()) == {ZERO}
            moves = uow.session.scalar(select(func.count()).select_from(PaperCashMoveRow))
            pending = uow.outbox.pending(100)
    assert sorted(r.relationship_id for r in records) == sorted(before)
    assert all(r.settlement.debit > 0 for r in records)
    assert earnings == sum(r.settlement.provider_credit for r in records)
    assert fees == sum(r.settlement.platform_fee for r in records)
    assert moves - moved_before == FOLLOWERS and pending == []
    after = venue_cash(url)
    debits = {r.relationship_id: r.settlement.debit for r in records}
    assert {rel: before[rel] - after[rel] for rel in before} == debits

    # A redelivered venue debit is applied once only.
    with running(url) as h:
        again = {"key": records[0].key, "account": records[0].relationship_id,
                 "currency": "USDT", "amount": str(-records[0].settlement.debit)}  # fmt: skip
        h.engine.venue_cash.handle("redelivered", {"moves": [again]})
    assert venue_cash(url) == after


def cli(url: str, *args: str) -> tuple[int, str]:
    """``copytrade ARGS`` on the database at ``url``, as an operator runs it."""
    result = CliRunner().invoke(app, list(args), env={"COPYTRADE_DATABASE_URL": url})
    return result.exit_code, result.stdout


def test_copytrade_settle_rerun_makes_the_venue_debits_a_killed_run_left(url: str) -> None:
    """Defect 11: a rerun of ``copytrade settle`` recovers first, so no debit stays lost."""
    before = venue_cash(url)
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.settle_crash_child", url, "after_commit"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr  # killed between batch 2's commit and its debits
    code, out = cli(url, "reconcile", "--json")
    found = json.loads(out)
    assert code == 1 and len(found["differences"]) == 3  # batch 2 charged in the ledger only
    assert found["outbox_pending"] > 0  # the debits wait in the outbox (and the notices)

    code, out = cli(url, "settle", "--period-end", PERIOD_END.isoformat(), "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert (summary["settled"], summary["already_settled"]) == (FOLLOWERS - 6, 6)
    with running(url) as h, h.platform.uow() as uow:
        debits = {
            r.relationship_id: r.settlement.debit
            for r in uow.settlements.all()
            if r.period == "2026-W02"
        }
        assert uow.outbox.pending(100) == []
    after = venue_cash(url)
    assert {rel: before[rel] - after[rel] for rel in before} == debits
    assert all(debit > 0 for debit in debits.values())
    code, out = cli(url, "reconcile", "--json")
    assert code == 0 and json.loads(out)["differences"] == []
