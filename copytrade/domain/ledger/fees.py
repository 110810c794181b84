"""The ledger side of the alternatives to profit share (docs/fees.md)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.domain.ledger.movements import move, split_payment
from copytrade.domain.ledger.transfers import Transfer, TransferKind
from copytrade.domain.values import USDT, Currency


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
    payer = LedgerAccount.follower_free(follower, currency)
    kind = TransferKind.SUBSCRIPTION
    return split_payment(kind, payer, provider, provider_part, platform_part, key=key, ts=ts)


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


def live_commission(
    follower: str,
    amount: Decimal,
    *,
    fill_key: str,
    ts: datetime,
    currency: Currency = USDT,
) -> Transfer:
    """The commission on a live copy's fill, from the follower's platform balance: the
    platform cannot take it from the exchange account (docs/settlement.md, "Live
    relationships")."""
    source = LedgerAccount.follower_free(follower, currency)
    destination = LedgerAccount.platform_revenue(currency)
    return move(
        TransferKind.COMMISSION, source, destination, amount, key=commission_key(fill_key), ts=ts
    )
