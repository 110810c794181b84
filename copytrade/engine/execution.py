"""Send recorded intents to the venue and record what it answered.

The intents were committed before this runs (docs/domain.md, Copying: recorded durably before
they are sent). Temporary venue errors are retried with exponential backoff
up to a cap; a permanent one rejects the whole batch with its reason. Either
way every intent ends with a recorded answer: nothing is logged and forgotten.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from copytrade.adapters.db.repositories.orders import BookingTerms, OrderIntent, StoredOrder
from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.port import OrderRequest, Venue, VenueOrder, rejected_order
from copytrade.domain.copying.plan import CopyOrder
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.instruments import parse_side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.orders import OrderStatus, parse_order_type
from copytrade.engine.bookkeeping import BookedFills, BookKeeper
from copytrade.engine.unit_of_work import PipelineUnitOfWork


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    first_delay_s: float = 0.05
    max_delay_s: float = 2.0

    def delays(self) -> list[float]:
        delays, delay = [], self.first_delay_s
        for _ in range(self.attempts - 1):
            delays.append(min(delay, self.max_delay_s))
            delay *= 2
        return delays


class BlockResend(Protocol):
    def resend(
        self, missing: Sequence[OrderRequest]
    ) -> tuple[list[OrderRequest], list[VenueOrder]]: ...


class VenueUnavailableError(Exception):
    """The venue kept answering with temporary errors past the retry cap."""


@dataclass(frozen=True, slots=True)
class Checkpoints:
    """Hooks at the steps where a crash matters; the crash tests kill the process here."""

    after_intents: Callable[[], None] = lambda: None
    after_submit: Callable[[], None] = lambda: None
    # A ledger transfer with a venue side is committed; the venue has not applied it yet.
    before_venue_cash: Callable[[], None] = lambda: None


def request_for(order: OrderIntent | StoredOrder, reduce_only: bool) -> OrderRequest:
    terms = order.terms
    return OrderRequest(
        client_order_id=ClientOrderId(order.client_order_id),
        account=order.book,
        symbol=order.symbol,
        side=parse_side(order.side),
        type=parse_order_type(order.type),
        qty=order.qty,
        limit_price=order.limit_price,
        leverage=order.leverage,
        reduce_only=reduce_only,
        margin_mode=MarginMode.parse(order.margin_mode),
        # The trigger, time in force and post-only it was recorded with, so an order
        # re-sent by recovery goes out as asked (docs/engine.md "Crash recovery").
        trigger=terms.trigger,
        time_in_force=terms.time_in_force,
        post_only=terms.post_only,
    )


def copy_request(order: CopyOrder) -> OrderRequest:
    """A planned copy as the venue's request: its typed values passed on, never parsed."""
    return OrderRequest(
        client_order_id=order.client_order_id,
        account=order.book,
        symbol=order.symbol,
        side=order.side,
        type=order.type,
        qty=order.qty,
        limit_price=order.limit_price,
        leverage=order.leverage,
        reduce_only=order.reduce_only,
        margin_mode=order.margin_mode,
    )


