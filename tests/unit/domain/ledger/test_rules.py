from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.ledger import (
    IdempotencyConflictError,
    InsufficientFundsError,
    ReversalError,
    Transfer,
    allocate,
    check_reversal,
    check_transfer,
    deposit,
    is_replay,
    reversal_of,
    trading_fee,
    withdraw,
)

from .support import ALICE, CASH, FEES, FREE, REL, TS, WORLD, at, usdt

D = Decimal


@pytest.mark.parametrize(
    ("transfer", "balances", "expected"),
    [
        # An empty book: the world may go to -100, the user is credited 100.
        (deposit(ALICE, usdt("100"), key="d", ts=TS), {}, {WORLD.key: D(-100), FREE.key: D(100)}),
        # 100 free, allocate 100: free 100 − 100 = 0 exactly is allowed.
        (
            allocate(ALICE, REL, usdt("100"), key="a", ts=TS),
            {FREE.key: D(100), WORLD.key: D(-100)},
            {FREE.key: D(0), CASH.key: D(100)},
        ),
        # A maker rebate takes the venue's fee account negative: it is a counterparty.
        (trading_fee(CASH, "-0.5", key="f", ts=TS), {}, {CASH.key: D("0.5"), FEES.key: D("-0.5")}),
    ],
)
def test_check_transfer_gives_the_touched_accounts_new_balances(
    transfer: Transfer, balances: dict[str, Decimal], expected: dict[str, Decimal]
) -> None:
    before = dict(balances)
    assert check_transfer(transfer, balances) == expected
    assert balances == before  # pure: the caller's mapping is untouched


def test_check_transfer_refuses_and_names_account_balance_and_amount() -> None:
    balances = {FREE.key: D(40), WORLD.key: D(-40)}
    with pytest.raises(InsufficientFundsError) as refused:
        check_transfer(withdraw(ALICE, usdt("50"), key="w", ts=TS), balances)
    error = refused.value
    assert (error.account, error.balance, error.amount) == (FREE, D(40), D(50))
    assert "follower_free:alice:USDT holds 40 USDT, which cannot cover 50 USDT" in str(error)
    assert balances == {FREE.key: D(40), WORLD.key: D(-40)}


def test_is_replay() -> None:
    first = deposit(ALICE, usdt("5"), key="d", ts=at(1))
    assert not is_replay(None, first)
    assert is_replay(first, deposit(ALICE, usdt("5"), key="d", ts=at(2)))
    with pytest.raises(IdempotencyConflictError, match="'d' was already used"):
        is_replay(first, deposit(ALICE, usdt("6"), key="d", ts=at(1)))


def test_check_reversal() -> None:
    original = deposit(ALICE, usdt("5"), key="d", ts=TS)
    other = deposit(ALICE, usdt("6"), key="e", ts=TS)
    undo = reversal_of(original, "undo-d", TS)
    assert undo.reverses == "d" and undo.movement == {WORLD.key: D(5), FREE.key: D(-5)}
    check_reversal(undo, original, None)  # accepted: no error
    with pytest.raises(ReversalError, match="never posted"):
        check_reversal(undo, None, None)
    with pytest.raises(ReversalError, match="already reversed by 'undo-1'"):
        check_reversal(undo, original, "undo-1")
    with pytest.raises(ReversalError, match="does not exactly undo"):
        check_reversal(undo, other, None)
    with pytest.raises(ReversalError, match="itself a reversal"):
        reversal_of(undo, "undo-undo", TS)
    with pytest.raises(ReversalError, match="itself a reversal"):
        check_reversal(reversal_of(other, "x", TS), undo, None)
