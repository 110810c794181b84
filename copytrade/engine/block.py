"""Fair block execution: a provider's order held back until its copies are sized, then
placed with them as one block (docs/engine.md "Block execution").

One transaction records the provider's order, the decisions and copy intents of every
shard's fan-out (sized on the provider's order at the mark, as if it had filled there)
and marks the provider's fill processed for every fan-out: the fill the venue then gives
the provider has the id the copies were recorded against (``block_fill_id``), so when
the ingestor announces it no fan-out copies it again. Only then is the block sent; the
copies' answers are booked at once, the provider's fill from the venue's stream.
A crash between the two leaves intents the recovery re-sends as one block
(``Executor.recover``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.venues.port import OrderRequest, VenueOrder
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId, ProviderId
from copytrade.domain.instruments import parse_side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderType
from copytrade.domain.values import Price, Quantity
from copytrade.engine.execution import Executor, copy_request, request_for
from copytrade.engine.fanout import CopyFanout
from copytrade.engine.ingest import provider_before
from copytrade.engine.messages import ProviderFilled
from copytrade.engine.unit_of_work import PipelineUnitOfWork

FillIdOf = Callable[[str, str], FillId]  # (account, client order id) -> its block fill


class BlockVenue(Protocol):
    def place_block(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]: ...


class BlockDesk:
    def __init__(
        self,
        venue: BlockVenue,
        uow_factory: Callable[[], PipelineUnitOfWork],
        fanouts: Sequence[CopyFanout],
        executor: Executor,
        fill_id: FillIdOf,
        prices: Callable[[], Mapping[str, Decimal]],
        live_books: Callable[[], Collection[str]],
        now: Callable[[], datetime],
        enabled: Callable[[str], bool],
    ) -> None:
        """``enabled``: whether a provider's orders go as blocks (the setting)."""
        self._enabled = enabled
        self._venue = venue
        self._uow_factory = uow_factory
        self._fanouts = tuple(fanouts)
        self._executor = executor
        self._fill_id = fill_id
        self._prices = prices
        self._live_books = live_books
        self._now = now

    def can_place(self, symbol: str) -> bool:
        """A block is sized at the mark: without one, the order goes alone."""
        return symbol in self._prices()

    def place(self, intent: OrderIntent) -> VenueOrder:
        """Record ``intent`` (once) with its copies, then place them all as one block;
        the provider's answer."""
        prices = self._prices()
        head = request_for(intent, intent.reduce_only)
        event = self._provisional(intent, prices[intent.symbol])
        with self._uow_factory() as uow:
            if uow.orders.get(intent.client_order_id) is None:
                uow.orders.add_intents([intent])
            planned = [p for f in self._fanouts if (p := f.record(uow, event.message_id, event))]
            if not planned:  # recorded before (a retry): its copies are stored
                waiting = block_copies(uow, str(event.fill.fill_id))
            uow.commit()
        for fanout, one in zip(self._fanouts, planned, strict=False):
            fanout.planned(event, one)
        self._executor.checkpoints.after_intents()
        live = self._live_books()
        members: list[OrderRequest] = []
        alone: list[OrderRequest] = []
        for plan, stops, _ in planned:
            for order in plan.orders:
                joins = str(order.book) not in live and order.side is head.side
                (members if joins else alone).append(copy_request(order))
            alone.extend(request_for(i, i.reduce_only) for i in stops)
        if not planned:
            members = [r for r in waiting if str(r.account) not in live and r.side is head.side]
        answers = self._venue.place_block([head, *members])
        self.record(answers)
        booked = self._executor.execute(alone)
        for fanout, one in zip(self._fanouts, planned, strict=False):
            fanout.after_costs(event, one, booked)
        return answers[0]

    def resend(
        self, missing: Sequence[OrderRequest]
    ) -> tuple[list[OrderRequest], list[VenueOrder]]:
        """Recovery: of providers' orders the venue never saw, those placed as a block
        are sent again as one with their copies recorded meanwhile; the others, and the
        answers of the providers' orders sent."""
        blocks = [r for r in missing if is_block_order(r) and self._enabled(str(r.account))]
        if not blocks:
            return list(missing), []
        with self._uow_factory() as uow:
            pending = uow.orders.unconfirmed()
        live = self._live_books()
        answers: list[VenueOrder] = []
        for head in blocks:
            fill_id = self._fill_id(str(head.account), str(head.client_order_id))
            members = [
                request_for(o, o.reduce_only)
                for o in pending
                if o.copy_of == fill_id and o.book not in live and o.side == head.side.value
            ]
            answers.append(self._venue.place_block([head, *members])[0])
        return [r for r in missing if r not in blocks], answers

    def record(self, answers: Sequence[VenueOrder]) -> None:
        """The provider's answer recorded (its fill is booked from the venue's stream,
        which announces it), the copies' answers recorded and their fills booked."""
        with self._uow_factory() as uow:
            uow.orders.record_venue_results(answers[:1], self._now())
            uow.commit()
        copies = list(answers[1:])
        if copies:
            modes = self._modes([str(a.client_order_id) for a in copies])
            self._executor.record(copies, modes)

    def _modes(self, client_order_ids: list[str]) -> dict[str, MarginMode]:
        with self._uow_factory() as uow:
            terms = uow.orders.booking_terms(client_order_ids)
        return {cid: term.margin_mode for cid, term in terms.items()}

    def _provisional(self, intent: OrderIntent, mark: Decimal) -> ProviderFilled:
        """The provider's order as if filled whole at the mark: what its copies are sized
        on (the block's price is known only once the block has walked the book)."""
        with self._uow_factory() as uow:
            held, equity = provider_before(uow, intent.book, intent.symbol, self._prices())
        fill = Fill(
            fill_id=self._fill_id(intent.book, intent.client_order_id),
            order_id=OrderId(f"block:{intent.client_order_id}"),
            client_order_id=ClientOrderId(intent.client_order_id),
            account=AccountId(intent.book),
            symbol=intent.symbol,
            side=parse_side(intent.side),
            qty=Quantity(intent.qty),
            price=Price(mark),
            fee=Decimal(0),
            liquidity=Liquidity.TAKER,
            ts=self._now(),
        )
        return ProviderFilled(
            ProviderId(intent.book), fill, intent.qty, held, equity, intent.leverage
        )


def is_block_order(request: OrderRequest) -> bool:
    """A provider's order a block is made of: a market order without a trigger."""
    return request.type is OrderType.MARKET and request.trigger is None


def block_copies(uow: PipelineUnitOfWork, fill_id: str) -> list[OrderRequest]:
    """The copy intents recorded against a block's provider fill and still unanswered."""
    return [request_for(o, o.reduce_only) for o in uow.orders.unconfirmed() if o.copy_of == fill_id]
