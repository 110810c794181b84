"""The paper_triggers table (migration 0030): trigger orders waiting for the mark, and
the triggers of those that fired (docs/venues.md "Trigger orders"). Reads and writes in
the caller's venue transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema.paper import PaperTriggerRow
from copytrade.adapters.venues.order_terms import TimeInForce, Trigger, TriggerStatus
from copytrade.adapters.venues.paper.triggers import PendingTrigger
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.orders import OrderType

_TABLE = PaperTriggerRow.__table__
_CHUNK = 500
OrderKey = tuple[str, str]


def load_pending(session: Session, symbol: str) -> list[PendingTrigger]:
    """The trigger orders waiting on ``symbol``, oldest first (the order they fire in)."""
    query = (
        select(_TABLE)
        .where(_TABLE.c.symbol == symbol, _TABLE.c.status == TriggerStatus.PENDING.value)
        .order_by(_TABLE.c.created_at, _TABLE.c.id)
    )
    return [_from_row(row) for row in session.connection().execute(query)]


def load(session: Session, keys: Iterable[OrderKey]) -> dict[OrderKey, PendingTrigger]:
    """The trigger orders (any status) of these (account, client order id) keys."""
    wanted = list(dict.fromkeys(keys))
    found: dict[OrderKey, PendingTrigger] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        ids = {cid for _, cid in chunk}
        query = select(_TABLE).where(_TABLE.c.client_order_id.in_(ids))
        for row in session.connection().execute(query):
            key = (row.account, row.client_order_id)
            if key in chunk:
                found[key] = _from_row(row)
    return found


def insert_new(session: Session, triggers: Sequence[PendingTrigger]) -> None:
    if triggers:
        session.connection().execute(insert(PaperTriggerRow), [_values(t) for t in triggers])


def save_changed(session: Session, triggers: Sequence[PendingTrigger]) -> None:
    """Write back the status, best mark, reason and time of changed triggers."""
    for t in triggers:
        session.connection().execute(
            update(PaperTriggerRow)
            .where(_TABLE.c.id == t.venue_order_id)
            .values(
                status=t.status.value,
                best_mark=t.best_mark,
                reason=t.reason,
                updated_at=t.updated_at,
            )
        )


def _values(t: PendingTrigger) -> dict[str, Any]:
    r, trigger = t.request, t.trigger
    return {
        "id": t.venue_order_id,
        "account": r.account,
        "client_order_id": r.client_order_id,
        "symbol": r.symbol,
        "side": r.side.value,
        "type": r.type.value,
        "qty": r.qty,
        "limit_price": r.limit_price,
        "leverage": r.leverage,
        "reduce_only": r.reduce_only,
        "margin_mode": r.margin_mode.value,
        "time_in_force": r.time_in_force.value,
        "post_only": r.post_only,
        "kind": trigger.kind.value,
        "trigger_price": trigger.price,
        "trail_distance": trigger.trail_distance,
        "trail_percent": trigger.trail_percent,
        "best_mark": t.best_mark,
        "status": t.status.value,
        "reason": t.reason,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }


def _from_row(row: Any) -> PendingTrigger:
    trigger = Trigger(row.kind, row.trigger_price, row.trail_distance, row.trail_percent)
    request = OrderRequest(
        client_order_id=ClientOrderId(row.client_order_id),
        account=row.account,
        symbol=row.symbol,
        side=Side(row.side),
        type=OrderType(row.type),
        qty=row.qty,
        limit_price=row.limit_price,
        leverage=row.leverage,
        reduce_only=row.reduce_only,
        margin_mode=MarginMode.parse(row.margin_mode),
        trigger=trigger,
        time_in_force=TimeInForce(row.time_in_force),
        post_only=row.post_only,
    )
    return PendingTrigger(
        OrderId(row.id),
        request,
        row.best_mark,
        TriggerStatus(row.status),
        row.reason,
        row.created_at,
        row.updated_at,
    )


__all__ = ["insert_new", "load", "load_pending", "save_changed"]
