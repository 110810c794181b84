"""A provider's own orders on the venue. Their fills are what followers copy.

The order is recorded before it is sent and its answer after, like a copy; its
fills are booked from the venue's fill stream (``FillIngestor``), which is
where the provider's position and equity before each fill are captured.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.adapters.venues.order_terms import PLAIN, OrderTerms
from copytrade.adapters.venues.port import OrderRequest, Venue, VenueOrder
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.engine.block import BlockDesk, is_block_order
from copytrade.engine.execution import rejected_answer, request_for, venue_error_reason


def stored_id(user_id: str, client_order_id: str) -> str:
    """A user's client order id as stored: its own, never another user's
    (service_layer/trading.py)."""
    return f"{user_id}:{client_order_id}"


class ProviderOrders:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: Venue,
        now: Callable[[], datetime],
        blocks: BlockDesk | None = None,
        block_execution: Callable[[str], bool] = lambda _provider: False,
    ) -> None:
        """``blocks``: where a provider's order and its copies go as one block, for the
        providers ``block_execution`` names (docs/engine.md "Block execution")."""
        self._blocks = blocks
        self._block_execution = block_execution
        self._uow_factory = uow_factory
        self._venue = venue
        self._now = now

    def place(
        self,
        provider: ProviderId,
        client_order_id: ClientOrderId,
        symbol: str,
        side: Side,
        qty: Decimal,
        order_type: OrderType = OrderType.MARKET,
        price: Decimal | None = None,
        leverage: Decimal = Decimal(1),
        reduce_only: bool = False,
        terms: OrderTerms = PLAIN,
    ) -> VenueOrder:
        """``terms``: a trigger, time in force, post-only (docs/venues.md "Order terms");
        the venue answers a trigger order ``accepted`` until the mark meets it."""
        with self._uow_factory() as uow:
            # The provider's own book's margin mode (docs/domain.md "Margin"), on the order
            # so that a position it opens from flat takes it, even filled later.
            mode = uow.accounts.margin_mode(str(provider))
        intent = OrderIntent(
            client_order_id=str(client_order_id),
            book=str(provider),
            symbol=symbol,
            side=side.value,
            type=order_type.value,
            qty=qty,
            limit_price=price,
            leverage=leverage,
            created_at=self._now(),
            reduce_only=reduce_only,
            provider_id=str(provider),
            margin_mode=mode,
            # Kept with the intent, so recovery re-sends it with them (docs/venues.md).
            terms=terms,
        )
        request = request_for(intent, reduce_only)  # a malformed order is refused unrecorded
        if self._as_block(intent, request):
            assert self._blocks is not None
            return self._blocks.place(intent)
        with self._uow_factory() as uow:
            known = uow.orders.existing_ids([intent.client_order_id])
            if not known:
                uow.orders.add_intents([intent])
                uow.commit()
        try:
            answer = self._venue.place(request)
        except PermanentVenueError as error:
            # Refused for good: recorded as rejected, so recovery never places it later.
            self._record(rejected_answer(request, venue_error_reason(error), self._now()))
            raise
        # A temporary error propagates with the intent still ``new``: placing the same
        # client order id again (the caller's retry, or recovery) sends it once.
        self._record(answer)
        return answer

    def _as_block(self, intent: OrderIntent, request: OrderRequest) -> bool:
        """A market order of a provider with block execution, with a price to size on."""
        return (
            self._blocks is not None
            and is_block_order(request)
            and self._block_execution(intent.book)
            and self._blocks.can_place(intent.symbol)
        )

    def _record(self, answer: VenueOrder) -> None:
        with self._uow_factory() as uow:
            uow.orders.record_venue_results([answer], self._now())
            uow.commit()
