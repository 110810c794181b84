"""A provider's order and its copies executed as one block (docs/venues.md "Block
execution"). No I/O: it changes the working set in memory and answers every order.

The block's orders (the provider's first) are checked one by one as ``place`` checks
them; those refused are answered rejected and stay out. The rest walk the book once, for
their total, from where earlier takers of the price moment left it; the filled quantity
is shared pro rata by what each asked (``domain/block/allocation.py``) at one price, the
walk's volume-weighted average rounded to the tick. An order whose limit that price
breaks, or whose account cannot settle its share, leaves the block, and the others walk
again without it (so nothing it would have taken is lost). Each share is one taker fill;
what an order was not allotted is cancelled, as a market order's unfilled rest is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.paper.matching import WorkingSet
from copytrade.adapters.venues.paper.rules import (
    Rejection,
    Ticket,
    check_request,
    fee_for,
    reduce_only_violation,
    venue_order_id,
)
from copytrade.adapters.venues.paper.snapshots import next_fill, rejected, snapshot
from copytrade.adapters.venues.paper.taking import unaffordable
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.block.allocation import Allocation, BlockFill, allocate
from copytrade.domain.block.walk import limit_allows, walk
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import FillId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import (
    Fill,
    Liquidity,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
)


def block_fill_id(account: str, client_order_id: str) -> FillId:
    """The one fill a block gives an order (its first): known before the block is placed,
    so the copies of the provider's share are recorded against it beforehand."""
    return FillId(f"{venue_order_id(account, client_order_id)}-1")


# Why an order left the block: a refusal (answered rejected) or a reason it is cancelled.
Leaving = Rejection | str
_NO_HEAD = Rejection(
    RejectReason.BLOCK_WITHOUT_PROVIDER,
    "the provider's order has no share of the block: there is no fill to copy",
)


@dataclass(slots=True)
class _Member:
    request: OrderRequest
    ticket: Ticket

    @property
    def key(self) -> str:
        return str(self.request.client_order_id)


def place_block(
    work: WorkingSet, requests: Sequence[OrderRequest], now: datetime
) -> list[VenueOrder]:
    """Answers in the requests' order; orders the venue has seen are answered as stored
    (a block re-sent after a crash is placed once: it is one venue transaction)."""
    if not requests:
        return []
    head = requests[0]
    if any(r.symbol != head.symbol or r.side is not head.side for r in requests):
        raise InvalidValueError("a block's orders are of one symbol and one side")
    answers: dict[str, VenueOrder] = {}
    members: list[_Member] = []
    for request in requests:
        known = work.known.get((request.account, request.client_order_id))
        if known is not None:
            answers[str(request.client_order_id)] = known
            continue
        ticket = _checked(work, request, now)
        if isinstance(ticket, VenueOrder):
            answers[str(request.client_order_id)] = ticket
        else:
            members.append(_Member(request, ticket))
    instrument = work.instrument(head.symbol)
    left_out: dict[str, Leaving] = {}
    block = _allot(work, instrument, members, left_out, str(head.client_order_id))
    fills: list[Fill] = []
    for member in members:
        answer = _answer(work, instrument, member, block, left_out, now)
        answers[member.key] = answer
        fills.extend(answer.fills)
    work.took(instrument, head.side, tuple(fills))
    result = [answers[str(r.client_order_id)] for r in requests]
    for answer in result:
        key = (answer.account, answer.client_order_id)
        if key not in work.known:
            work.known[key] = answer
            work.new_orders.append(answer)
            work.new_fills.extend(answer.fills)
    return result


def place_share(
    work: WorkingSet, request: OrderRequest, price: Decimal, now: datetime
) -> VenueOrder:
    """A what-if's replay of a recorded block (docs/whatif.md, "A shared, depleting
    book"): the order is a copy that joined the block, and takes its whole quantity as
    one taker share at the block's one ``price``, checked and settled as a block's
    member is; what it takes counts as taken from the moment's depth."""
    key = (request.account, request.client_order_id)
    known = work.known.get(key)
    if known is not None:
        return known
    ticket = _checked(work, request, now)
    if isinstance(ticket, VenueOrder):
        answer = ticket
    else:
        instrument = work.instrument(request.symbol)
        member = _Member(request, ticket)
        qty = ticket.order.qty
        fee = fee_for(instrument, qty * price, Liquidity.TAKER)
        share = Allocation(member.key, qty, price, fee)
        one = BlockFill(((qty, price),), price, (share,), Decimal(0))
        why = _cannot_take(work, instrument, member, one)
        left_out: dict[str, Leaving] = {} if why is None else {member.key: why}
        answer = _answer(work, instrument, member, one, left_out, now)
        work.took(instrument, ticket.order.side, answer.fills)
    work.known[key] = answer
    work.new_orders.append(answer)
    work.new_fills.extend(answer.fills)
    return answer


