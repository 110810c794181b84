"""The copy fan-out: one provider fill in, a recorded decision per follower out.

One transaction records every decision and every order intent (with its
deterministic client order id) and marks the message processed; only then are
the orders sent, in one batch, and the answers booked in a second transaction.
A redelivered message finds itself processed and places nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.domain.copying import CopyRelationship, StopReason, max_loss_reached
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.domain.instruments import Instrument
from copytrade.engine.bookkeeping import BookedFills
from copytrade.engine.books import BookState, load_books
from copytrade.engine.execution import Executor, copy_request, request_for
from copytrade.engine.messages import ProviderFilled
from copytrade.engine.observer import FanoutObserver
from copytrade.engine.planning import CopyPlan, plan_copies
from copytrade.engine.relationship_cache import RelationshipCache
from copytrade.engine.shards import Shard
from copytrade.engine.stopping import STOPPED, stop, stop_notifications
from copytrade.engine.unit_of_work import PipelineUnitOfWork

# What ``record`` recorded: the plan, the stops' close orders, the relationships by id.
Planned = tuple[CopyPlan, list[OrderIntent], dict[str, CopyRelationship]]


class CopyFanout:
    def __init__(
        self,
        uow_factory: Callable[[], PipelineUnitOfWork],
        instruments: Mapping[str, Instrument],
        relationships: RelationshipCache,
        executor: Executor,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        shard: Shard = Shard(),
        observers: Sequence[FanoutObserver] = (),
        opening: OpeningOrders = OpeningOrders.MARKET,
        live_books: Callable[[], Collection[str]] = frozenset,
        max_symbol_exposure: Decimal | None = None,
    ) -> None:
        self._max_symbol_exposure = max_symbol_exposure
        self._uow_factory = uow_factory
        self._opening = opening
        self._live_books = live_books
        self._instruments = instruments
        self._relationships = relationships
        self._executor = executor
        self._prices = prices
        self._now = now
        self._shard = shard
        self._observers = tuple(observers)

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        started = time.perf_counter()
        event = ProviderFilled.from_payload(dict(payload))
        with self._uow_factory() as uow:
            planned = self.record(uow, message_id, event)
            if planned is None:
                return
            uow.commit()
        self.planned(event, planned)
        self._executor.checkpoints.after_intents()
        plan, stops, _ = planned
        requests = [copy_request(order) for order in plan.orders]
        requests.extend(request_for(i, i.reduce_only) for i in stops)
        booked = self._executor.execute(requests)
        self.after_costs(event, planned, booked)
        elapsed = time.perf_counter() - started
        for observer in self._observers:
            observer.fanout_done(elapsed, plan.decisions)

    def record(
        self, uow: PipelineUnitOfWork, message_id: str, event: ProviderFilled
    ) -> Planned | None:
        """Plan the copies of ``event`` for this shard's relationships and record them
        (decisions, intents, stops) in ``uow``, marking ``message_id`` processed; None if
        it was processed before. A block records its copies here before the provider's
        order is placed (docs/engine.md "Block execution")."""
        now = self._now()
        if not uow.processed.first_time(self._shard.consumer, message_id, now):
            return None
        copying = self._relationships.for_provider(uow, str(event.provider))
        rels = [rel for rel in copying if self._shard.owns(str(rel.id))]
        books = load_books(uow, rels)
        instrument = self._instruments[event.fill.symbol]
        prices = self._prices()
        plan = plan_copies(
            event, instrument, rels, books, prices, now, self._opening,
            self._live_books(), self._symbol_room(uow, event, rels, prices),
        )
        stops = _stop_at_max_loss(uow, plan.must_stop, books, now)
        reattached = [books[book].positions[symbol] for book, symbol in plan.reattach]
        for stored in reattached:
            stored.detached = stored.liquidated = False
        uow.positions.save_many(reattached)
        uow.decisions.add_planned(plan.decisions)
        uow.orders.add_copy_orders(plan.orders)
        uow.orders.add_intents(stops)
        return plan, stops, {r.id: r for r in rels}

    def planned(self, event: ProviderFilled, planned: Planned) -> None:
        """After the commit of ``record``: forget the stopped relationships."""
        if planned[0].must_stop:
            self._relationships.invalidate(str(event.provider))

    def after_costs(self, event: ProviderFilled, planned: Planned, booked: BookedFills) -> None:
        self._stop_after_costs(event, planned[0], planned[2], booked)

    def _symbol_room(
        self,
        uow: PipelineUnitOfWork,
        event: ProviderFilled,
        rels: Sequence[CopyRelationship],
        prices: Mapping[str, Decimal],
    ) -> dict[str, Decimal] | None:
        """What each follower may still add to the fill's symbol under the platform's cap
        on one follower's exposure (docs/domain.md, "Limits across providers"): the cap
        less the notional at the mark of all its relationships' positions in it. None
        (nothing read) when no cap is set."""
        cap = self._max_symbol_exposure
        if cap is None or not rels:
            return None
        symbol = event.fill.symbol
        price = prices.get(symbol, event.fill.price)
        followers = sorted({str(rel.follower) for rel in rels})
        held = uow.relationships.symbol_holdings(followers, symbol)
        return {f: cap - held.get(f, Decimal(0)) * price for f in followers}

    def _stop_after_costs(
        self,
        event: ProviderFilled,
        plan: CopyPlan,
        rels: Mapping[str, CopyRelationship],
        booked: BookedFills,
    ) -> None:
        """The copies' fees and commissions lower their equity: stop (``max_loss``) those
        whose drawdown they took to the limit, like any other change of copy equity."""
        costs: dict[str, Decimal] = defaultdict(Decimal)
        for fill in booked.fills:
            costs[str(fill.account)] += fill.fee
        for book, amount in booked.commissions:
            costs[book] += amount
        hit = [
            rels[rel_id]
            for rel_id, cost in costs.items()
            if rel_id in plan.equity_before
            and rels[rel_id] not in plan.must_stop
            and max_loss_reached(
                plan.equity_before[rel_id] - cost,
                rels[rel_id].net_allocated,
                rels[rel_id].settings.max_loss_pct,
            )
        ]
        if not hit:
            return
        now = self._now()
        with self._uow_factory() as uow:
            intents = _stop_at_max_loss(uow, hit, load_books(uow, hit), now)
            uow.orders.add_intents(intents)
            uow.commit()
        self._relationships.invalidate(str(event.provider))
        self._executor.execute([request_for(i, i.reduce_only) for i in intents])


def _stop_at_max_loss(
    uow: PipelineUnitOfWork,
    rels: Sequence[CopyRelationship],
    books: Mapping[str, BookState],
    now: datetime,
) -> list[OrderIntent]:
    """Stop each relationship (reason ``max_loss``) in the unit of work, telling both sides;
    the orders that close their positions. The stop's message finishes each stop.

    Each is read again under its row lock: the fan-out's copy may be stale, and saving
    it whole would overwrite what a settlement or a top-up committed meanwhile."""
    intents: list[OrderIntent] = []
    for cached in rels:
        rel = uow.relationships.get(cached.id, for_update=True)
        if not rel.state.mirrors_closes:
            continue  # stopped meanwhile
        stopped, closes = stop(rel, StopReason.MAX_LOSS, books[rel.book], now)
        uow.relationships.save(stopped, now)
        uow.outbox.add_many(STOPPED, stop_notifications(stopped, now), now)
        intents.extend(closes)
    return intents
