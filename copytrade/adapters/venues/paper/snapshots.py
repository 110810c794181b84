"""Between the domain ``Order`` (its lifecycle) and the port's ``VenueOrder`` (its answer).

A stored order is brought back as an ``Order`` by replaying its events, so the
domain's transition table decides what may still happen to it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.paper.rules import Rejection, venue_order_id
from copytrade.adapters.venues.port import OrderRequest, VenueOrder, rejected_order
from copytrade.domain.ids import AccountId, FillId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import (
    Fill,
    Liquidity,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
)
from copytrade.domain.orders import Order, OrderStatus
from copytrade.domain.values import Price, Quantity


def rejected(request: OrderRequest, rejection: Rejection, now: datetime) -> VenueOrder:
    return rejected_order(
        request,
        venue_order_id(request.account, request.client_order_id),
        rejection.reason,
        rejection.message,
        now,
    )


def snapshot(
    order: Order, leverage: Decimal, reduce_only: bool, fills: tuple[Fill, ...]
) -> VenueOrder:
    """The answer for ``order`` as it stands (a trigger order's trigger is added by
    triggers.py)."""
    assert order.client_order_id is not None  # the venue only takes orders with one
    return VenueOrder(
        venue_order_id=order.order_id,
        client_order_id=order.client_order_id,
        account=order.account,
        symbol=order.instrument.symbol,
        side=order.side,
        type=order.type,
        qty=order.qty,
        limit_price=order.limit_price,
        leverage=leverage,
        reduce_only=reduce_only,
        status=order.status,
        filled_qty=order.filled_qty,
        avg_fill_price=order.avg_fill_price,
        fees=order.fees,
        reject_reason=None,
        reason=order.reason,
        created_at=order.created_at,
        updated_at=order.updated_at or order.created_at,
        fills=fills,
    )


def replay(stored: VenueOrder, instrument: Instrument) -> Order:
    """The domain order of a stored, not rejected, order: built and given its events again."""
    order = Order(
        order_id=stored.venue_order_id,
        client_order_id=stored.client_order_id,
        account=AccountId(stored.account),
        instrument=instrument,
        side=stored.side,
        type=stored.type,
        qty=Quantity(stored.qty),
        created_at=stored.created_at,
        limit_price=None if stored.limit_price is None else Price(stored.limit_price),
    )
    order.apply(OrderAccepted(stored.created_at))
    for fill in stored.fills:
        order.apply(OrderFilled(fill))
    if stored.status is OrderStatus.CANCELLED:
        order.apply(OrderCancelled(stored.updated_at, stored.reason or "cancelled"))
    return order


def next_fill(
    order: Order,
    previous: int,
    price: Decimal,
    liquidity: Liquidity,
    fee: Decimal,
    ts: datetime,
    qty: Decimal | None = None,
) -> Fill:
    """The order's fill number ``previous + 1``: of ``qty``, or of all that remains."""
    return Fill(
        fill_id=FillId(f"{order.order_id}-{previous + 1}"),
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        account=order.account,
        symbol=order.instrument.symbol,
        side=order.side,
        qty=Quantity(order.remaining_qty if qty is None else qty),
        price=Price(price),
        fee=fee,
        liquidity=liquidity,
        ts=ts,
    )
