"""``post_many`` decides exactly as posting one by one would, with a handful of queries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.ledger_posting import PostStatus
from copytrade.adapters.db.schema import LedgerBalanceRow, LedgerEntryRow, LedgerTransferRow
from copytrade.domain.ids import AccountId, RelationshipId
from copytrade.domain.ledger import (
    IdempotencyConflictError,
    InsufficientFundsError,
    LedgerAccount,
    LedgerError,
    Transfer,
    TransferKind,
    movements,
    reversal_of,
)
from tests.unit.domain.ledger.support import ALICE, CASH, FREE, REL, at, usdt

from .conftest import ledger_on

USERS = (AccountId("u1"), AccountId("u2"))
RELS = (RelationshipId("r1"), RelationshipId("r2"))
OPS = ("deposit", "withdraw", "allocate", "release", "fee", "replay", "conflict", "reverse")
# Few, small amounts, so overdrafts (refusals) are frequent.
AMOUNTS = st.sampled_from(["0.00000001", "1", "2.5", "10", "40"])
STEPS = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 1), AMOUNTS, st.integers(0, 99)),
    max_size=30,
)


def build(steps: Sequence[tuple[str, int, str, int]]) -> list[Transfer]:
    """Transfers from drawn steps; replays, conflicts and reversals refer to earlier ones."""
    built: list[Transfer] = []
    for n, (op, who, amount, ref) in enumerate(steps):
        user, rel, money, stamp = USERS[who], RELS[who], usdt(amount), {"key": f"k{n}", "ts": at(n)}
        earlier = built[ref % len(built)] if built else None
        if op == "replay" and earlier is not None:
            key, kind, reverses = earlier.idempotency_key, earlier.kind, earlier.reverses
            built.append(Transfer(key, kind, earlier.entries, at(n), "retry", reverses))
        elif op == "conflict" and earlier is not None:
            built.append(movements.deposit(user, money, key=earlier.idempotency_key, ts=at(n)))
        elif op == "reverse" and earlier is not None and earlier.kind is not TransferKind.REVERSAL:
            built.append(reversal_of(earlier, **stamp))
        elif op == "withdraw":
            built.append(movements.withdraw(user, money, **stamp))
        elif op == "allocate":
            built.append(movements.allocate(user, rel, money, **stamp))
        elif op == "release":
            built.append(movements.release(rel, user, money, **stamp))
        elif op == "fee":
            cash = LedgerAccount.allocation_cash(rel)
            built.append(movements.trading_fee(cash, D(amount), **stamp))
        else:
            built.append(movements.deposit(user, money, **stamp))
    return built


Outcome = tuple[object, ...]


def one_by_one(session: Session, transfers: Sequence[Transfer]) -> list[Outcome]:
    ledger, outcomes = ledger_on(session), list[Outcome]()
    for transfer in transfers:
        try:
            result = ledger.post(transfer)
        except LedgerError as error:
            outcomes.append((PostStatus.REFUSED, type(error), str(error)))
            continue
        status = PostStatus.REPLAYED if result.replayed else PostStatus.POSTED
        outcomes.append((status, result.transfer))
    return outcomes


def in_one_batch(session: Session, transfers: Sequence[Transfer]) -> list[Outcome]:
    return [
        (o.status, type(o.error), str(o.error)) if o.error is not None else (o.status, o.transfer)
        for o in ledger_on(session).post_many(transfers)
    ]


def stored_state(session: Session) -> tuple[object, ...]:
    """Every balance, transfer and entry, in write order, without the generated ids."""
    balances = session.execute(select(LedgerBalanceRow).order_by(LedgerBalanceRow.account))
    transfers = session.execute(
        select(LedgerTransferRow.idempotency_key, LedgerTransferRow.kind, LedgerTransferRow.memo)
        .add_columns(LedgerTransferRow.reverses, LedgerTransferRow.ts)
        .order_by(LedgerTransferRow.id)
    )
    entries = session.execute(
        select(LedgerTransferRow.idempotency_key, LedgerEntryRow.account, LedgerEntryRow.amount)
        .join(LedgerTransferRow, LedgerTransferRow.id == LedgerEntryRow.transfer_id)
        .order_by(LedgerEntryRow.id)
    )
    return (
        [(b.account, b.kind, b.owner, b.currency, b.balance) for (b,) in balances],
        [tuple(row) for row in transfers],
        [tuple(row) for row in entries],
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS, split=st.integers(0, 30))
def test_post_many_leaves_the_same_state_as_posting_one_by_one(
    sessions: sessionmaker[Session], steps: list[tuple[str, int, str, int]], split: int
) -> None:
    """The first ``split`` transfers are posted beforehand, so the batch meets stored ones."""
    transfers = build(steps)
    before, batch = transfers[:split], transfers[split:]
    with sessions() as session:
        one_by_one(session, before)
        expected = one_by_one(session, batch), stored_state(session)
    with sessions() as session:
        one_by_one(session, before)
        got = in_one_batch(session, batch), stored_state(session)
        assert ledger_on(session).reconcile().ok
    assert got == expected


def test_a_batch_reports_each_outcome_and_writes_only_the_accepted(session: Session) -> None:
    batch = [
        movements.deposit(ALICE, usdt("100"), key="dep", ts=at(1)),
        movements.allocate(ALICE, REL, usdt("150"), key="too-much", ts=at(2)),  # 100 < 150
        movements.allocate(ALICE, REL, usdt("60"), key="alloc", ts=at(3)),  # 100 - 60 = 40
        movements.deposit(ALICE, usdt("100"), key="dep", ts=at(4)),  # same movement: replay
        movements.deposit(ALICE, usdt("5"), key="alloc", ts=at(5)),  # key reused: conflict
        movements.allocate(ALICE, REL, usdt("40"), key="too-much", ts=at(6)),  # 40 left: fits
    ]
    outcomes = ledger_on(session).post_many(batch)
    assert [o.status for o in outcomes] == [
        PostStatus.POSTED,
        PostStatus.REFUSED,
        PostStatus.POSTED,
        PostStatus.REPLAYED,
        PostStatus.REFUSED,
        PostStatus.POSTED,
    ]
    assert isinstance(outcomes[1].error, InsufficientFundsError)
    assert isinstance(outcomes[4].error, IdempotencyConflictError)
    assert outcomes[3].transfer.ts == at(1)  # the first deposit answers the replay
    ledger = ledger_on(session)
    assert (ledger.balance(FREE), ledger.balance(CASH)) == (D(0), D(100))  # 100 - 60 - 40
    assert [line.idempotency_key for line in ledger.entries_for(CASH)] == ["alloc", "too-much"]


@contextmanager
def counting_statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_copy_fan_out_of_thousands_takes_a_handful_of_statements(
    db_engine: Engine, session: Session
) -> None:
    followers = 2_000
    deposits = [
        movements.deposit(AccountId(f"f{i}"), usdt("100"), key=f"d{i}", ts=at(0))
        for i in range(followers)
    ]
    fees = [
        movements.trading_fee(
            LedgerAccount.follower_free(f"f{i}"), D("0.05"), key=f"fee{i}", ts=at(1)
        )
        for i in range(followers)
    ]
    ledger = ledger_on(session)
    ledger.post_many(deposits)
    with counting_statements(db_engine) as statements:
        outcomes = ledger.post_many(fees)
    assert all(o.status is PostStatus.POSTED for o in outcomes)
    # SAVEPOINT, keys, 2 chunks of locks, the new fees row, balances (one executemany),
    # transfers (one executemany), their ids, entries (one executemany), RELEASE: 10.
    assert len(statements) == 10, statements
    assert ledger.balance(LedgerAccount.trading_fees()) == D("0.05") * followers
    assert ledger.reconcile().ok
