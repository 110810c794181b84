"""Orders: a lifecycle driven by venue events through one explicit transition table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from copytrade.domain.errors import InvalidTransitionError, InvalidValueError
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Instrument, Side, parse_side
from copytrade.domain.order_events import (
    Fill,
    Liquidity,
    OrderAccepted,
    OrderCancelled,
    OrderEvent,
    OrderFilled,
    OrderRejected,
)
from copytrade.domain.values import ZERO, Price, Quantity


class OrderStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"


_S = OrderStatus
_FILL_TARGETS = frozenset({_S.PARTIALLY_FILLED, _S.FILLED})

# The whole lifecycle: (status, event type) -> the statuses the event may lead to.
# A pair that is missing is refused. A fill leads to partially_filled or filled
# depending on what remains. A pair whose only target is its own status is a
# redelivered fact (a second ack, a second cancel): accepted as a no-op.
TRANSITIONS: Mapping[tuple[OrderStatus, type[OrderEvent]], frozenset[OrderStatus]] = (
    MappingProxyType(
        {
            (_S.NEW, OrderAccepted): frozenset({_S.ACCEPTED}),
            (_S.NEW, OrderFilled): _FILL_TARGETS,  # a fill may overtake its ack
            (_S.NEW, OrderCancelled): frozenset({_S.CANCELLED}),
            (_S.NEW, OrderRejected): frozenset({_S.REJECTED}),
            (_S.ACCEPTED, OrderAccepted): frozenset({_S.ACCEPTED}),
            (_S.ACCEPTED, OrderFilled): _FILL_TARGETS,
            (_S.ACCEPTED, OrderCancelled): frozenset({_S.CANCELLED}),
            (_S.PARTIALLY_FILLED, OrderAccepted): frozenset({_S.PARTIALLY_FILLED}),
            (_S.PARTIALLY_FILLED, OrderFilled): _FILL_TARGETS,
            (_S.PARTIALLY_FILLED, OrderCancelled): frozenset({_S.CANCELLED}),
            (_S.FILLED, OrderAccepted): frozenset({_S.FILLED}),
            (_S.CANCELLED, OrderCancelled): frozenset({_S.CANCELLED}),
            (_S.REJECTED, OrderRejected): frozenset({_S.REJECTED}),
        }
    )
)

TERMINAL_STATUSES = frozenset({_S.FILLED, _S.CANCELLED, _S.REJECTED})


@dataclass(slots=True, eq=False, kw_only=True)
class Order:
    """An order of one account on one instrument; identity is ``order_id``.

    State fields are not constructor arguments: they change only through
    ``apply``, so an order's history is exactly the events it was given.
    """

    order_id: OrderId
    client_order_id: ClientOrderId | None
    account: AccountId
    instrument: Instrument
    side: Side
    type: OrderType
    qty: Quantity
    created_at: datetime
    limit_price: Price | None = None
    status: OrderStatus = field(default=OrderStatus.NEW, init=False)
    filled_qty: Decimal = field(default=ZERO, init=False)
    fees: Decimal = field(default=ZERO, init=False)
    reason: str | None = field(default=None, init=False)  # why cancelled/rejected
    updated_at: datetime | None = field(default=None, init=False)
    _filled_cost: Decimal = field(default=ZERO, init=False, repr=False)
    _fill_ids: set[FillId] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.side, Side):
            self.side = parse_side(self.side)
        if not isinstance(self.type, OrderType):
            self.type = parse_order_type(self.type)
        self.qty = self.instrument.check_qty(self.qty)
        symbol = self.instrument.symbol
        if self.type is OrderType.LIMIT:
            if self.limit_price is None:
                raise InvalidValueError(f"limit order {self.order_id} on {symbol} needs a price")
            self.limit_price = Price(self.limit_price)
            if self.limit_price <= ZERO:
                raise InvalidValueError(
                    f"limit order {self.order_id} on {symbol} needs a positive price, "
                    f"got {self.limit_price}"
                )
        elif self.limit_price is not None:
            raise InvalidValueError(
                f"market order {self.order_id} on {symbol} must not carry a limit price "
                f"(got {self.limit_price}); use a limit order"
            )

    @property
    def remaining_qty(self) -> Decimal:
        return self.qty - self.filled_qty

    @property
    def is_terminal(self) -> bool:
        """Filled, cancelled or rejected: no event but a redelivery applies any more."""
        return self.status in TERMINAL_STATUSES

    @property
    def avg_fill_price(self) -> Decimal | None:
        """Quantity-weighted average of the fills' prices; None before the first fill."""
        return self._filled_cost / self.filled_qty if self.filled_qty else None

    @property
    def fill_ids(self) -> frozenset[FillId]:
        return frozenset(self._fill_ids)

    def apply(self, event: OrderEvent) -> bool:
        """Apply a venue event; True when the order changed, False for a redelivery.

        Raises InvalidTransitionError when the event is not allowed from the
        current status, and InvalidValueError for a fill that does not fit.
        """
        if isinstance(event, OrderFilled) and event.fill.fill_id in self._fill_ids:
            return False
        targets = TRANSITIONS.get((self.status, type(event)))
        if targets is None:
            raise InvalidTransitionError(
                f"order {self.order_id} is {self.status}: cannot apply "
                f"{type(event).__name__} (allowed from {self.status}: "
                f"{_allowed_events(self.status) or 'nothing'})"
            )
        if isinstance(event, OrderFilled):
            self._apply_fill(event.fill, targets)
            return True
        if targets == {self.status}:
            return False
        (self.status,) = targets
        self.reason = event.reason if isinstance(event, OrderCancelled | OrderRejected) else None
        self.updated_at = event.ts
        return True

    def _apply_fill(self, fill: Fill, targets: frozenset[OrderStatus]) -> None:
        self._check_fill_belongs(fill)
        if fill.qty > self.remaining_qty:
            raise InvalidValueError(
                f"fill {fill.fill_id} of {fill.qty} overfills order {self.order_id}: "
                f"only {self.remaining_qty} of {self.qty} remains"
            )
        filled = self.filled_qty + fill.qty
        target = OrderStatus.FILLED if filled == self.qty else OrderStatus.PARTIALLY_FILLED
        if target not in targets:  # unreachable with the table above; guards edits to it
            raise InvalidTransitionError(f"order {self.order_id}: {self.status} -> {target}")
        self.filled_qty = filled
        self._filled_cost += fill.notional
        self.fees += fill.fee
        self.status = target
        self.updated_at = fill.ts
        self._fill_ids.add(fill.fill_id)

    def _check_fill_belongs(self, fill: Fill) -> None:
        mine = (self.order_id, self.account, self.instrument.symbol, self.side)
        theirs = (fill.order_id, fill.account, fill.symbol, fill.side)
        if mine != theirs:
            raise InvalidValueError(
                f"fill {fill.fill_id} ({fill.order_id}, {fill.account}, {fill.symbol}, "
                f"{fill.side}) does not belong to order {self.order_id} ({self.account}, "
                f"{self.instrument.symbol}, {self.side})"
            )
        limit = self.limit_price
        if limit is not None and (fill.price - limit) * self.side.sign > ZERO:
            raise InvalidValueError(
                f"fill {fill.fill_id} at {fill.price} is worse than the {self.side} limit "
                f"{limit} of order {self.order_id}"
            )


def parse_order_type(value: object) -> OrderType:
    try:
        return OrderType(str(value).lower())
    except ValueError:
        raise InvalidValueError(f"order type must be 'market' or 'limit', got {value!r}") from None


def _allowed_events(status: OrderStatus) -> str:
    return ", ".join(event.__name__ for (src, event) in TRANSITIONS if src is status)


__all__ = [
    "TERMINAL_STATUSES",
    "TRANSITIONS",
    "Fill",
    "Liquidity",
    "Order",
    "OrderAccepted",
    "OrderCancelled",
    "OrderEvent",
    "OrderFilled",
    "OrderRejected",
    "OrderStatus",
    "OrderType",
    "parse_order_type",
]
