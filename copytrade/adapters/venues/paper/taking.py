"""An order that passed its checks meets the book: post-only, time in force, and the
parts it takes from the depth model (docs/venues.md "Matching", "Depth", "Order terms").

No I/O: it changes the account's ``AccountBook`` in memory and answers the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.order_terms import TimeInForce
from copytrade.adapters.venues.paper import depth
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.rules import Rejection, Ticket, fee_for, resting_hold
from copytrade.adapters.venues.paper.snapshots import next_fill, rejected, snapshot
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.order_events import (
    Fill,
    Liquidity,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
)
from copytrade.domain.orders import OrderType
from copytrade.domain.reservations import Hold
from copytrade.domain.values import ZERO


def execute(
    request: OrderRequest,
    ticket: Ticket,
    instrument: Instrument,
    book: AccountBook,
    prices: Mapping[str, Decimal],
    now: datetime,
    taken: Decimal = Decimal(0),
) -> VenueOrder:
    """Take what the book offers now (as taker) beyond what earlier orders of this price
    moment ``taken`` from its side, then rest, cancel or reject the rest."""
    order = ticket.order
    if request.post_only and not ticket.rests:
        return rejected(
            request,
            Rejection(
                RejectReason.POST_ONLY_WOULD_TAKE,
                f"post-only {order.side} limit at {order.limit_price} would take at "
                f"{ticket.price}, the price in force",
            ),
            now,
        )
    parts = (
        []
        if ticket.rests
        else depth.take(
            instrument.depth, order.side, order.qty, ticket.price, order.limit_price, taken
        )
    )
    available = sum((qty for qty, _ in parts), Decimal(0))
    if request.time_in_force is TimeInForce.FOK and available < order.qty:
        return _cancelled(
            request,
            ticket,
            now,
            f"fill-or-kill: only {available} of {order.qty} can fill now",
        )
    fills: list[Fill] = []
    for qty, price in parts:
        fee = fee_for(instrument, qty * price, Liquidity.TAKER)
        fill = next_fill(order, len(fills), price, Liquidity.TAKER, fee, now, qty)
        if not book.settle(
            instrument, fill, ticket.leverage, prices, margin_mode=request.margin_mode
        ):
            why = unaffordable(book, instrument, fill, prices)
            if not fills:
                return rejected(request, Rejection(RejectReason.INSUFFICIENT_BALANCE, why), now)
            return _stop(request, ticket, fills, now, why)
        order.apply(OrderFilled(fill))
        fills.append(fill)
    if not order.remaining_qty:
        return snapshot(order, ticket.leverage, request.reduce_only, tuple(fills))
    if order.type is OrderType.MARKET or request.time_in_force is TimeInForce.IOC:
        what = "immediate-or-cancel" if order.type is OrderType.LIMIT else "market order"
        return _stop(
            request,
            ticket,
            fills,
            now,
            f"{what}: {order.remaining_qty} of {order.qty} found no depth at an acceptable price",
        )
    return _rest(request, ticket, instrument, book, prices, fills, now)


def _rest(
    request: OrderRequest,
    ticket: Ticket,
    instrument: Instrument,
    book: AccountBook,
    prices: Mapping[str, Decimal],
    fills: list[Fill],
    now: datetime,
) -> VenueOrder:
    """The unfilled part of a good-till-cancelled limit order rests at its limit, if the
    account could afford it there (a dry run) and its hold fits in the available
    balance; the hold is then kept in orders (docs/venues.md "Funds in orders")."""
    order = ticket.order
    assert order.limit_price is not None  # only limit orders rest
    fee = fee_for(instrument, order.remaining_qty * order.limit_price, Liquidity.MAKER)
    fill = next_fill(order, len(fills), order.limit_price, Liquidity.MAKER, fee, now)
    hold = resting_hold(
        instrument,
        order.side,
        order.remaining_qty,
        order.limit_price,
        ticket.leverage,
        request.reduce_only,
        book.positions.get(instrument.symbol),
    )
    why = None
    if not book.settle(
        instrument, fill, ticket.leverage, prices, dry_run=True, margin_mode=request.margin_mode
    ):
        why = unaffordable(book, instrument, fill, prices)
    else:
        why = hold_refusal(book, instrument, hold, prices)
    if why is not None:
        if not fills:
            return rejected(request, Rejection(RejectReason.INSUFFICIENT_BALANCE, why), now)
        return _stop(request, ticket, fills, now, why)
    book.reserve(str(order.order_id), instrument, hold)
    order.apply(OrderAccepted(now))
    return snapshot(order, ticket.leverage, request.reduce_only, tuple(fills))


def _stop(
    request: OrderRequest, ticket: Ticket, fills: list[Fill], now: datetime, why: str
) -> VenueOrder:
    """What filled stands; the rest is cancelled with ``why``."""
    ticket.order.apply(OrderCancelled(now, why))
    return snapshot(ticket.order, ticket.leverage, request.reduce_only, tuple(fills))


def _cancelled(request: OrderRequest, ticket: Ticket, now: datetime, why: str) -> VenueOrder:
    ticket.order.apply(OrderAccepted(now))
    return _stop(request, ticket, [], now, why)


def unaffordable(
    book: AccountBook, instrument: Instrument, fill: Fill, prices: Mapping[str, Decimal]
) -> str:
    what = f"{fill.side} {fill.qty} {instrument.symbol} at {fill.price}"
    if instrument.is_spot and fill.side is Side.SELL:
        position = book.positions.get(instrument.symbol)
        held = position.qty if position is not None else 0
        locked = book.held_base.get(instrument.symbol)
        in_orders = f" ({_plain(locked)} in orders)" if locked else ""
        return f"cannot {what}: {book.account} holds only {held} {instrument.base}{in_orders}"
    free = book.free_cash(instrument.quote.code, prices)
    quote_held = book.held.get(instrument.quote.code)
    in_orders = f" ({_plain(quote_held)} in orders)" if quote_held else ""
    return (
        f"cannot {what} (fee {fill.fee}): free cash of {book.account} is {free} "
        f"{instrument.quote}{in_orders}"
    )


def hold_refusal(
    book: AccountBook, instrument: Instrument, hold: Hold, prices: Mapping[str, Decimal]
) -> str | None:
    """Why ``hold`` does not fit in what the account has available; None when it fits."""
    if hold.base:
        free = book.free_base(instrument.symbol)
        if hold.base > free:
            return (
                f"cannot keep {_plain(hold.base)} {instrument.base} in orders: {book.account} has "
                f"{_plain(free)} {instrument.base} available "
                f"({_plain(book.held_base.get(instrument.symbol, ZERO))} already in orders)"
            )
        return None
    currency = instrument.quote.code
    available = book.free_cash(currency, prices)
    if hold.quote > available:
        return (
            f"cannot keep {_plain(hold.quote)} {currency} in orders: available balance of "
            f"{book.account} is {_plain(available)} {currency} "
            f"({_plain(book.held.get(currency, ZERO))} already in orders)"
        )
    return None


def _plain(amount: Decimal) -> str:
    """An amount without the trailing zeros a NUMERIC column reads back with."""
    return f"{amount.normalize():f}"


__all__ = ["execute", "hold_refusal", "unaffordable"]
