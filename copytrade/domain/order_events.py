"""Fills and the events that drive an order's lifecycle.

Events are immutable facts reported by a venue; an ``Order`` changes state only
by applying them (see ``copytrade.domain.orders.TRANSITIONS``), and a
``Position`` changes only by applying ``Fill``s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Side, parse_side
from copytrade.domain.values import ZERO, Price, Quantity, to_decimal


class Liquidity(StrEnum):
    """Whether a fill added liquidity (maker) or took it (taker): it sets the fee rate."""

    MAKER = "maker"
    TAKER = "taker"
    # A forced close by the venue at the maintenance margin; its fee is the liquidation
    # fee, paid to the insurance fund (docs/domain.md "Liquidation").
    LIQUIDATION = "liquidation"


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution: ``qty`` of ``symbol`` traded at ``price``, paying ``fee``.

    ``fee`` is in the instrument's quote currency and never negative (a maker
    rebate is booked by the ledger, not netted here), so a trade's fees are a
    plain sum. Every copy is triggered by one of these (docs/domain.md, Copying).
    """

    fill_id: FillId
    order_id: OrderId
    client_order_id: ClientOrderId | None
    account: AccountId
    symbol: str
    side: Side
    qty: Quantity
    price: Price
    fee: Decimal
    liquidity: Liquidity
    ts: datetime

    def __post_init__(self) -> None:
        # Normalise only what is not already the right type: fills are built on
        # the copy hot path, where the values usually come typed from a venue.
        if not isinstance(self.side, Side):
            object.__setattr__(self, "side", parse_side(self.side))
        if not isinstance(self.liquidity, Liquidity):
            object.__setattr__(self, "liquidity", _parse_liquidity(self.liquidity))
        if type(self.qty) is not Quantity:
            object.__setattr__(self, "qty", Quantity(self.qty))
        if type(self.price) is not Price:
            object.__setattr__(self, "price", Price(self.price))
        if not isinstance(self.fee, Decimal):
            object.__setattr__(self, "fee", to_decimal(self.fee, f"fill {self.fill_id} fee"))
        if self.qty <= ZERO or self.price <= ZERO:
            raise InvalidValueError(
                f"fill {self.fill_id} needs a positive quantity and price, "
                f"got qty={self.qty} price={self.price}"
            )
        if not self.fee.is_finite() or self.fee < ZERO:
            raise InvalidValueError(
                f"fill {self.fill_id} fee must be a finite amount of at least 0, got {self.fee}"
            )

    @property
    def notional(self) -> Decimal:
        """Quantity × price in the quote currency."""
        return self.qty * self.price

    @property
    def signed_qty(self) -> Decimal:
        """Quantity with the side's sign: a buy is positive, a sell negative."""
        return self.qty if self.side is Side.BUY else -self.qty


def _parse_liquidity(value: object) -> Liquidity:
    try:
        return Liquidity(str(value).lower())
    except ValueError:
        raise InvalidValueError(f"liquidity must be 'maker' or 'taker', got {value!r}") from None


@dataclass(frozen=True, slots=True)
class OrderAccepted:
    """The venue acknowledged the order; it rests or is about to fill."""

    ts: datetime


@dataclass(frozen=True, slots=True)
class OrderFilled:
    """Part or all of the order executed."""

    fill: Fill

    @property
    def ts(self) -> datetime:
        return self.fill.ts


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    """The order was withdrawn (by the user, by the venue, or expired); fills stay."""

    ts: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class OrderRejected:
    """The venue refused the order before it could fill anything."""

    ts: datetime
    reason: str


OrderEvent = OrderAccepted | OrderFilled | OrderCancelled | OrderRejected

__all__ = [
    "Fill",
    "Liquidity",
    "OrderAccepted",
    "OrderCancelled",
    "OrderEvent",
    "OrderFilled",
    "OrderRejected",
]
