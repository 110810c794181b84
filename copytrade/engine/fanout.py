"""The copy fan-out: one provider fill in, a recorded decision per follower out.

One transaction records every decision and every order intent (with its
deterministic client order id) and marks the message processed; only then are
the orders sent, in one batch, and the answers booked in a second transaction.
A redelivered message finds itself processed and places nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.domain.copying import StopReason
from copytrade.domain.instruments import Instrument
from copytrade.engine.books import load_books
from copytrade.engine.execution import Executor, request_for
from copytrade.engine.messages import ProviderFilled
from copytrade.engine.planning import plan_copies
from copytrade.engine.relationship_cache import RelationshipCache
from copytrade.engine.stopping import STOPPED, stop, stop_notifications
from copytrade.service_layer.unit_of_work import SqlUnitOfWork

CONSUMER = "copy-fanout"


class CopyFanout:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        instruments: Mapping[str, Instrument],
        relationships: RelationshipCache,
        executor: Executor,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._instruments = instruments
        self._relationships = relationships
        self._executor = executor
        self._prices = prices
        self._now = now

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        event = ProviderFilled.from_payload(dict(payload))
        now = self._now()
        with self._uow_factory() as uow:
            if not uow.processed.first_time(CONSUMER, message_id, now):
                return
            rels = self._relationships.for_provider(uow, str(event.provider))
            books = load_books(uow, rels)
            instrument = self._instruments[event.fill.symbol]
            plan = plan_copies(event, instrument, rels, books, self._prices(), now)
            intents = list(plan.intents)
            for rel in plan.must_stop:
                stopped, closes = stop(rel, StopReason.MAX_LOSS, books[rel.book], now)
                uow.relationships.save(stopped, now)
                uow.outbox.add_many(STOPPED, stop_notifications(stopped, now), now)
                intents.extend(closes)
            for stored in plan.reattach:
                stored.detached = False
            uow.positions.save_many(plan.reattach)
            uow.decisions.add_many(plan.decisions)
            uow.orders.add_intents(intents)
            uow.commit()
        if plan.must_stop:
            self._relationships.invalidate(str(event.provider))
        self._executor.checkpoints.after_intents()
        self._executor.execute([request_for(i, i.reduce_only) for i in intents])
