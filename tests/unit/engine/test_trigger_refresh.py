"""A trigger order the venue fired into a refusal ends on our records (docs/venues.md
"Trigger orders", "On the platform's order records"), on the in-memory unit of work."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D
from typing import cast

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.memory.uow import MemoryStore
from copytrade.adapters.venues.order_terms import OrderTerms, Trigger, TriggerKind
from copytrade.adapters.venues.port import (
    OrderRequest,
    RejectReason,
    Venue,
    VenueOrder,
    rejected_order,
)
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.trigger_status import TriggerStatus
from copytrade.engine.trigger_refresh import TriggerRefresh

from ..domain.fills_factory import PERP
from .memory_pipeline import START

STOP = Trigger(TriggerKind.STOP, D(49000))


class _Answers:
    """The venue's answers by client order id: all this use of the port reads."""

    def __init__(self) -> None:
        self.answers: dict[str, VenueOrder] = {}
        self.asked: list[str] = []

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        self.asked.append(str(client_order_id))
        return self.answers.get(str(client_order_id))


def _request(cid: str) -> OrderRequest:
    return OrderRequest(
        ClientOrderId(cid), "pro", PERP.symbol, Side.SELL, OrderType.MARKET, D(1),
        reduce_only=True, trigger=STOP,
    )  # fmt: skip


def _answer(cid: str, status: TriggerStatus) -> VenueOrder:
    refused = rejected_order(
        _request(cid), OrderId(cid), RejectReason.REDUCE_ONLY_WOULD_INCREASE, "nothing", START
    )
    return replace(refused, trigger=STOP, trigger_status=status)


def _store_with(*cids: str) -> MemoryStore:
    store = MemoryStore({PERP.symbol: PERP})
    intents = [
        OrderIntent(cid, "pro", PERP.symbol, "sell", "market", D(1), D(1), START,
                    reduce_only=True, terms=OrderTerms(trigger=STOP))
        for cid in cids
    ]  # fmt: skip
    with store.unit_of_work() as uow:
        uow.orders.add_intents(intents)
        pending = replace(_answer(cids[0], TriggerStatus.PENDING), status=OrderStatus.ACCEPTED)
        uow.orders.record_venue_results(
            [replace(pending, client_order_id=ClientOrderId(c)) for c in cids], START
        )
        uow.commit()
    return store


def test_a_fired_refusal_is_recorded_once_and_a_waiting_one_is_left() -> None:
    store = _store_with("fired", "waits")
    venue = _Answers()
    venue.answers["fired"] = _answer("fired", TriggerStatus.TRIGGERED)
    venue.answers["waits"] = replace(
        _answer("waits", TriggerStatus.PENDING), status=OrderStatus.ACCEPTED
    )
    refresh = TriggerRefresh(cast(Venue, venue), store.unit_of_work, lambda: START)
    assert refresh.refresh([PERP.symbol]) == 1
    with store.unit_of_work() as uow:
        fired, waits = uow.orders.get("fired"), uow.orders.get("waits")
        assert uow.orders.awaiting_triggers([PERP.symbol]) == [("pro", "waits")]
    assert fired is not None and waits is not None
    assert (fired.status, fired.trigger_status) == ("rejected", "triggered")
    assert fired.reason == "reduce_only_would_increase"
    assert (waits.status, waits.trigger_status) == ("accepted", "pending")
    # The same answer again is a no-op: only the one still waiting is asked.
    venue.asked.clear()
    assert refresh.refresh([PERP.symbol]) == 0
    assert venue.asked == ["waits"]


def test_no_symbol_or_no_pending_trigger_asks_the_venue_nothing() -> None:
    store = _store_with("a")
    venue = _Answers()
    refresh = TriggerRefresh(cast(Venue, venue), store.unit_of_work, lambda: START)
    assert refresh.refresh([]) == 0
    assert refresh.refresh(["ETH/USDT:USDT"]) == 0
    assert venue.asked == []
