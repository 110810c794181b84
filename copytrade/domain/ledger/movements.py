"""Constructors for every movement of value the platform makes (docs/domain.md, The ledger).

Each returns a balanced ``Transfer``; none looks at balances, which is the job of
``check_transfer`` at posting time. Amounts must already be rounded to the
currency's precision (ROUND_DOWN where the platform charges, docs/domain.md).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger.accounts import (
    DEFAULT_VENUE,
    TRADING_KINDS,
    WORLD_OWNER,
    LedgerAccount,
    LedgerAccountKind,
)
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind
from copytrade.domain.values import USDT, ZERO, Currency, DecimalLike, Money, to_decimal

# Short names for the (kind, owner) pairs of the simple two-leg movements below.
_WORLD = (LedgerAccountKind.WORLD, WORLD_OWNER)
_FREE = LedgerAccountKind.FOLLOWER_FREE
_CASH = LedgerAccountKind.ALLOCATION_CASH
_EARNED = LedgerAccountKind.PROVIDER_EARNINGS


def _positive(amount: object, what: str) -> Decimal:
    value = to_decimal(amount, what)
    if value <= ZERO:
        raise InvalidValueError(f"{what} must be positive, got {value}")
    return value


def _trading(account: LedgerAccount, what: str) -> LedgerAccount:
    if account.kind not in TRADING_KINDS:
        raise InvalidValueError(
            f"{what} is booked on a trading balance (free balance or allocation cash), "
            f"not on {account}"
        )
    return account


def move(
    kind: TransferKind,
    source: LedgerAccount,
    destination: LedgerAccount,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    memo: str = "",
) -> Transfer:
    """The two-leg transfer every simple movement is: ``amount`` from source to destination."""
    value = _positive(amount, f"{kind} amount")
    entries = (Posting(source, -value), Posting(destination, value))
    return Transfer(key, kind, entries, ts, memo)


def _between(
    kind: TransferKind,
    source: tuple[LedgerAccountKind, str],
    destination: tuple[LedgerAccountKind, str],
    amount: Money,
    key: str,
    ts: datetime,
) -> Transfer:
    """``amount`` from one (kind, owner) balance to another, in the amount's currency."""
    giver = LedgerAccount(*source, amount.currency)
    taker = LedgerAccount(*destination, amount.currency)
    return move(kind, giver, taker, amount.amount, key=key, ts=ts)


def deposit(user: AccountId, amount: Money, *, key: str, ts: datetime) -> Transfer:
    """Money arrives from outside into the user's free balance."""
    return _between(TransferKind.DEPOSIT, _WORLD, (_FREE, user), amount, key, ts)


def withdraw(user: AccountId, amount: Money, *, key: str, ts: datetime) -> Transfer:
    """Money leaves the user's free balance for the outside world."""
    return _between(TransferKind.WITHDRAWAL, (_FREE, user), _WORLD, amount, key, ts)


def allocate(
    user: AccountId, relationship: RelationshipId, amount: Money, *, key: str, ts: datetime
) -> Transfer:
    """A follower moves free balance into a copy relationship (first allocation or top-up)."""
    return _between(TransferKind.ALLOCATE, (_FREE, user), (_CASH, relationship), amount, key, ts)


def release(
    relationship: RelationshipId, user: AccountId, amount: Money, *, key: str, ts: datetime
) -> Transfer:
    """Allocation cash goes back to the follower's free balance (withdrawal or stop)."""
    return _between(TransferKind.RELEASE, (_CASH, relationship), (_FREE, user), amount, key, ts)


def trading_fee(
    account: LedgerAccount, fee: DecimalLike, *, key: str, ts: datetime, venue: str = DEFAULT_VENUE
) -> Transfer:
    """A fill's fee: positive is paid to the venue, negative is a maker rebate from it."""
    value = to_decimal(fee, "trading fee")
    fees = LedgerAccount.trading_fees(venue, account.currency)
    entries = (Posting(_trading(account, "a trading fee"), -value), Posting(fees, value))
    return Transfer(key, TransferKind.FEE, entries, ts)


def realized_pnl(
    account: LedgerAccount, pnl: DecimalLike, *, key: str, ts: datetime, venue: str = DEFAULT_VENUE
) -> Transfer:
    """Realized PnL of a close: a gain comes from the market, a loss goes to it."""
    value = to_decimal(pnl, "realized pnl")
    market = LedgerAccount.market(venue, account.currency)
    entries = (Posting(_trading(account, "realized pnl"), value), Posting(market, -value))
    return Transfer(key, TransferKind.REALIZED_PNL, entries, ts)


def exchange(
    account: LedgerAccount,
    paid: Money,
    received: Money,
    *,
    key: str,
    ts: datetime,
    venue: str = DEFAULT_VENUE,
) -> Transfer:
    """A spot fill: ``paid`` goes to the market, ``received`` comes from it (e.g. USDT for BTC)."""
    if paid.currency.code == received.currency.code:
        raise InvalidValueError(f"an exchange swaps two currencies, got {paid} for {received}")
    _trading(account, "a spot exchange")
    give = _positive(paid.amount, "amount paid")
    get = _positive(received.amount, "amount received")
    entries = (
        Posting(account.in_currency(paid.currency), -give),
        Posting(LedgerAccount.market(venue, paid.currency), give),
        Posting(account.in_currency(received.currency), get),
        Posting(LedgerAccount.market(venue, received.currency), -get),
    )
    return Transfer(key, TransferKind.EXCHANGE, entries, ts)


def profit_share(
    relationship: RelationshipId,
    provider: ProviderId,
    provider_credit: DecimalLike,
    platform_fee: DecimalLike,
    *,
    key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """Settlement: the allocation pays gross = provider_credit + platform_fee (docs/domain.md,
    Profit share)."""
    payer = LedgerAccount.allocation_cash(relationship, currency)
    return split_payment(
        TransferKind.PROFIT_SHARE, payer, provider, provider_credit, platform_fee, key=key, ts=ts
    )


def split_payment(
    kind: TransferKind,
    payer: LedgerAccount,
    provider: ProviderId,
    provider_part: DecimalLike,
    platform_part: DecimalLike,
    *,
    key: str,
    ts: datetime,
) -> Transfer:
    """``payer`` pays a provider and the platform their parts, in the payer's currency.

    A zero part (a platform fee of 0 %) gets no posting, since postings are non-zero.
    """
    credit = to_decimal(provider_part, "provider part")
    fee = to_decimal(platform_part, "platform part")
    if credit < ZERO or fee < ZERO or credit + fee == ZERO:
        raise InvalidValueError(
            f"{kind} needs a provider part and platform part >= 0 with a positive "
            f"total, got {credit} and {fee}; when nothing is owed, post nothing"
        )
    currency = payer.currency
    parts = (
        (LedgerAccount.provider_earnings(provider, currency), credit),
        (LedgerAccount.platform_revenue(currency), fee),
    )
    paid = Posting(payer, -(credit + fee))
    entries = (paid, *(Posting(account, value) for account, value in parts if value != ZERO))
    return Transfer(key, kind, entries, ts)


def pay_out_earnings(
    provider: ProviderId, user: AccountId, amount: Money, *, key: str, ts: datetime
) -> Transfer:
    """A provider moves earned profit share into its free balance, to withdraw or trade."""
    return _between(TransferKind.PAYOUT, (_EARNED, provider), (_FREE, user), amount, key, ts)
