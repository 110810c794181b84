"""What the copy pipeline plans for one provider fill: typed, immutable, storage-free.

The plan carries ids, sides and order types as their own types from the gate
to the venue and back (docs/engine.md, "The lean path"): the repositories map
these values to rows, the executor to venue requests, and nothing in between
turns them into strings and parses them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
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
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ONE


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
    margin_mode: MarginMode = MarginMode.ISOLATED
    # An opening copy on a live venue: an immediate-or-cancel limit at the follower's
    # tolerance price (``tolerance_price``); None for a market order.
    limit_price: Decimal | None = None


class OpeningOrders(StrEnum):
    """How a venue is sent opening copies (docs/venues.md, "Orders on a live exchange").

    ``market`` on the paper venue, which fills at the price in force after the gate
    checked it against the tolerance; ``tolerance_limit`` on a live book, where the
    price can move between the check and the fill: a limit at the follower's tolerance
    price, sent immediate-or-cancel, so that nothing fills beyond it.
    """

    MARKET = "market"
    TOLERANCE_LIMIT = "tolerance_limit"


def tolerance_price(side: Side, fill_price: Decimal, slippage: Decimal, tick: Decimal) -> Decimal:
    """The worst price a copy of ``fill_price`` may get: a buy up to ``fill_price`` ×
    (1 + slippage), a sell down to × (1 − slippage), ``slippage`` a fraction; rounded to
    the tick towards the fill price (never beyond the tolerance), and at least one tick."""
    if side is Side.BUY:
        return ((fill_price * (ONE + slippage)) / tick).to_integral_value(ROUND_FLOOR) * tick
    floor = ((fill_price * (ONE - slippage)) / tick).to_integral_value(ROUND_CEILING) * tick
    return max(floor, tick)


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
