"""The ledger and the venue are two books of the same money (docs/engine.md, "Value
between the books"): an operation killed by SIGKILL after its ledger transfer
committed and before the venue applied its side is repaired by recovery, once.

Each test kills a real child process (``cash_crash_child``) in that gap, checks
that the books differ at death (the kill hit the gap), restarts a platform on
the same database, runs ``engine.recover()`` and checks every book again.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select

from copytrade.adapters.db.schema import PaperCashMoveRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.ids import ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO
from copytrade.service_layer.following.actions import release_on_stop_key

from .crash_scenario import running
from .harness import PERP, Harness

ROOT = Path(__file__).resolve().parents[3]
PROVIDERS = ("pro", "pp", "late")
RELATIONSHIPS = ("fol:pro", "fresh:pro", "pp:pro")


@pytest.fixture
def url(migrated_url: str) -> str:
    database_url = migrated_url
    with running(database_url) as h:
        h.tick(PERP.symbol, "50000")
        pro = h.provider("pro", "10000")
        h.follow(h.follower("fol", "5000"), pro, "1000")
        h.follower("fresh", "2000")
        h.provider("pp", "3000")  # a provider who will follow "pro"
        h.follower("late", "400")  # a follower who will become a provider
    return database_url


def kill_in_the_gap(url: str, operation: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.cash_crash_child", url, operation],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr


def differences(h: Harness) -> dict[str, tuple[D, D]]:
    """Every book whose ledger cash differs from its venue cash: {book: (ledger, venue)}."""
    found = {}
    with h.platform.uow() as uow:
        ledger = {
            **{p: uow.ledger.balance(LedgerAccount.follower_free(p)) for p in PROVIDERS},
            **{r: uow.ledger.balance(LedgerAccount.allocation_cash(r)) for r in RELATIONSHIPS},
        }
        providers = uow.accounts.provider_ids()
    for book, cash in ledger.items():
        if book in PROVIDERS and book not in providers:
            continue  # not (yet) a provider: its free balance is on the platform only
        venue = h.platform.venue.balances(book).get(USDT.code, ZERO)
        if venue != cash:
            found[book] = (cash, venue)
    return found


def assert_healthy(h: Harness) -> None:
    with h.platform.uow() as uow:
        assert set(uow.ledger.sum_by_currency().values()) == {ZERO}
        assert uow.ledger.reconcile().ok
        assert uow.outbox.pending(10) == []
        assert uow.orders.unconfirmed() == []
    assert differences(h) == {}


# operation → the books its venue side touches (ledger value, venue value at death)
GAPS = {
    "provider_deposit": {"pro": (D(10500), D(10000))},
    "provider_withdraw": {"pro": (D(9700), D(10000))},
    "become_provider": {"late": (D(400), ZERO)},
    "follow": {"fresh:pro": (D(800), ZERO)},
    "follow_as_provider": {"pp": (D(2300), D(3000)), "pp:pro": (D(700), ZERO)},
    "top_up": {"fol:pro": (D(1200), D(1000))},
    "withdraw": {"fol:pro": (D(900), D(1000))},
    "stop": {"fol:pro": (ZERO, D(1000))},
}


@pytest.mark.parametrize("operation", sorted(GAPS))
def test_a_kill_between_the_books_is_repaired_by_recovery(url: str, operation: str) -> None:
    kill_in_the_gap(url, operation)
    with running(url) as h:
        assert differences(h) == GAPS[operation]  # the kill came between the two books
        h.engine.recover()
        assert_healthy(h)
        with h.platform.uow() as uow:
            after = {m.key for m in _cash_moves(uow)}
        h.engine.recover()  # a second recovery moves nothing
        with h.platform.uow() as uow:
            assert {m.key for m in _cash_moves(uow)} == after
        assert_healthy(h)


def test_a_stop_killed_before_its_settlement_is_finished_by_recovery(url: str) -> None:
    with running(url) as h:
        h.trade(ProviderId("pro"), "buy", "0.04")
        h.tick(PERP.symbol, "55000")  # a gain, so the stop settles a share
    kill_in_the_gap(url, "stop_with_position")
    with running(url) as h:
        with h.platform.uow() as uow:
            rel = uow.relationships.get("fol:pro")
            assert not rel.state.mirrors_closes  # stopped ...
            assert len(uow.orders.unconfirmed()) == 1  # ... its close sent, unanswered
            assert uow.settlements.stopped_and_settled(["fol:pro"]) == set()
        h.engine.recover()
        assert_healthy(h)
        with h.platform.uow() as uow:
            assert uow.settlements.stopped_and_settled(["fol:pro"]) == {"fol:pro"}
            assert uow.ledger.transfer(release_on_stop_key("fol:pro")) is not None
            owed = uow.relationships.get("fol:pro").owed
            assert uow.ledger.balance(LedgerAccount.allocation_cash("fol:pro")) == owed
            assert uow.positions.for_book("fol:pro") == [] or all(
                p.position.is_flat for p in uow.positions.for_book("fol:pro")
            )


def _cash_moves(uow: SqlUnitOfWork) -> list[PaperCashMoveRow]:
    return list(uow.session.scalars(select(PaperCashMoveRow)))
