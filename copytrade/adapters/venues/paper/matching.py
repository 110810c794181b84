"""Placing, filling and cancelling orders on an in-memory working set (no I/O).

The venue loads a ``WorkingSet`` for the accounts and orders a call touches,
runs these functions, and writes the result back in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.errors import OrderNotCancellableError, PermanentVenueError
from copytrade.adapters.venues.paper import depth, taking
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.rules import (
    Rejection,
    check_request,
    fee_for,
    is_marketable,
    reduce_only_violation,
    resting_hold,
)
from copytrade.adapters.venues.paper.snapshots import next_fill, rejected, replay, snapshot
from copytrade.adapters.venues.paper.taking import unaffordable
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.errors import InvalidTransitionError
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.order_events import (
    Fill,
    Liquidity,
    OrderCancelled,
    OrderFilled,
)
from copytrade.domain.orders import Order, OrderStatus

OrderKey = tuple[str, str]  # (account, client order id): unique at the venue


@dataclass(slots=True)
class WorkingSet:
    """What one venue call reads and changes; ``new_*``/``changed_*`` are what it writes."""

    instruments: Mapping[str, Instrument]
    prices: dict[str, Decimal]
    books: dict[str, AccountBook]  # by account
    known: dict[OrderKey, VenueOrder]
    new_orders: list[VenueOrder] = field(default_factory=list)
    changed_orders: list[VenueOrder] = field(default_factory=list)
    new_fills: list[Fill] = field(default_factory=list)
    # What takers took of each (symbol, side)'s depth in the price moment in force
    # (docs/venues.md "Depth"): a later order of the moment walks what is left.
    taken: dict[tuple[str, Side], Decimal] = field(default_factory=dict)
    changed_taken: set[str] = field(default_factory=set)

    def took(self, instrument: Instrument, side: Side, fills: tuple[Fill, ...]) -> None:
        """Remember what an order's taker fills took of a modelled book's depth."""
        if instrument.depth is None:
            return  # unlimited size at the mark: nothing to remember
        qty = sum((f.qty for f in fills if f.liquidity is Liquidity.TAKER), Decimal(0))
        if not qty:
            return
        key = (instrument.symbol, side)
        self.taken[key] = self.taken.get(key, Decimal(0)) + qty
        self.changed_taken.add(instrument.symbol)

    def book(self, account: str) -> AccountBook:
        book = self.books.get(account)
        if book is None:
            book = self.books[account] = AccountBook(AccountId(account))
        return book

    def instrument(self, symbol: str) -> Instrument:
        instrument = self.instruments.get(symbol)
        if instrument is None:
            raise PermanentVenueError(f"the paper venue no longer lists {symbol!r}")
        return instrument


def place(work: WorkingSet, request: OrderRequest, now: datetime) -> VenueOrder:
    """Place one order; an (account, client order id) seen before returns that order."""
    key = (request.account, request.client_order_id)
    existing = work.known.get(key)
    if existing is not None:
        return existing
    result = _execute(work, request, now)
    work.known[key] = result
    work.new_orders.append(result)
    work.new_fills.extend(result.fills)
    return result


def _execute(work: WorkingSet, request: OrderRequest, now: datetime) -> VenueOrder:
    instrument = work.instruments.get(request.symbol)
    ticket = check_request(request, instrument, work.prices.get(request.symbol), now)
    if isinstance(ticket, Rejection):
        return rejected(request, ticket, now)
    assert instrument is not None  # check_request rejects an unknown symbol
    order, book = ticket.order, work.book(request.account)
    position = book.positions.get(instrument.symbol)
    if request.reduce_only:
        why = reduce_only_violation(position, order.side, order.qty)
        if why is not None:
            return rejected(request, Rejection(RejectReason.REDUCE_ONLY_WOULD_INCREASE, why), now)
    taken = work.taken.get((instrument.symbol, order.side), Decimal(0))
    result = taking.execute(request, ticket, instrument, book, work.prices, now, taken)
    work.took(instrument, order.side, result.fills)
    return result


def crossed(resting: list[VenueOrder], price: Decimal) -> list[VenueOrder]:
    """The resting limit orders that ``price`` makes marketable, in the given order."""
    return [
        o
        for o in resting
        if o.limit_price is not None and is_marketable(o.side, o.limit_price, price)
    ]


def fill_resting(
    work: WorkingSet, crossed: list[VenueOrder], symbol: str, price: Decimal, ts: datetime
) -> None:
    """A new price in force: fill the ``crossed`` orders as maker at their limit price.

    Oldest first, each as much as the depth model leaves (paper/depth.py). An order
    that can no longer be afforded (or would no longer
    only reduce) is cancelled with the reason, as an exchange would expire it.
    """
    work.prices[symbol] = price
    capacity = depth.resting_capacity(work.instrument(symbol).depth)  # None: unlimited
    for stored in crossed:
        assert stored.limit_price is not None  # only limit orders rest
        instrument = work.instrument(symbol)
        order, book = replay(stored, instrument), work.book(stored.account)
        qty = order.remaining_qty if capacity is None else min(order.remaining_qty, capacity)
        if not qty:
            continue  # the crossing price's depth is used up: it rests on
        fill = next_fill(
            order,
            len(stored.fills),
            stored.limit_price,
            Liquidity.MAKER,
            fee_for(instrument, qty * stored.limit_price, Liquidity.MAKER),
            ts,
            qty,
        )
        why = None
        if stored.reduce_only:
            why = reduce_only_violation(book.positions.get(symbol), order.side, qty)
        # Its own hold pays for its fill (docs/venues.md "Funds in orders").
        book.release(str(stored.venue_order_id))
        if why is None and not book.settle(instrument, fill, stored.leverage, work.prices):
            why = unaffordable(book, instrument, fill, work.prices)
        fills = stored.fills
        if why is None:
            capacity = None if capacity is None else capacity - qty
            order.apply(OrderFilled(fill))
            fills += (fill,)
            work.new_fills.append(fill)
            _hold_rest(book, instrument, stored, order)
        else:
            order.apply(OrderCancelled(ts, why))
        _changed(work, snapshot(order, stored.leverage, stored.reduce_only, fills))


def _hold_rest(book: AccountBook, instrument: Instrument, stored: VenueOrder, order: Order) -> None:
    """A partly filled resting order keeps the hold of what is left of it."""
    if order.remaining_qty and stored.limit_price is not None:
        book.reserve(
            str(stored.venue_order_id),
            instrument,
            resting_hold(
                instrument,
                order.side,
                order.remaining_qty,
                stored.limit_price,
                stored.leverage,
                stored.reduce_only,
                book.positions.get(instrument.symbol),
            ),
        )


def cancel(work: WorkingSet, stored: VenueOrder, now: datetime) -> VenueOrder:
    """Cancel a resting order; cancelling a cancelled one again returns it unchanged."""
    if stored.status is OrderStatus.REJECTED:
        raise OrderNotCancellableError(_not_cancellable(stored))
    order: Order = replay(stored, work.instrument(stored.symbol))
    try:
        if not order.apply(OrderCancelled(now, "cancelled on request")):
            return stored
    except InvalidTransitionError:
        raise OrderNotCancellableError(_not_cancellable(stored)) from None
    return _changed(work, snapshot(order, stored.leverage, stored.reduce_only, stored.fills))


def _not_cancellable(stored: VenueOrder) -> str:
    return (
        f"order {stored.client_order_id} of {stored.account} is {stored.status}: "
        "there is nothing left to cancel"
    )


def _changed(work: WorkingSet, order: VenueOrder) -> VenueOrder:
    work.changed_orders.append(order)
    work.known[(order.account, order.client_order_id)] = order
    return order
