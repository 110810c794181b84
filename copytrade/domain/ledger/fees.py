"""The ledger side of the alternatives to profit share (docs/fees.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.domain.ledger.movements import move
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind
from copytrade.domain.values import USDT, ZERO, Currency


def subscription(
    follower: AccountId,
    provider: ProviderId,
    provider_part: Decimal,
    platform_part: Decimal,
    *,
    key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """A period's subscription: the follower's free balance pays both parts."""
    if provider_part < ZERO or platform_part < ZERO or provider_part + platform_part == ZERO:
        raise InvalidValueError(
            f"a subscription needs parts >= 0 with a positive price, got {provider_part} "
            f"and {platform_part}"
        )
    parts = (
        (LedgerAccount.provider_earnings(provider, currency), provider_part),
        (LedgerAccount.platform_revenue(currency), platform_part),
    )
    paid = Posting(
        LedgerAccount.follower_free(follower, currency), -(provider_part + platform_part)
    )
    entries = (paid, *(Posting(account, value) for account, value in parts if value != ZERO))
    return Transfer(key, TransferKind.SUBSCRIPTION, entries, ts)


def commission_key(fill_key: str) -> str:
    return f"commission:{fill_key}"


def commission(
    relationship: RelationshipId,
    amount: Decimal,
    *,
    fill_key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """The platform's commission on one copied fill, from the relationship's cash."""
    source = LedgerAccount.allocation_cash(relationship, currency)
    destination = LedgerAccount.platform_revenue(currency)
    return move(
        TransferKind.COMMISSION, source, destination, amount, key=commission_key(fill_key), ts=ts
    )
