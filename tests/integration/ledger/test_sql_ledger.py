"""The SQL ledger's worked examples, on SQLite and PostgreSQL (the ``db_engine`` fixture)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.instruments import InstrumentRepository
from copytrade.adapters.db.repositories.ledger import SqlLedger
from copytrade.adapters.db.repositories.ledger_posting import UnstorableTransferError
from copytrade.adapters.db.repositories.ledger_reconcile import BalanceMismatch
from copytrade.adapters.db.schema import LedgerBalanceRow, LedgerTransferRow, OutboxRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.ledger import (
    IdempotencyConflictError,
    InsufficientFundsError,
    LedgerAccount,
    ReversalError,
    Transfer,
    movements,
    reversal_of,
)
from copytrade.domain.values import Currency, Money
from tests.integration.engine.harness import PERP as BTC_PERP
from tests.unit.domain.ledger.support import (
    ALICE,
    CASH,
    FEES,
    FREE,
    MARKET,
    REL,
    WORLD,
    at,
    btc,
    usdt,
)

from .conftest import ledger_on

# deposit 1000 -> allocate 600 -> fee 0.6 -> pnl +120 -> release 719.4 -> withdraw 1119.4
STEPS = (
    movements.deposit(ALICE, usdt("1000"), key="dep", ts=at(1)),
    movements.allocate(ALICE, REL, usdt("600"), key="alloc", ts=at(2)),
    movements.trading_fee(CASH, D("0.6"), key="fee", ts=at(3)),
    movements.realized_pnl(CASH, D("120"), key="pnl", ts=at(4)),
    movements.release(REL, ALICE, usdt("719.4"), key="rel", ts=at(5)),
    movements.withdraw(ALICE, usdt("1119.4"), key="wd", ts=at(6)),
)
# Balances after each step:           world     free     cash     fees  market
EXPECTED = (
    (D("-1000"), D("1000"), D(0), D(0), D(0)),  # 0 - 1000; 0 + 1000
    (D("-1000"), D("400"), D("600"), D(0), D(0)),  # 1000 - 600
    (D("-1000"), D("400"), D("599.4"), D("0.6"), D(0)),  # 600 - 0.6
    (D("-1000"), D("400"), D("719.4"), D("0.6"), D("-120")),  # 599.4 + 120
    (D("-1000"), D("1119.4"), D(0), D("0.6"), D("-120")),  # 400 + 719.4
    (D("119.4"), D(0), D(0), D("0.6"), D("-120")),  # -1000 + 1119.4: the world gained 119.4
)
ACCOUNTS = (WORLD, FREE, CASH, FEES, MARKET)


def balances(ledger: SqlLedger) -> tuple[D, ...]:
    return tuple(ledger.balance(account) for account in ACCOUNTS)


def test_a_relationship_from_deposit_to_withdrawal_commits_step_by_step(
    sessions: sessionmaker[Session],
) -> None:
    for transfer, expected in zip(STEPS, EXPECTED, strict=True):
        with SqlUnitOfWork(sessions) as uow:
            result = uow.ledger.post(transfer)
            uow.commit()
        assert not result.replayed and result.transfer == transfer
        with sessions() as session:  # a fresh session sees what was committed
            ledger = ledger_on(session)
            assert balances(ledger) == expected
            assert ledger.sum_by_currency() == {"USDT": D(0)}
            assert ledger.reconcile().ok
    with sessions() as session:
        lines = ledger_on(session).entries_for(CASH)
    assert [(line.idempotency_key, line.amount, line.balance_after) for line in lines] == [
        ("alloc", D("600"), D("600")),
        ("fee", D("-0.6"), D("599.4")),
        ("pnl", D("120"), D("719.4")),
        ("rel", D("-719.4"), D(0)),
    ]


def test_a_refused_overdraft_writes_nothing_and_the_transaction_goes_on(
    sessions: sessionmaker[Session],
) -> None:
    with SqlUnitOfWork(sessions) as uow:
        uow.ledger.post(STEPS[0])  # free 1000
        uow.outbox.add("ledger", "m-1", {"key": "dep"}, at(1))
        overdraft = movements.allocate(ALICE, REL, usdt("1000.00000001"), key="big", ts=at(2))
        with pytest.raises(InsufficientFundsError, match=r"holds 1000 USDT.*1000\.00000001"):
            uow.ledger.post(overdraft)
        assert uow.ledger.transfer("big") is None
        assert uow.ledger.balance(CASH) == D(0)
        uow.ledger.post(STEPS[1])  # the same transaction is still usable
        uow.commit()
    with sessions() as session:
        ledger = ledger_on(session)
        assert balances(ledger) == EXPECTED[1]
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 1
        assert session.scalar(select(func.count()).select_from(LedgerTransferRow)) == 2
        # A refused transfer does not consume its key: retried once funded, it posts.
        # free 400 + 600.00000001 = 1000.00000001, just enough
        ledger.post(movements.deposit(ALICE, usdt("600.00000001"), key="top-up", ts=at(3)))
        assert not ledger.post(overdraft).replayed
        assert (ledger.balance(FREE), ledger.balance(CASH)) == (D(0), D("1600.00000001"))


def test_a_replay_returns_the_first_transfer_and_moves_nothing(session: Session) -> None:
    ledger = ledger_on(session)
    first = ledger.post(STEPS[0]).transfer
    retry = Transfer("dep", first.kind, tuple(reversed(first.entries)), at(99), "client retry")
    result = ledger.post(retry)
    assert result.replayed
    assert result.transfer.ts == at(1) and result.transfer.memo == ""
    assert ledger.balance(FREE) == D("1000")
    assert len(ledger.entries_for(FREE)) == 1


def test_reusing_a_key_for_another_movement_is_refused(session: Session) -> None:
    ledger = ledger_on(session)
    ledger.post(STEPS[0])
    other = movements.deposit(ALICE, usdt("1000.5"), key="dep", ts=at(1))
    with pytest.raises(IdempotencyConflictError, match="'dep' was already used"):
        ledger.post(other)
    assert ledger.balance(FREE) == D("1000")


def test_a_reversal_undoes_once_and_only_once(session: Session) -> None:
    ledger = ledger_on(session)
    for transfer in STEPS[:3]:
        ledger.post(transfer)
    undo_fee = reversal_of(STEPS[2], key="undo-fee", ts=at(10))
    ledger.post(undo_fee)
    assert ledger.balance(CASH) == D("600") and ledger.balance(FEES) == D(0)
    with pytest.raises(ReversalError, match="already reversed by 'undo-fee'"):
        ledger.post(reversal_of(STEPS[2], key="undo-fee-again", ts=at(11)))
    with pytest.raises(ReversalError, match="never posted"):
        ledger.post(reversal_of(STEPS[3], key="undo-pnl", ts=at(12)))
    # Undoing the deposit would take the free balance (400 left) to -600.
    with pytest.raises(InsufficientFundsError):
        ledger.post(reversal_of(STEPS[0], key="undo-dep", ts=at(13)))
    assert ledger.transfer("undo-fee") == undo_fee
    assert ledger.reconcile().ok


def test_spot_assets_round_trip_with_the_currency_map_from_instruments(session: Session) -> None:
    InstrumentRepository(session).save([BTC_PERP])  # base BTC: known at 8 decimals
    ledger = SqlLedger(session)
    assert ledger.currencies["BTC"] == Currency("BTC", 8)
    buy = movements.exchange(CASH, usdt("600"), btc("0.01"), key="buy", ts=at(2))
    with pytest.raises(InsufficientFundsError, match="allocation_cash:rel-1:USDT holds 0"):
        ledger.post(buy)  # nothing allocated yet
    ledger.post(movements.deposit(ALICE, usdt("600"), key="d", ts=at(0)))
    ledger.post(movements.allocate(ALICE, REL, usdt("600"), key="a", ts=at(1)))
    ledger.post(buy)
    assert ledger.transfer("buy") == buy
    assert ledger.balance(CASH.in_currency(btc("0").currency)) == D("0.01")
    assert ledger.sum_by_currency() == {"USDT": D(0), "BTC": D(0)}


def test_an_unknown_currency_is_refused_before_anything_is_written(session: Session) -> None:
    ledger = SqlLedger(session)  # no instruments: only USDT is known
    doge = Currency("DOGE", 8)
    deposit = movements.deposit(ALICE, Money(D(1), doge), key="d", ts=at(1))
    with pytest.raises(UnstorableTransferError, match="DOGE"):
        ledger.post(deposit)
    assert ledger.sum_by_currency() == {}


def test_reconcile_finds_a_balance_edited_behind_the_ledgers_back(session: Session) -> None:
    ledger = ledger_on(session)
    ledger.post(STEPS[0])
    session.execute(
        update(LedgerBalanceRow).where(LedgerBalanceRow.account == FREE.key).values(balance=D(-5))
    )
    report = ledger.reconcile()
    assert not report.ok
    assert report.mismatches == (BalanceMismatch(FREE.key, D(-5), D(1000)),)
    assert report.unbalanced == {"USDT": D(-1005)}
    assert report.negative == (FREE.key,)


def test_a_balance_beyond_what_storage_holds_is_refused_before_writing(session: Session) -> None:
    ledger = ledger_on(session)
    ledger.post(STEPS[0])
    nearly = -(D("1e20") - D(500))  # as if 10^5 maximal deposits had come in before
    session.execute(
        update(LedgerBalanceRow).where(LedgerBalanceRow.account == WORLD.key).values(balance=nearly)
    )
    with pytest.raises(UnstorableTransferError, match="below 100000000000000000000"):
        ledger.post(movements.deposit(ALICE, usdt("1000"), key="dep-2", ts=at(2)))
    assert (ledger.balance(WORLD), ledger.balance(FREE)) == (nearly, D(1000))
    assert ledger.transfer("dep-2") is None


def test_large_amounts_read_back_exactly_and_unknown_things_read_as_empty(
    session: Session,
) -> None:
    ledger = ledger_on(session)
    ledger.post(movements.deposit(ALICE, usdt("12345678901.12345678"), key="d", ts=at(1)))
    assert str(ledger.balance(FREE)) == "12345678901.12345678"
    assert ledger.balance(LedgerAccount.follower_free(ALICE, btc("1").currency)) == D(0)
    assert ledger.entries_for(CASH) == ()
    assert ledger.transfer("nope") is None
