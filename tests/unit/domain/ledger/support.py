"""Names shared by the ledger tests: a fixed clock, currencies, ids, Money builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, Currency, Money

TS = datetime(2024, 1, 1, tzinfo=UTC)


class Stamp(TypedDict):
    """The idempotency key and time every movement constructor takes."""

    key: str
    ts: datetime


STAMP = Stamp(key="k", ts=TS)
BTC = Currency("BTC", 8)

ALICE = AccountId("alice")
BOB = AccountId("bob")
REL = RelationshipId("rel-1")
PROVIDER = ProviderId("prov-1")

WORLD = LedgerAccount.world()
FREE = LedgerAccount.follower_free(ALICE)
CASH = LedgerAccount.allocation_cash(REL)
EARNED = LedgerAccount.provider_earnings(PROVIDER)
PLATFORM = LedgerAccount.platform_revenue()
FEES = LedgerAccount.trading_fees()
MARKET = LedgerAccount.market()


def usdt(amount: str) -> Money:
    return Money(Decimal(amount), USDT)


def btc(amount: str) -> Money:
    return Money(Decimal(amount), BTC)


def at(step: int) -> datetime:
    """A distinct, ordered timestamp for the n-th transfer of a test."""
    return TS + timedelta(seconds=step)
