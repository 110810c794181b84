"""Trigger orders on the paper venue: stop, take-profit and trailing stop, triggered by
the mark (docs/venues.md "Trigger orders"). The rules are pure functions; ``place`` and
``fire`` work on the call's in-memory ``WorkingSet`` (trigger_store.py reads and writes).

A trigger order waits (``pending``, its answer ``accepted`` with no fills) until a mark
meets its trigger; it is then placed as its plain market or limit order, under the same
client order id, at that mark's time, and fills (or rests, or is refused) like one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.order_terms import Trigger, TriggerKind, TriggerStatus
from copytrade.adapters.venues.paper import matching
from copytrade.adapters.venues.paper.rules import (
    Rejection,
    check_request,
    reduce_only_violation,
    venue_order_id,
)
from copytrade.adapters.venues.paper.snapshots import rejected
from copytrade.adapters.venues.port import OrderRequest, RejectReason, VenueOrder
from copytrade.domain.ids import OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus

HUNDRED = Decimal(100)


# --- the rules (pure) -----------------------------------------------------------


def next_best(trigger: Trigger, side: Side, best: Decimal | None, mark: Decimal) -> Decimal | None:
    """The best mark since placement a trailing stop trails: the highest for a sell (it
    protects a long), the lowest for a buy; None for other kinds."""
    if trigger.kind is not TriggerKind.TRAILING_STOP:
        return None
    if best is None:
        return mark
    return max(best, mark) if side is Side.SELL else min(best, mark)


def level(trigger: Trigger, side: Side, best: Decimal | None) -> Decimal | None:
    """The trigger price in force: the order's own, or for a trailing stop the best mark
    moved against the position by the distance or percent (None before any mark)."""
    if trigger.kind is not TriggerKind.TRAILING_STOP:
        return trigger.price
    if best is None:
        return None
    if trigger.trail_distance is not None:
        trail = trigger.trail_distance
    else:
        assert trigger.trail_percent is not None  # Trigger holds exactly one
        trail = best * trigger.trail_percent / HUNDRED
    return best - trail if side is Side.SELL else best + trail


def is_met(trigger: Trigger, side: Side, at: Decimal | None, mark: Decimal) -> bool:
    """stop and trailing stop: a buy at mark ≥ level, a sell at mark ≤ level;
    take-profit: a buy at mark ≤ level, a sell at mark ≥ level."""
    if at is None:
        return False
    rising = (side is Side.BUY) != (trigger.kind is TriggerKind.TAKE_PROFIT)
    return mark >= at if rising else mark <= at


# --- a waiting order ------------------------------------------------------------


@dataclass(slots=True)
class PendingTrigger:
    """A trigger order as stored (paper_triggers); ``request.trigger`` is set."""

    venue_order_id: OrderId
    request: OrderRequest
    best_mark: Decimal | None
    status: TriggerStatus
    reason: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def trigger(self) -> Trigger:
        assert self.request.trigger is not None  # only trigger orders are stored here
        return self.request.trigger

    def plain_request(self) -> OrderRequest:
        """The order it becomes when triggered: the same, without the trigger."""
        return replace(self.request, trigger=None)

    def answer(self) -> VenueOrder:
        """Waiting: ``accepted`` with nothing filled; cancelled before it triggered:
        ``cancelled`` (a triggered one answers as the order it became, ``attach``)."""
        r = self.request
        status = (
            OrderStatus.CANCELLED
            if self.status is TriggerStatus.CANCELLED
            else OrderStatus.ACCEPTED
        )
        return VenueOrder(
            venue_order_id=self.venue_order_id,
            client_order_id=r.client_order_id,
            account=r.account,
            symbol=r.symbol,
            side=r.side,
            type=r.type,
            qty=r.qty,
            limit_price=r.limit_price,
            leverage=r.leverage,
            reduce_only=r.reduce_only,
            status=status,
            filled_qty=Decimal(0),
            avg_fill_price=None,
            fees=Decimal(0),
            reject_reason=None,
            reason=self.reason,
            created_at=self.created_at,
            updated_at=self.updated_at,
            trigger=self.trigger,
            trigger_status=self.status,
        )

    def attach(self, order: VenueOrder) -> VenueOrder:
        """The order it became, with its trigger."""
        return replace(order, trigger=self.trigger, trigger_status=self.status)


def known_answers(
    orders: dict[matching.OrderKey, VenueOrder], triggers: dict[matching.OrderKey, PendingTrigger]
) -> dict[matching.OrderKey, VenueOrder]:
    """What the venue answers for each key: the order (with its trigger, if it was one),
    else the waiting trigger order."""
    known = dict(orders)
    for key, pending in triggers.items():
        order = known.get(key)
        known[key] = pending.answer() if order is None else pending.attach(order)
    return known


# --- placing and firing -----------------------------------------------------------


def place(
    work: matching.WorkingSet,
    request: OrderRequest,
    now: datetime,
    new: list[PendingTrigger],
) -> VenueOrder:
    """Check a trigger order as its plain order would be checked at its trigger price
    (the mark, for a trailing stop), then keep it waiting; or refuse it."""
    key = (request.account, request.client_order_id)
    existing = work.known.get(key)
    if existing is not None:
        return existing
    trigger = request.trigger
    assert trigger is not None  # the venue routes only trigger orders here
    mark = work.prices.get(request.symbol)
    best = next_best(trigger, request.side, None, mark) if mark is not None else None
    why = _refusal(work, request, trigger, mark, best, now)
    if why is not None:
        # Stored like any refused order (paper_orders), so a retry answers the same.
        answer = rejected(request, why, now)
        work.new_orders.append(answer)
    else:
        pending = PendingTrigger(
            venue_order_id(request.account, request.client_order_id),
            request,
            best,
            TriggerStatus.PENDING,
            None,
            now,
            now,
        )
        new.append(pending)
        answer = pending.answer()
    work.known[key] = answer
    return answer


def _refusal(
    work: matching.WorkingSet,
    request: OrderRequest,
    trigger: Trigger,
    mark: Decimal | None,
    best: Decimal | None,
    now: datetime,
) -> Rejection | None:
    instrument = work.instruments.get(request.symbol)
    at = level(trigger, request.side, best)
    if trigger.kind is TriggerKind.TRAILING_STOP and at is None:
        return Rejection(
            RejectReason.NO_MARKET_PRICE,
            f"no price in force for {request.symbol}: a trailing stop trails the mark",
        )
    assert at is not None  # stop and take-profit carry their price
    ticket = check_request(replace(request, trigger=None), instrument, at, now)
    if isinstance(ticket, Rejection):
        return ticket
    assert instrument is not None  # check_request rejects an unknown symbol
    if trigger.price is not None and trigger.price % instrument.tick:
        return Rejection(
            RejectReason.INVALID_TRIGGER,
            f"{request.symbol} trigger price {trigger.price} is not a multiple of the tick "
            f"{instrument.tick}",
        )
    if mark is not None and is_met(trigger, request.side, at, mark):
        return Rejection(
            RejectReason.INVALID_TRIGGER,
            f"{trigger.kind} {request.side} at {at} would trigger at once: the mark is {mark}",
        )
    if request.reduce_only:
        position = work.book(request.account).positions.get(request.symbol)
        why = reduce_only_violation(position, request.side, request.qty)
        if why is not None:
            return Rejection(RejectReason.REDUCE_ONLY_WOULD_INCREASE, why)
    return None


def advance(
    pending: list[PendingTrigger], mark: Decimal, ts: datetime
) -> tuple[list[PendingTrigger], list[PendingTrigger]]:
    """A new mark: move the trailing stops' best marks, then mark every order whose
    trigger the mark meets as triggered. Returns (triggered oldest first, others moved)."""
    fired: list[PendingTrigger] = []
    moved: list[PendingTrigger] = []
    for waiting in pending:
        trigger, side = waiting.trigger, waiting.request.side
        best = next_best(trigger, side, waiting.best_mark, mark)
        changed = best != waiting.best_mark
        waiting.best_mark = best
        if is_met(trigger, side, level(trigger, side, best), mark):
            waiting.status, waiting.updated_at = TriggerStatus.TRIGGERED, ts
            fired.append(waiting)
        elif changed:
            waiting.updated_at = ts
            moved.append(waiting)
    return fired, moved


def place_fired(work: matching.WorkingSet, fired: list[PendingTrigger], ts: datetime) -> None:
    """Place each triggered order as its plain order, at the mark's time, oldest first."""
    for waiting in fired:
        placed = matching.place(work, waiting.plain_request(), ts)
        work.known[(placed.account, placed.client_order_id)] = waiting.attach(placed)


def cancel(pending: PendingTrigger, now: datetime) -> VenueOrder:
    """Cancel a waiting trigger order; a cancelled one again is returned unchanged."""
    if pending.status is TriggerStatus.PENDING:
        pending.status, pending.reason, pending.updated_at = (
            TriggerStatus.CANCELLED,
            "cancelled on request",
            now,
        )
    return pending.answer()


__all__ = [
    "PendingTrigger",
    "advance",
    "cancel",
    "is_met",
    "known_answers",
    "level",
    "next_best",
    "place",
    "place_fired",
]
