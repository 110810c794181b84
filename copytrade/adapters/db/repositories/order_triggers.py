"""The trigger status of the platform's own order records (``orders.trigger_status``,
migration 0040), moved by the venue's answers through the domain's transition table
(copytrade/domain/trigger_status.py; docs/venues.md "Trigger orders")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import OrderRow
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.trigger_status import TriggerStatus, next_trigger_status

_ORDERS = cast(Table, OrderRow.__table__)
_UPDATE = BulkStatement(
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"))
    .values(trigger_status=bindparam("new_trigger_status")),
    ("order_id", "new_trigger_status"),
)
_CURRENT = KeyedSelect(
    select(OrderRow.id, OrderRow.trigger_status).where(OrderRow.id.in_(keys_param()))
)


def record_trigger_statuses(session: Session, answers: Sequence[VenueOrder]) -> None:
    """Move each trigger order's status as its answer says; a plain order's answer
    carries none, so a batch of plain orders reads and writes nothing here."""
    triggered = [a for a in answers if a.trigger_status is not None]
    if not triggered:
        return
    current: dict[str, TriggerStatus | None] = {
        key: None if status is None else TriggerStatus(status)
        for key, status in _CURRENT.rows(session, [str(a.client_order_id) for a in triggered])
    }
    changed: dict[str, TriggerStatus | None] = {}
    for answer in triggered:
        key = str(answer.client_order_id)
        status = next_trigger_status(current.get(key), answer.trigger_status)
        if status is not current.get(key):
            current[key] = changed[key] = status
    _UPDATE.execute(
        session,
        [
            {"order_id": key, "new_trigger_status": None if s is None else s.value}
            for key, s in changed.items()
        ],
    )


__all__ = ["record_trigger_statuses"]
