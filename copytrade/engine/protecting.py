"""What a follower protection's firing records (docs/domain.md, "Follower protections"):
a copy decision for each closing order, with the protection's reason code, and a
notice to the follower through the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.domain.copying import CopyAction, CopyRelationship, ReasonCode
from copytrade.domain.values import ZERO

# Told to the follower (the event stream reads it).
PROTECTION_FIRED = "relationship.protection_fired"


def protection_decisions(
    rel: CopyRelationship,
    reason: ReasonCode,
    intents: Sequence[OrderIntent],
    prices: Mapping[str, Decimal],
    now: datetime,
) -> list[DecisionRecord]:
    """One ``placed`` close decision per order; its "provider fill" names the occasion."""
    return [
        DecisionRecord(
            provider_fill_id=occasion(reason, i.symbol, now),
            relationship_id=str(rel.id),
            leg="close",
            follower_id=str(rel.follower),
            provider_id=str(rel.provider),
            symbol=i.symbol,
            action=CopyAction.PLACED.value,
            reason=reason.value,
            qty=i.qty,
            notional=i.qty * prices.get(i.symbol, ZERO),
            price=prices.get(i.symbol, ZERO),
            client_order_id=i.client_order_id,
            created_at=now,
        )
        for i in intents
    ]


def occasion(reason: ReasonCode, symbol: str, now: datetime) -> str:
    """The firing's id: a protection fires at most once per symbol and moment."""
    return f"{reason.value}:{symbol}:{now.isoformat()}"


def protection_notice(
    rel: CopyRelationship, reason: ReasonCode, symbols: Sequence[str], now: datetime
) -> list[tuple[str, dict[str, Any]]]:
    """The follower's message about a firing (keyed by relationship, reason and time)."""
    payload = {
        "relationship": str(rel.id),
        "provider": str(rel.provider),
        "reason": reason.value,
        "symbols": sorted(symbols),
        "fired_at": now.isoformat(),
        "to": str(rel.follower),
    }
    return [(f"protection:{rel.id}:{reason.value}:{now.isoformat()}", payload)]