class Executor:
    def __init__(
        self,
        venue: Venue,
        uow_factory: Callable[[], PipelineUnitOfWork],
        bookkeeper: BookKeeper,
        now: Callable[[], datetime],
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        checkpoints: Checkpoints = Checkpoints(),
    ) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._bookkeeper = bookkeeper
        self._now = now
        self._retry = retry
        self._sleep = sleep
        self.checkpoints = checkpoints
        # Re-sends a provider's block order with its copies (engine/block.py), if any.
        self.blocks: BlockResend | None = None

    def execute(self, requests: Sequence[OrderRequest]) -> BookedFills:
        """Place committed intents and book the answers; returns what was booked."""
        if not requests:
            return BookedFills()
        answers = self._place(requests)
        self.checkpoints.after_submit()
        return self.record(answers, {str(r.client_order_id): r.margin_mode for r in requests})

    def record(
        self, answers: Sequence[VenueOrder], modes: Mapping[str, MarginMode]
    ) -> BookedFills:
        """Record the venue's answers and book their fills; ``modes``: the margin mode each
        order asked for (docs/domain.md "Margin"), by client order id."""
        terms = {
            str(a.client_order_id): BookingTerms(
                a.leverage, modes.get(str(a.client_order_id), MarginMode.ISOLATED)
            )
            for a in answers
        }
        fills = [fill for answer in answers for fill in answer.fills]
        now = self._now()
        with self._uow_factory() as uow:
            uow.orders.record_venue_results(answers, now)
            rejected = {
                str(a.client_order_id): (a.reject_reason.value if a.reject_reason else a.reason)
                for a in answers
                if a.status is OrderStatus.REJECTED
            }
            uow.decisions.mark_rejected(rejected)
            booked = self._bookkeeper.record(uow, fills, terms, now)
            uow.commit()
        self._bookkeeper.committed(booked)
        return booked

    def recover(
        self, copies: Callable[[str], bool] = lambda _rel: True, own_orders: bool = True
    ) -> BookedFills:
        """Finish what a crash interrupted: intents the venue never answered for us.

        For each, ask the venue by client order id: if it has the order, record its
        answer; if not, the crash came before the send, so send it now. Only the copy
        orders of relationships ``copies`` accepts, and the providers' own orders only
        if ``own_orders``: a shard worker recovers its own shard's copies alone
        (docs/engine.md, "Workers").
        """
        with self._uow_factory() as uow:
            pending = uow.orders.unconfirmed()
        own = [o for o in pending if o.relationship_id is None and own_orders]
        pending = [o for o in pending if o.relationship_id is None or copies(o.relationship_id)]
        if own:
            # A provider's own orders get their answer recorded, not their fills booked:
            # the ingestor books those from the stream, and booking is where a provider
            # fill is announced to its followers (booked here, it would never be copied).
            known, missing = self._ask(own)
            if missing and self.blocks is not None:
                missing, placed = self.blocks.resend(missing)
                known.extend(placed)
            if missing:
                known.extend(self._place(missing))
            with self._uow_factory() as uow:
                uow.orders.record_venue_results(known, self._now())
                uow.commit()
        known, missing = self._ask([o for o in pending if o.relationship_id is not None])
        modes = {o.client_order_id: MarginMode.parse(o.margin_mode) for o in pending}
        booked = self.record(known, modes) if known else BookedFills()
        if missing:
            more = self.execute(missing)
            booked.fills.extend(more.fills)
            booked.trades.extend(more.trades)
        return booked

    def _ask(self, orders: Sequence[StoredOrder]) -> tuple[list[VenueOrder], list[OrderRequest]]:
        """The venue's answers for the orders it has, and requests for those it has not."""
        known: list[VenueOrder] = []
        missing: list[OrderRequest] = []
        for order in orders:
            answer = self._venue.get_order(
                order.book, ClientOrderId(order.client_order_id), order.symbol
            )
            if answer is not None:
                known.append(answer)
            else:
                missing.append(request_for(order, reduce_only=order.reduce_only))
        return known, missing

    def _place(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        for delay in [*self._retry.delays(), None]:
            try:
                return self._venue.place_batch(requests)
            except TemporaryVenueError:
                if delay is None:
                    raise VenueUnavailableError(
                        f"the venue kept failing temporarily after {self._retry.attempts} "
                        f"attempts; {len(requests)} recorded orders stay pending and are "
                        "retried by recovery"
                    ) from None
                self._sleep(delay)
            except PermanentVenueError as error:
                reason = venue_error_reason(error)
                return [rejected_answer(r, reason, self._now()) for r in requests]
        raise AssertionError("unreachable")  # pragma: no cover


# An exchange's error text can be a long body; the order's reason and the decision's
# ("venue:" + reason) are stored in 200 characters, and PostgreSQL refuses longer.
_REASON_LIMIT = 200 - len("venue:")


def venue_error_reason(error: Exception) -> str:
    """A permanent venue error as an order's rejection reason, cut to fit."""
    code = error.reason if isinstance(error, PermanentVenueError) else "venue_error"
    reason = f"{code}: {error}"
    return reason if len(reason) <= _REASON_LIMIT else reason[: _REASON_LIMIT - 1] + "…"


def rejected_answer(request: OrderRequest, reason: str, now: datetime) -> VenueOrder:
    """The answer recorded for an order the venue refused by raising, not by answering."""
    return rejected_order(
        request, OrderId(f"unplaced:{request.client_order_id}"), None, reason, now
    )
