"""Single copies closed at a mark by the follower's protections (docs/domain.md,
"Follower protections"): a reduce-only market order per copy, each recorded as a
close decision with the protection's reason and a notice, in one unit of work."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.ids import RelationshipId
from copytrade.engine.books import BookState, load_books
from copytrade.engine.execution import Executor, request_for
from copytrade.engine.protecting import (
    PROTECTION_FIRED,
    occasion,
    protection_decisions,
    protection_notice,
)
from copytrade.engine.stopping import close_intents


def close_copies(
    uow_factory: Callable[[], SqlUnitOfWork],
    executor: Executor,
    prices: Mapping[str, Decimal],
    rel_id: RelationshipId,
    closes: Sequence[tuple[str, ReasonCode]],
    now: datetime,
) -> None:
    """Close single copies at market, each decision with its protection's reason; not
    one whose book still waits for the venue's answer to an order in that symbol."""
    intents: list[OrderIntent] = []
    with uow_factory() as uow:
        rel = uow.relationships.get(rel_id, for_update=True)
        book = load_books(uow, [rel])[rel.book]
        # A close still waiting for the venue's answer is not sent twice.
        waiting = {o.symbol for o in uow.orders.unconfirmed_of_book(rel.book)}
        for symbol, reason in closes:
            stored = book.positions.get(symbol)
            if stored is None or stored.position.is_flat or symbol in waiting:
                continue
            only = BookState(book.cash, {symbol: stored})
            made = close_intents(rel, only, occasion(reason, symbol, now), now)
            record_firing(uow, rel, reason, made, prices, now)
            intents.extend(made)
        uow.orders.add_intents(intents)
        uow.commit()
    executor.execute([request_for(i, i.reduce_only) for i in intents])


def record_firing(
    uow: SqlUnitOfWork,
    rel: CopyRelationship,
    reason: ReasonCode,
    intents: Sequence[OrderIntent],
    prices: Mapping[str, Decimal],
    now: datetime,
) -> None:
    uow.decisions.add_many(protection_decisions(rel, reason, intents, prices, now))
    symbols = [i.symbol for i in intents]
    uow.outbox.add_many(PROTECTION_FIRED, protection_notice(rel, reason, symbols, now), now)
