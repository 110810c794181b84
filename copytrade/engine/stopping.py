"""Stopping a relationship: the state change and, where asked, closing its positions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.domain.copying import CopyRelationship, Stopped, StopReason, closes_positions_on_stop
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.engine.books import BookState

# Told to both sides through the outbox (the event stream reads it); the provider's
# message names no follower, like a settlement's.
STOPPED = "relationship.stopped"


def close_intents(
    rel: CopyRelationship, book: BookState, purpose: str, now: datetime
) -> list[OrderIntent]:
    """Market orders that flatten every open position of the book, reduce-only.

    ``purpose`` makes the client order ids unique per occasion (a stop, a manual
    close), so repeating the same occasion never sends a second order.
    """
    intents = []
    for stored in book.open_positions():
        position = stored.position
        symbol = position.instrument.symbol
        intents.append(
            OrderIntent(
                client_order_id=str(ClientOrderId.derive("cl", str(rel.id), symbol, purpose)),
                book=rel.book,
                symbol=symbol,
                side=(Side.SELL if position.qty > 0 else Side.BUY).value,
                type=OrderType.MARKET.value,
                qty=abs(position.qty),
                leverage=Decimal(1),
                created_at=now,
                reduce_only=True,
                relationship_id=str(rel.id),
                provider_id=str(rel.provider),
            )
        )
    return intents


def stop(
    rel: CopyRelationship, reason: StopReason, book: BookState, now: datetime
) -> tuple[CopyRelationship, list[OrderIntent]]:
    """The stopped relationship and the orders that close its positions (if any)."""
    stopped = rel.apply(Stopped(reason))
    if not closes_positions_on_stop(reason, rel.settings.close_on_stop):
        return stopped, []
    return stopped, close_intents(rel, book, f"stop:{reason}", now)


def stop_notifications(rel: CopyRelationship, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The follower's and the provider's message about a stopped relationship."""
    reason = str(rel.state.stop_reason)
    base = f"stopped:{rel.id}"
    follower = {
        "relationship": str(rel.id),
        "provider": str(rel.provider),
        "reason": reason,
        "stopped_at": now.isoformat(),
        "to": str(rel.follower),
    }
    provider = {"reason": reason, "stopped_at": now.isoformat(), "to": str(rel.provider)}
    return [(f"{base}:follower", follower), (f"{base}:provider", provider)]
