"""Ledger accounts: who holds a balance, in which currency, and whether it may go negative.

Balances inside the platform (users, relationships, provider, platform) are money
someone owns and must stay >= 0. The counterparty kinds stand for parties outside
the platform's books (the outside world, the venue's fee desk, the market); their
balance is minus what the platform's users have taken from or given to them, so it
may be negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger._enums import parse_enum
from copytrade.domain.values import USDT, Currency

WORLD_OWNER = "world"
PLATFORM_OWNER = "platform"
DEFAULT_VENUE = "paper"


class LedgerAccountKind(StrEnum):
    WORLD = "world"  # counterparty of deposits and withdrawals
    FOLLOWER_FREE = "follower_free"  # a user's free balance (followers and providers alike)
    ALLOCATION_CASH = "allocation_cash"  # the cash of one copy relationship's allocation
    PROVIDER_EARNINGS = "provider_earnings"  # profit share credited to a provider
    PLATFORM_REVENUE = "platform_revenue"  # the operator's fees
    TRADING_FEES = "trading_fees"  # fees collected (rebates paid) by a venue
    MARKET = "market"  # counterparty of realized PnL and of spot exchanges on a venue
    # A venue's insurance fund: takes liquidation fees, pays the shortfall of a loss
    # beyond what a book could lose (docs/domain.md "Liquidation").
    INSURANCE_FUND = "insurance_fund"
    # A follower's linked exchange account: the money of its live relationships'
    # allocations, outside the platform (docs/venues.md, "Followers on their own accounts").
    LIVE_ACCOUNT = "live_account"

    @property
    def may_go_negative(self) -> bool:
        return self in COUNTERPARTY_KINDS


COUNTERPARTY_KINDS = frozenset(
    {
        LedgerAccountKind.WORLD,
        LedgerAccountKind.TRADING_FEES,
        LedgerAccountKind.MARKET,
        LedgerAccountKind.INSURANCE_FUND,
        LedgerAccountKind.LIVE_ACCOUNT,
    }
)
# The balances that trade on a venue: they pay fees and book realized PnL.
TRADING_KINDS = frozenset({LedgerAccountKind.FOLLOWER_FREE, LedgerAccountKind.ALLOCATION_CASH})


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    """One balance: (kind, owner, currency). ``key`` is its stable storage name."""

    kind: LedgerAccountKind
    owner: str
    currency: Currency = USDT
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", parse_enum(LedgerAccountKind, self.kind, "account kind"))
        if not isinstance(self.owner, str) or not self.owner or self.owner != self.owner.strip():
            raise InvalidValueError(
                f"a {self.kind} account needs a non-empty owner id without surrounding "
                f"spaces, got {self.owner!r}"
            )
        if not isinstance(self.currency, Currency):
            raise InvalidValueError(
                f"a ledger account's currency must be a Currency, got {self.currency!r}"
            )
        # Computed once: balances are looked up by key on every posting.
        object.__setattr__(self, "key", f"{self.kind}:{self.owner}:{self.currency.code}")

    def __str__(self) -> str:
        return self.key

    def in_currency(self, currency: Currency) -> LedgerAccount:
        """The same holder's balance in another currency (spot assets, e.g. BTC)."""
        return LedgerAccount(self.kind, self.owner, currency)

    @classmethod
    def from_key(cls, key: str, currencies: Mapping[str, Currency]) -> LedgerAccount:
        """Parse ``kind:owner:CODE``; the owner may itself contain colons."""
        kind, _, rest = key.partition(":")
        owner, _, code = rest.rpartition(":")
        if not owner:
            raise InvalidValueError(f"ledger account key must be kind:owner:CURRENCY, got {key!r}")
        if code not in currencies:
            raise InvalidValueError(f"ledger account key {key!r} names unknown currency {code!r}")
        return cls(parse_enum(LedgerAccountKind, kind, "account kind"), owner, currencies[code])

    @classmethod
    def world(cls, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.WORLD, WORLD_OWNER, currency)

    @classmethod
    def follower_free(cls, user: str, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.FOLLOWER_FREE, user, currency)

    @classmethod
    def allocation_cash(cls, relationship: str, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.ALLOCATION_CASH, relationship, currency)

    @classmethod
    def provider_earnings(cls, provider: str, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.PROVIDER_EARNINGS, provider, currency)

    @classmethod
    def platform_revenue(cls, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.PLATFORM_REVENUE, PLATFORM_OWNER, currency)

    @classmethod
    def trading_fees(cls, venue: str = DEFAULT_VENUE, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.TRADING_FEES, venue, currency)

    @classmethod
    def live_account(cls, exchange_account: str, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.LIVE_ACCOUNT, exchange_account, currency)

    @classmethod
    def insurance_fund(cls, venue: str = DEFAULT_VENUE, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.INSURANCE_FUND, venue, currency)

    @classmethod
    def market(cls, venue: str = DEFAULT_VENUE, currency: Currency = USDT) -> LedgerAccount:
        return cls(LedgerAccountKind.MARKET, venue, currency)
