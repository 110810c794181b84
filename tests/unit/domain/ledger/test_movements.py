from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import (
    LedgerAccount,
    Transfer,
    TransferKind,
    allocate,
    deposit,
    exchange,
    pay_out_earnings,
    profit_share,
    realized_pnl,
    release,
    trading_fee,
    withdraw,
)

from .support import (
    ALICE,
    BOB,
    BTC,
    CASH,
    EARNED,
    FEES,
    FREE,
    MARKET,
    PLATFORM,
    PROVIDER,
    REL,
    STAMP,
    WORLD,
    btc,
    usdt,
)

K = STAMP
D = Decimal

WORKED = [
    (deposit(ALICE, usdt("1000"), **K), TransferKind.DEPOSIT, {WORLD: D(-1000), FREE: D(1000)}),
    (
        withdraw(ALICE, usdt("250.5"), **K),
        TransferKind.WITHDRAWAL,
        {FREE: D("-250.5"), WORLD: D("250.5")},
    ),
    (allocate(ALICE, REL, usdt("600"), **K), TransferKind.ALLOCATE, {FREE: D(-600), CASH: D(600)}),
    (release(REL, ALICE, usdt("100"), **K), TransferKind.RELEASE, {CASH: D(-100), FREE: D(100)}),
    # Taker fee 0.1 % on a 600 USDT fill: 600 × 0.001 = 0.6 to the venue.
    (trading_fee(CASH, "0.6", **K), TransferKind.FEE, {CASH: D("-0.6"), FEES: D("0.6")}),
    # Maker rebate -0.02 % on 600: the venue pays 600 × 0.0002 = 0.12 back.
    (trading_fee(CASH, "-0.12", **K), TransferKind.FEE, {CASH: D("0.12"), FEES: D("-0.12")}),
    # Long 1 BTC 60,000 → 60,120: gain 120 comes from the market.
    (realized_pnl(CASH, "120", **K), TransferKind.REALIZED_PNL, {CASH: D(120), MARKET: D(-120)}),
    # A provider's own loss of 50 on its free balance goes to the market.
    (realized_pnl(FREE, "-50", **K), TransferKind.REALIZED_PNL, {FREE: D(-50), MARKET: D(50)}),
    # Spot buy 0.1 BTC at 60,000: 0.1 × 60,000 = 6,000 USDT paid, 0.1 BTC received.
    (
        exchange(CASH, usdt("6000"), btc("0.1"), **K),
        TransferKind.EXCHANGE,
        {
            CASH: D(-6000),
            MARKET: D(6000),
            CASH.in_currency(BTC): D("0.1"),
            MARKET.in_currency(BTC): D("-0.1"),
        },
    ),
    # E = 719.4, HWM = 600, share 10 %: gross = 119.4 × 0.10 = 11.94;
    # platform 2 % of gross = 0.2388; provider = 11.94 − 0.2388 = 11.7012.
    (
        profit_share(REL, PROVIDER, "11.7012", "0.2388", **K),
        TransferKind.PROFIT_SHARE,
        {CASH: D("-11.94"), EARNED: D("11.7012"), PLATFORM: D("0.2388")},
    ),
    # Platform fee 0 %: no zero posting to the platform.
    (
        profit_share(REL, PROVIDER, "5", "0", **K),
        TransferKind.PROFIT_SHARE,
        {CASH: D(-5), EARNED: D(5)},
    ),
    (
        pay_out_earnings(PROVIDER, BOB, usdt("11.7012"), **K),
        TransferKind.PAYOUT,
        {EARNED: D("-11.7012"), LedgerAccount.follower_free(BOB): D("11.7012")},
    ),
]


@pytest.mark.parametrize(("transfer", "kind", "movement"), WORKED)
def test_movement_entries(
    transfer: Transfer, kind: TransferKind, movement: dict[LedgerAccount, Decimal]
) -> None:
    assert transfer.kind is kind
    assert transfer.movement == {account.key: amount for account, amount in movement.items()}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: deposit(ALICE, usdt("0"), **K), "must be positive"),
        (lambda: withdraw(ALICE, usdt("-5"), **K), "must be positive"),
        (lambda: deposit(ALICE, usdt("0.000000001"), **K), "more decimals than USDT"),
        (lambda: trading_fee(PLATFORM, "1", **K), "trading balance"),
        (lambda: realized_pnl(EARNED, "1", **K), "trading balance"),
        (lambda: realized_pnl(CASH, "0", **K), "non-zero amount"),
        (lambda: exchange(CASH, usdt("1"), usdt("1"), **K), "swaps two currencies"),
        (lambda: exchange(CASH, usdt("1"), btc("0"), **K), "must be positive"),
        (lambda: profit_share(REL, PROVIDER, "0", "0", **K), "post nothing"),
        (lambda: profit_share(REL, PROVIDER, "-1", "2", **K), ">= 0"),
    ],
)
def test_malformed_movements_are_refused(build: Callable[[], Transfer], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        build()
