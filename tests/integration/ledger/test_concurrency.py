"""Concurrent writers on PostgreSQL: no lost update, no double post, no deadlock.

8 threads, each with its own sessions, move value between the same four
accounts 50 times at once (half post one transfer per commit, half in batches
of 10 through ``post_many``), all race to post the same deposit key, and all
create the same brand-new account at the same moment.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.engine import make_engine, make_session_factory
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.config import Settings
from copytrade.domain.ids import AccountId, RelationshipId
from copytrade.domain.ledger import LedgerAccount, Transfer, movements
from tests.unit.domain.ledger.support import at, usdt

from .conftest import ledger_on

pytestmark = pytest.mark.postgres

THREADS, MOVES, BATCH = 8, 50, 10
USERS = (AccountId("u0"), AccountId("u1"))
RELS = (RelationshipId("r0"), RelationshipId("r1"))
# 8 x 50 moves of at most 20 cannot drain 10,000: every planned move must post.
FUNDING = D(10_000)


@pytest.fixture
def pg_sessions(postgres_schema_url: str) -> Iterator[sessionmaker[Session]]:
    engine: Engine = make_engine(Settings(database_url=postgres_schema_url))
    upgrade_database(engine)
    yield make_session_factory(engine)
    engine.dispose()


def plan(thread: int) -> list[Transfer]:
    """Random allocations and releases between u0, u1, r0 and r1, reproducible per thread."""
    rng = random.Random(thread)
    moves = []
    for n in range(MOVES):
        user, rel = rng.choice(USERS), rng.choice(RELS)
        amount = usdt(str(D(rng.randint(1, 2_000)) / 100))
        stamp = {"key": f"t{thread}-{n}", "ts": at(n)}
        if rng.random() < 0.5:
            moves.append(movements.allocate(user, rel, amount, **stamp))
        else:
            moves.append(movements.release(rel, user, amount, **stamp))
    return moves


def run_together(work: Callable[[int], None]) -> None:
    """Start ``work(thread)`` on every thread at the same instant; re-raise any failure."""
    barrier, errors = threading.Barrier(THREADS), list[BaseException]()

    def main(thread: int) -> None:
        try:
            barrier.wait()
            work(thread)
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=main, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_concurrent_transfers_lose_no_update(pg_sessions: sessionmaker[Session]) -> None:
    with SqlUnitOfWork(pg_sessions) as uow:
        for i, user in enumerate(USERS):
            uow.ledger.post(movements.deposit(user, usdt("20000"), key=f"fund-{i}", ts=at(0)))
            uow.ledger.post(
                movements.allocate(user, RELS[i], usdt("10000"), key=f"al-{i}", ts=at(0))
            )
        uow.commit()

    def work(thread: int) -> None:
        with SqlUnitOfWork(pg_sessions) as uow:  # all race for one key
            uow.ledger.post(movements.deposit(USERS[0], usdt("7"), key="race", ts=at(thread)))
            uow.commit()
        newbie = AccountId("newbie")  # all create the same new account
        with SqlUnitOfWork(pg_sessions) as uow:
            uow.ledger.post(movements.deposit(newbie, usdt("1"), key=f"new-{thread}", ts=at(0)))
            uow.commit()
        moves = plan(thread)
        step = 1 if thread % 2 == 0 else BATCH
        for start in range(0, MOVES, step):
            with SqlUnitOfWork(pg_sessions) as uow:
                outcomes = uow.ledger.post_many(moves[start : start + step])
                uow.commit()
            assert all(o.error is None for o in outcomes), outcomes

    run_together(work)

    expected = {account.key: FUNDING for account in _accounts()}
    expected[LedgerAccount.follower_free(USERS[0]).key] += D(7)  # the race, posted once
    for transfer in (t for thread in range(THREADS) for t in plan(thread)):
        for posting in transfer.entries:
            expected[posting.account.key] += posting.amount
    with pg_sessions() as session:
        ledger = ledger_on(session)
        assert {a.key: ledger.balance(a) for a in _accounts()} == expected
        assert ledger.balance(LedgerAccount.follower_free(AccountId("newbie"))) == D(THREADS)
        assert ledger.balance(LedgerAccount.world()) == -(D(40_007) + THREADS)
        assert ledger.sum_by_currency() == {"USDT": D(0)}
        report = ledger.reconcile()
        assert report.ok, report  # balances = sums of entries, nothing negative
        assert len(ledger.entries_for(LedgerAccount.world())) == 2 + 1 + THREADS


def _accounts() -> list[LedgerAccount]:
    return [LedgerAccount.follower_free(u) for u in USERS] + [
        LedgerAccount.allocation_cash(r) for r in RELS
    ]
