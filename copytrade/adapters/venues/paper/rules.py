"""The paper exchange's rules for one order: validation, execution price, fees, margin.

Pure functions: no I/O and no clock, so each rule is tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.port import OrderRequest, RejectReason
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ClientOrderId, OrderId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.ledger.fills import locked_margin as perp_margin
from copytrade.domain.order_events import Liquidity
from copytrade.domain.orders import Order
from copytrade.domain.positions import Position
from copytrade.domain.reservations import Hold, order_hold
from copytrade.domain.values import ZERO, Price, round_down


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: RejectReason
    message: str


@dataclass(frozen=True, slots=True)
class Ticket:
    """A valid order and how it executes now: at ``price`` as ``liquidity``, or rests."""

    order: Order
    leverage: Decimal
    price: Decimal  # the fill price now, or the limit it rests at
    liquidity: Liquidity
    rests: bool


def venue_order_id(account: str, client_order_id: str) -> OrderId:
    """Deterministic: the same (account, client order id) is always the same order."""
    return OrderId(ClientOrderId.derive("po", account, client_order_id))


def check_request(
    request: OrderRequest,
    instrument: Instrument | None,
    price: Decimal | None,
    now: datetime,
) -> Ticket | Rejection:
    """Validate ``request`` against the instrument and the price in force (None: no price)."""
    if instrument is None:
        return Rejection(RejectReason.UNKNOWN_SYMBOL, f"unknown symbol {request.symbol!r}")
    try:
        qty = instrument.check_qty(request.qty)
    except InvalidValueError as exc:
        return Rejection(RejectReason.INVALID_QUANTITY, str(exc))
    try:
        leverage = instrument.cap_leverage(request.leverage)
    except InvalidValueError as exc:
        return Rejection(RejectReason.INVALID_LEVERAGE, f"{instrument.symbol}: {exc}")
    try:  # the domain order checks the limit price (present, positive, absent on market)
        order = Order(
            order_id=venue_order_id(request.account, request.client_order_id),
            client_order_id=request.client_order_id,
            account=AccountId(request.account),
            instrument=instrument,
            side=request.side,
            type=request.type,
            qty=qty,
            created_at=now,
            limit_price=None if request.limit_price is None else Price(request.limit_price),
        )
    except InvalidValueError as exc:
        return Rejection(RejectReason.INVALID_PRICE, str(exc))
    limit = order.limit_price
    if limit is not None and limit % instrument.tick:
        return Rejection(
            RejectReason.INVALID_PRICE,
            f"{instrument.symbol} limit price {limit} is not a multiple of the tick "
            f"{instrument.tick}",
        )
    if limit is None and price is None:
        return Rejection(
            RejectReason.NO_MARKET_PRICE,
            f"no price in force for {instrument.symbol}: a market order cannot fill",
        )
    rests = price is None or (limit is not None and not is_marketable(order.side, limit, price))
    fill_price = limit if rests else price
    assert fill_price is not None  # one of the two is set, by the checks above
    # Reduce-only orders are exempt, as on the big exchanges: a close must never be
    # blocked by minimums (docs/domain.md, Copying), or dust would stay behind forever.
    if not request.reduce_only and not instrument.meets_minimums(order.qty, fill_price):
        return Rejection(
            RejectReason.BELOW_MINIMUM,
            f"{instrument.symbol} order of {order.qty} at {fill_price} is below the minimum "
            f"(quantity {instrument.min_qty}, notional {instrument.min_notional})",
        )
    liquidity = Liquidity.MAKER if rests else Liquidity.TAKER
    # The margin tier of the order's notional may cap the leverage further.
    leverage = instrument.cap_leverage_for(leverage, order.qty * fill_price)
    return Ticket(order, leverage, fill_price, liquidity, rests)


def is_marketable(side: Side, limit: Decimal, price: Decimal) -> bool:
    """A buy limit at or above the price, or a sell limit at or below it, trades now."""
    return price <= limit if side is Side.BUY else price >= limit


def reduce_only_violation(position: Position | None, side: Side, qty: Decimal) -> str | None:
    """Why a reduce-only order would not only reduce ``position``; None when it would."""
    held = position.qty if position is not None else ZERO
    if held and (held > ZERO) != (side is Side.BUY) and qty <= abs(held):
        return None
    return f"reduce-only {side} of {qty} would increase the position of {held}"


def fee_for(instrument: Instrument, notional: Decimal, liquidity: Liquidity) -> Decimal:
    """Rate × notional, rounded down to the quote unit; a negative (rebate) rate charges 0.

    Rebates are not simulated: a fill's fee is never negative (order_events.Fill).
    """
    rate = instrument.maker_fee if liquidity is Liquidity.MAKER else instrument.taker_fee
    if rate <= ZERO:
        return ZERO
    return round_down(notional * rate, instrument.quote.unit)


def resting_hold(
    instrument: Instrument,
    side: Side,
    remaining: Decimal,
    limit: Decimal,
    leverage: Decimal,
    reduce_only: bool,
    position: Position | None,
) -> Hold:
    """What a resting order keeps in orders: ``order_hold`` with its maker fee at its
    limit, against the position it would close now (docs/venues.md "Funds in orders")."""
    fee = fee_for(instrument, remaining * limit, Liquidity.MAKER)
    held = position.qty if position is not None else ZERO
    return order_hold(
        instrument, side, remaining, limit, leverage, fee, held=held, reduce_only=reduce_only
    )


def locked_margin(position: Position) -> Decimal:
    """Cash a position keeps out of the account: spot its cost, perp cost / leverage.

    The perp margin is rounded up to the quote unit (the venue never lends a
    fraction); it is recomputed from the position each time, so what a close
    releases is exactly what the opens locked.
    """
    if position.instrument.is_spot:
        return position.entry_cost
    return perp_margin(position)


__all__ = [
    "Rejection",
    "Ticket",
    "check_request",
    "fee_for",
    "is_marketable",
    "locked_margin",
    "reduce_only_violation",
    "resting_hold",
    "venue_order_id",
]
