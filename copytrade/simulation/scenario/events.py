"""The scenario's timestamped actions, as validated immutable values.

``index`` is the action's position in the file's ``events`` list (results and
messages refer to ``events[index]``). Follower actions carry the
``relationship`` id the loader assigned, so the runner never has to work out
which of a pair's relationships (a stopped one, a new one) an action means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.order_terms import PLAIN, OrderTerms
from copytrade.domain.copying.settings import CopySettings
from copytrade.domain.ids import (
    AccountId,
    ClientOrderId,
    FollowerId,
    ProviderId,
    RelationshipId,
)
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.domain.values import Price, Quantity


@dataclass(frozen=True, slots=True)
class ProviderOrder:
    """The provider places an order; its fills are what followers copy (docs/domain.md, Copying)."""

    at: datetime
    index: int
    provider: ProviderId
    client_order_id: ClientOrderId
    symbol: str
    side: Side
    qty: Quantity
    order_type: OrderType
    price: Price | None  # set exactly for limit orders
    leverage: Decimal  # 1 on spot
    reduce_only: bool
    terms: OrderTerms = PLAIN  # trigger, time in force, post-only


@dataclass(frozen=True, slots=True)
class _FollowerAction:
    at: datetime
    index: int
    follower: FollowerId
    provider: ProviderId
    relationship: RelationshipId


@dataclass(frozen=True, slots=True)
class Follow(_FollowerAction):
    """Start a relationship: move ``allocation`` from the follower's balance into it."""

    allocation: Decimal
    settings: CopySettings


@dataclass(frozen=True, slots=True)
class Pause(_FollowerAction):
    """No new openings; closes are still mirrored."""


@dataclass(frozen=True, slots=True)
class Resume(_FollowerAction):
    """Copy new openings again."""


@dataclass(frozen=True, slots=True)
class Stop(_FollowerAction):
    """Stop by the follower: close_on_stop decides the positions, then settle (docs/domain.md,
    Profit share)."""


@dataclass(frozen=True, slots=True)
class TopUp(_FollowerAction):
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Withdraw(_FollowerAction):
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ManualClose(_FollowerAction):
    """The follower closes its copied position by hand; it becomes detached."""

    symbol: str


@dataclass(frozen=True, slots=True)
class EditSettings(_FollowerAction):
    """The follower changes some copy settings, from the next copy on (docs/domain.md,
    "Editing copy settings"); ``changes`` are (setting, value) pairs."""

    changes: tuple[tuple[str, object], ...]


@dataclass(frozen=True, slots=True)
class Settle:
    """Settle profit share for every relationship that is not stopped."""

    at: datetime
    index: int


@dataclass(frozen=True, slots=True)
class ChargeSubscriptions:
    """Charge the subscription periods starting at ``at`` (a Monday or 1st, 00:00 UTC)."""

    at: datetime
    index: int


@dataclass(frozen=True, slots=True)
class Deposit:
    """Paper money from outside into a provider's or follower's free balance."""

    at: datetime
    index: int
    account: AccountId
    amount: Decimal


FollowerAction = Follow | Pause | Resume | Stop | TopUp | Withdraw | ManualClose | EditSettings


@dataclass(frozen=True, slots=True)
class Funding:
    """A perpetual's funding at a funding time: longs pay shorts ``rate`` × notional
    (shorts pay longs when negative; docs/domain.md "Funding")."""

    at: datetime
    index: int
    symbol: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class ProviderTriggers:
    """The provider sets, moves or (both None) cancels the stop-loss / take-profit prices
    of its open position; every copy mirrors them (docs/domain.md, "The provider's
    stop-loss and take-profit")."""

    at: datetime
    index: int
    provider: ProviderId
    symbol: str
    stop_loss: Price | None
    take_profit: Price | None


Event = (
    ProviderOrder
    | FollowerAction
    | Settle
    | ChargeSubscriptions
    | Deposit
    | Funding
    | ProviderTriggers
)