def _checked(work: WorkingSet, request: OrderRequest, now: datetime) -> Ticket | VenueOrder:
    """The order's ticket, or its rejection (the checks ``place`` makes)."""
    if request.trigger is not None or request.post_only:
        why = "a block takes market and marketable limit orders, never a trigger or post-only"
        return rejected(request, Rejection(RejectReason.INVALID_PRICE, why), now)
    instrument = work.instruments.get(request.symbol)
    ticket = check_request(request, instrument, work.prices.get(request.symbol), now)
    if isinstance(ticket, Rejection):
        return rejected(request, ticket, now)
    if request.reduce_only:
        position = work.book(request.account).positions.get(request.symbol)
        grows = reduce_only_violation(position, ticket.order.side, ticket.order.qty)
        if grows is not None:
            reason = RejectReason.REDUCE_ONLY_WOULD_INCREASE
            return rejected(request, Rejection(reason, grows), now)
    return ticket


def _allot(
    work: WorkingSet,
    instrument: Instrument,
    members: list[_Member],
    left_out: dict[str, Leaving],
    head: str,
) -> BlockFill | None:
    """The block's allocation over the members that can take it; those that cannot are
    put in ``left_out`` with the reason, and the rest walk again. Without a share for the
    provider's order (``head``) there is nothing to copy: every copy leaves."""
    while True:
        inside = [m for m in members if m.key not in left_out]
        if not inside:
            return None
        if inside[0].key != head:
            left_out.update(dict.fromkeys((m.key for m in inside), _NO_HEAD))
            return None
        side, mark = inside[0].ticket.order.side, inside[0].ticket.price
        taken = work.taken.get((instrument.symbol, side), Decimal(0))
        wanted = {m.key: m.ticket.order.qty for m in inside}
        parts = walk(instrument.depth, side, mark, sum(wanted.values(), Decimal(0)), None, taken)
        block = allocate(parts, wanted, instrument.tick, instrument.lot_step)
        for member in inside:
            why = _cannot_take(work, instrument, member, block)
            if why is not None:
                left_out[member.key] = why
        if head not in left_out and not block.of(head).qty:
            left_out.update(dict.fromkeys((m.key for m in inside[1:]), _NO_HEAD))
        if all(m.key not in left_out for m in inside):
            return block


def _cannot_take(
    work: WorkingSet, instrument: Instrument, member: _Member, block: BlockFill
) -> Leaving | None:
    share = block.of(member.key)
    if not share.qty:
        return None
    order = member.ticket.order
    if not limit_allows(order.side, order.limit_price, block.price):
        return f"the block's price {block.price} is beyond its limit {order.limit_price}"
    fill = _share_fill(instrument, member, share.qty, block.price, order.created_at)
    book = work.book(member.request.account)
    if not book.settle(
        instrument,
        fill,
        member.ticket.leverage,
        work.prices,
        dry_run=True,
        margin_mode=member.request.margin_mode,
    ):
        why = unaffordable(book, instrument, fill, work.prices)
        return Rejection(RejectReason.INSUFFICIENT_BALANCE, why)
    return None


def _share_fill(
    instrument: Instrument, member: _Member, qty: Decimal, price: Decimal, now: datetime
) -> Fill:
    fee = fee_for(instrument, qty * price, Liquidity.TAKER)
    return next_fill(member.ticket.order, 0, price, Liquidity.TAKER, fee, now, qty)


def _answer(
    work: WorkingSet,
    instrument: Instrument,
    member: _Member,
    block: BlockFill | None,
    left_out: dict[str, Leaving],
    now: datetime,
) -> VenueOrder:
    order, request = member.ticket.order, member.request
    leaving = left_out.get(member.key)
    if isinstance(leaving, Rejection):
        return rejected(request, leaving, now)
    why = leaving
    qty = block.of(member.key).qty if block is not None and why is None else Decimal(0)
    fills: tuple[Fill, ...] = ()
    if qty:
        assert block is not None
        fill = _share_fill(instrument, member, qty, block.price, now)
        book = work.book(request.account)
        if book.settle(
            instrument, fill, member.ticket.leverage, work.prices, margin_mode=request.margin_mode
        ):
            order.apply(OrderFilled(fill))
            fills = (fill,)
        else:  # two orders of one book (a flip's legs) the dry runs each allowed alone
            why = unaffordable(book, instrument, fill, work.prices)
    if not fills:
        order.apply(OrderAccepted(now))
    if order.remaining_qty:
        reason = why or (
            f"block: {order.remaining_qty} of {order.qty} found no depth at an acceptable price"
        )
        order.apply(OrderCancelled(now, reason))
    return snapshot(order, member.ticket.leverage, request.reduce_only, fills)


__all__ = ["block_fill_id", "place_block", "place_share"]
