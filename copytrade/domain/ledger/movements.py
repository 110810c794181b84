"""Constructors for every movement of value the platform makes (SPEC §4).

Each returns a balanced ``Transfer``; none looks at balances, which is the job of
``check_transfer`` at posting time. Amounts must already be rounded to the
currency's precision (ROUND_DOWN where the platform charges, SPEC §1).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger.accounts import DEFAULT_VENUE, TRADING_KINDS, LedgerAccount
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind
from copytrade.domain.values import USDT, ZERO, Currency, DecimalLike, Money, to_decimal


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


def deposit(
    user: AccountId, amount: DecimalLike, *, key: str, ts: datetime, currency: Currency = USDT
) -> Transfer:
    """Money arrives from outside into the user's free balance."""
    source, destination = LedgerAccount.world(currency), LedgerAccount.follower_free(user, currency)
    return move(TransferKind.DEPOSIT, source, destination, amount, key=key, ts=ts)


def withdraw(
    user: AccountId, amount: DecimalLike, *, key: str, ts: datetime, currency: Currency = USDT
) -> Transfer:
    """Money leaves the user's free balance for the outside world."""
    source, destination = LedgerAccount.follower_free(user, currency), LedgerAccount.world(currency)
    return move(TransferKind.WITHDRAWAL, source, destination, amount, key=key, ts=ts)


def allocate(
    user: AccountId,
    relationship: RelationshipId,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """A follower moves free balance into a copy relationship (first allocation or top-up)."""
    source, destination = (
        LedgerAccount.follower_free(user, currency),
        LedgerAccount.allocation_cash(relationship, currency),
    )
    return move(TransferKind.ALLOCATE, source, destination, amount, key=key, ts=ts)


def release(
    relationship: RelationshipId,
    user: AccountId,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """Allocation cash goes back to the follower's free balance (withdrawal or stop)."""
    source, destination = (
        LedgerAccount.allocation_cash(relationship, currency),
        LedgerAccount.follower_free(user, currency),
    )
    return move(TransferKind.RELEASE, source, destination, amount, key=key, ts=ts)


def trading_fee(
    account: LedgerAccount,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    venue: str = DEFAULT_VENUE,
) -> Transfer:
    """A fill's fee: positive is paid to the venue, negative is a maker rebate from it."""
    value = to_decimal(amount, "trading fee")
    fees = LedgerAccount.trading_fees(venue, account.currency)
    entries = (Posting(_trading(account, "a trading fee"), -value), Posting(fees, value))
    return Transfer(key, TransferKind.FEE, entries, ts)


def realized_pnl(
    account: LedgerAccount,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    venue: str = DEFAULT_VENUE,
) -> Transfer:
    """Realized PnL of a close: a gain comes from the market, a loss goes to it."""
    value = to_decimal(amount, "realized pnl")
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
    """Settlement: the allocation pays gross = provider_credit + platform_fee (SPEC §7).

    A zero part (a platform fee of 0 %) gets no posting, since postings are non-zero.
    """
    credit = to_decimal(provider_credit, "provider credit")
    fee = to_decimal(platform_fee, "platform fee")
    if credit < ZERO or fee < ZERO or credit + fee == ZERO:
        raise InvalidValueError(
            f"profit share needs a provider credit and platform fee >= 0 with a positive "
            f"gross, got {credit} and {fee}; when nothing is owed, post nothing"
        )
    parts = (
        (LedgerAccount.provider_earnings(provider, currency), credit),
        (LedgerAccount.platform_revenue(currency), fee),
    )
    paid = Posting(LedgerAccount.allocation_cash(relationship, currency), -(credit + fee))
    entries = (paid, *(Posting(account, value) for account, value in parts if value != ZERO))
    return Transfer(key, TransferKind.PROFIT_SHARE, entries, ts)


def pay_out_earnings(
    provider: ProviderId,
    user: AccountId,
    amount: DecimalLike,
    *,
    key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """A provider moves earned profit share into its free balance, to withdraw or trade."""
    source, destination = (
        LedgerAccount.provider_earnings(provider, currency),
        LedgerAccount.follower_free(user, currency),
    )
    return move(TransferKind.PAYOUT, source, destination, amount, key=key, ts=ts)
