from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.ledger import (
    IdempotencyConflictError,
    InMemoryLedger,
    InsufficientFundsError,
    LedgerAccount,
    LedgerError,
    ReversalError,
    Transfer,
    allocate,
    deposit,
    profit_share,
    realized_pnl,
    release,
    reversal_of,
    trading_fee,
    withdraw,
)

from .support import (
    ALICE,
    CASH,
    EARNED,
    FEES,
    FREE,
    MARKET,
    PLATFORM,
    PROVIDER,
    REL,
    WORLD,
    at,
    usdt,
)

D = Decimal

# One copy relationship from first deposit to last withdrawal; each row is
# (transfer, balances expected right after it).
LIFECYCLE: list[tuple[Transfer, dict[LedgerAccount, Decimal]]] = [
    (deposit(ALICE, usdt("1000"), key="dep", ts=at(1)), {FREE: D(1000), WORLD: D(-1000)}),
    # 1000 − 600 = 400 free, 600 allocated.
    (allocate(ALICE, REL, usdt("600"), key="alloc", ts=at(2)), {FREE: D(400), CASH: D(600)}),
    # Taker fee 0.1 % × 600 = 0.6: cash 600 − 0.6 = 599.4.
    (trading_fee(CASH, "0.6", key="fee", ts=at(3)), {CASH: D("599.4"), FEES: D("0.6")}),
    # Realized gain 120: cash 599.4 + 120 = 719.4; the market gave 120.
    (realized_pnl(CASH, "120", key="pnl-1", ts=at(4)), {CASH: D("719.4"), MARKET: D(-120)}),
    # E 719.4 over HWM 600 at 10 %: gross 11.94 = 11.7012 provider + 0.2388 platform (2 %);
    # cash 719.4 − 11.94 = 707.46.
    (
        profit_share(REL, PROVIDER, "11.7012", "0.2388", key="settle-w1", ts=at(5)),
        {CASH: D("707.46"), EARNED: D("11.7012"), PLATFORM: D("0.2388")},
    ),
    # Realized loss 50: cash 707.46 − 50 = 657.46; the market −120 + 50 = −70.
    (realized_pnl(CASH, "-50", key="pnl-2", ts=at(6)), {CASH: D("657.46"), MARKET: D(-70)}),
    # Stop: all cash back, 400 + 657.46 = 1057.46 free.
    (release(REL, ALICE, usdt("657.46"), key="rel", ts=at(7)), {CASH: D(0), FREE: D("1057.46")}),
    # Withdraw everything: the world now holds −1000 + 1057.46 = 57.46, which is exactly
    # fees 0.6 + earnings 11.7012 + platform 0.2388 − market 70 with the sign flipped.
    (withdraw(ALICE, usdt("1057.46"), key="wd", ts=at(8)), {FREE: D(0), WORLD: D("57.46")}),
]


def ledger_with(transfers: list[Transfer]) -> InMemoryLedger:
    ledger = InMemoryLedger()
    for transfer in transfers:
        ledger.post(transfer)
    return ledger


@pytest.mark.parametrize("step", range(len(LIFECYCLE)))
def test_lifecycle_step(step: int) -> None:
    ledger = ledger_with([transfer for transfer, _ in LIFECYCLE[:step]])
    transfer, expected = LIFECYCLE[step]
    result = ledger.post(transfer)
    assert result.transfer == transfer and not result.replayed
    assert {account: ledger.balance(account) for account in expected} == expected
    assert ledger.sum_by_currency() == {"USDT": 0}


def test_statement_has_running_balances() -> None:
    ledger = ledger_with([transfer for transfer, _ in LIFECYCLE])
    lines = ledger.entries_for(CASH)
    assert [line.idempotency_key for line in lines] == [
        "alloc",
        "fee",
        "pnl-1",
        "settle-w1",
        "pnl-2",
        "rel",
    ]
    # 600, 600 − 0.6, + 120, − 11.94, − 50, − 657.46
    assert [line.balance_after for line in lines] == [
        D(600),
        D("599.4"),
        D("719.4"),
        D("707.46"),
        D("657.46"),
        D(0),
    ]
    assert sum(line.amount for line in lines) == ledger.balance(CASH)


FUNDED = [
    deposit(ALICE, usdt("100"), key="dep", ts=at(1)),
    allocate(ALICE, REL, usdt("60"), key="alloc", ts=at(2)),
]

REFUSED = [
    # Free balance 100 − 60 = 40 cannot cover 50.
    (withdraw(ALICE, usdt("50"), key="wd", ts=at(3)), InsufficientFundsError, "holds 40 USDT"),
    # Allocation cash 60 cannot pay a gross of 60.00000001.
    (
        profit_share(REL, PROVIDER, "60", "0.00000001", key="s", ts=at(3)),
        InsufficientFundsError,
        "allocation_cash:rel-1:USDT holds 60 USDT",
    ),
    # A different movement under a used key.
    (
        withdraw(ALICE, usdt("1"), key="dep", ts=at(3)),
        IdempotencyConflictError,
        "'dep' was already used",
    ),
    # Reversing the deposit would take 100 from a free balance of 40.
    (reversal_of(FUNDED[0], "undo-dep", at(3)), InsufficientFundsError, "holds 40 USDT"),
    # Reversing something never posted.
    (
        reversal_of(deposit(ALICE, usdt("1"), key="ghost", ts=at(0)), "undo-ghost", at(3)),
        ReversalError,
        "never posted",
    ),
]


@pytest.mark.parametrize(("transfer", "error", "message"), REFUSED)
def test_refusal_changes_nothing(
    transfer: Transfer, error: type[LedgerError], message: str
) -> None:
    ledger = ledger_with(FUNDED)
    before = (ledger.balances(), ledger.journal, ledger.entries_for(FREE))
    with pytest.raises(error, match=message):
        ledger.post(transfer)
    assert (ledger.balances(), ledger.journal, ledger.entries_for(FREE)) == before
    assert ledger.transfer(transfer.idempotency_key) in (None, FUNDED[0])


def test_replay_returns_the_first_result_and_moves_nothing() -> None:
    ledger = ledger_with(FUNDED)
    retried = deposit(ALICE, usdt("100"), key="dep", ts=at(9))  # a client retry, later clock
    result = ledger.post(retried)
    assert result.replayed and result.transfer is FUNDED[0]
    assert ledger.balance(FREE) == 40 and len(ledger.journal) == 2


def test_reversal_restores_balances_once() -> None:
    ledger = ledger_with(FUNDED)
    before = ledger.balances()
    ledger.post(trading_fee(CASH, "1.5", key="wrong-fee", ts=at(3)))
    assert ledger.balance(CASH) == D("58.5")
    undo = reversal_of(ledger.journal[-1], "undo-fee", at(4))
    assert not ledger.post(undo).replayed
    assert {
        key: value for key, value in ledger.balances().items() if value or key in before
    } == before
    assert ledger.post(undo).replayed  # same key again: a replay, nothing moves
    with pytest.raises(ReversalError, match="already reversed by 'undo-fee'"):
        ledger.post(reversal_of(ledger.journal[2], "undo-fee-again", at(5)))
    assert ledger.balance(CASH) == 60 and ledger.balance(FEES) == 0
