"""What the copy pipeline plans for one provider fill: typed, immutable, storage-free.

The plan carries ids, sides and order types as their own types from the gate
to the venue and back (docs/engine.md, "The lean path"): the repositories map
these values to rows, the executor to venue requests, and nothing in between
turns them into strings and parses them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.copying.reasons import CopyDecision
from copytrade.domain.ids import (
    AccountId,
    ClientOrderId,
    FillId,
    FollowerId,
    ProviderId,
    RelationshipId,
)
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType


class CopyLeg(StrEnum):
    """Which part of a provider fill a copy mirrors: a flip is a close, then an open."""

    CLOSE = "close"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class CopyOrder:
    """A copy order the pipeline decided to send: recorded as an intent before it is sent."""

    client_order_id: ClientOrderId
    book: AccountId
    relationship_id: RelationshipId
    provider_id: ProviderId
    copy_of: FillId
    symbol: str
    side: Side
    qty: Decimal
    leverage: Decimal
    reduce_only: bool
    created_at: datetime
    type: OrderType = OrderType.MARKET


@dataclass(frozen=True, slots=True)
class PlannedDecision:
    """The gate's decision for one relationship and one leg of one provider fill."""

    provider_fill_id: FillId
    relationship_id: RelationshipId
    leg: CopyLeg
    follower_id: FollowerId
    provider_id: ProviderId
    symbol: str
    decision: CopyDecision
    client_order_id: ClientOrderId | None
    created_at: datetime
