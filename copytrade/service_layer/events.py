"""One user's own events, read forward from a cursor (the ``/api/v1/events`` stream).

Sources: the copy decisions of the user's relationships (placed, capped,
skipped), the fills of its own book and of its relationships' books, and the
outbox notices addressed to it (settlements, subscription charges, stops, sign-ups
tried with its address, follower protections fired (docs/domain.md), alert firings
and unhealthy alert channels: docs/alerts.md;
a live relationship's fees owed or reconciliation mismatch: docs/settlement.md,
docs/venues.md; a provider's notices name no follower). The cursor is the last id
read of each source, written ``D.F.N``; every event carries the cursor after it, so a client that
reconnects with it (SSE ``Last-Event-ID``) misses nothing and sees nothing twice.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from copytrade.adapters.db.repositories.activity import DecisionSeen, FillSeen, NoticeSeen
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.alerts.channels import CHANNEL_UNHEALTHY
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.domain.errors import InvalidValueError
from copytrade.engine.protecting import PROTECTION_FIRED
from copytrade.engine.stopping import STOPPED
from copytrade.service_layer.event_horizon import EventHorizon
from copytrade.service_layer.identity import SIGN_UP_ATTEMPT
from copytrade.service_layer.live_fees import FEES_OWED
from copytrade.service_layer.live_reconcile import RECONCILIATION_MISMATCH
from copytrade.service_layer.provider_orders import stored_id
from copytrade.service_layer.settlement.batch import SETTLED
from copytrade.service_layer.subscriptions import CHARGED, UNPAID_NOTICE

NOTICE_TOPICS = (SETTLED, CHARGED, UNPAID_NOTICE, STOPPED, SIGN_UP_ATTEMPT, ALERT_FIRED,
                 CHANNEL_UNHEALTHY, FEES_OWED, RECONCILIATION_MISMATCH, PROTECTION_FIRED)


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    decisions: int = 0
    fills: int = 0
    notices: int = 0

    def __str__(self) -> str:
        return f"{self.decisions}.{self.fills}.{self.notices}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        if not text:
            return cls()
        parts = text.strip().split(".")
        if len(parts) != 3 or not all(p.isdigit() and len(p) <= 18 for p in parts):
            raise InvalidValueError(
                f"event cursor must be three numbers like 12.40.7 (an event id), got {text!r}"
            )
        return cls(*(int(p) for p in parts))


@dataclass(frozen=True, slots=True)
class Event:
    id: str  # the cursor after this event
    type: str
    at: datetime
    data: dict[str, Any]


class EventFeed:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], batch: int = 500) -> None:
        self._uow_factory = uow_factory
        self._batch = batch
        self._horizon = EventHorizon(uow_factory)  # this stream's: docs/api.md "Live events"

    def now(self) -> Cursor:
        """The cursor of this moment: resuming after it sends only later events (a page
        that shows the state now listens from here). Final: no transaction still in
        progress can commit an event below it (``EventHorizon``), when the transactions in
        progress finish within 2 s; else the head as observed (one of them may be missed)."""
        with self._uow_factory() as uow:
            head = uow.activity.head()
        final, reached = self._horizon.settled(2.0)
        return Cursor(*(final if reached and final is not None else head))

    def after(
        self, user_id: str, cursor: Cursor, settle_s: float = 0.0
    ) -> tuple[list[Event], Cursor]:
        """The user's events after ``cursor`` (at most a batch per source), oldest first;
        only up to the horizon, below which no transaction in progress can still commit
        one (several writers: docs/api.md "Live events"). ``settle_s``: how long to wait
        for the transactions in progress now (a one-off read waits; a stream reads on)."""
        horizon, _reached = self._horizon.settled(settle_s)
        if horizon is None:
            return [], cursor
        upto_d, upto_f, upto_n = horizon
        with self._uow_factory() as uow:
            activity = uow.activity
            decisions = activity.decisions_after(user_id, cursor.decisions, self._batch, upto_d)
            fills = activity.fills_after(user_id, cursor.fills, self._batch, upto_f)
            notices = activity.notices_after(
                user_id, NOTICE_TOPICS, cursor.notices, self._batch, upto_n
            )
        # Each source stays in id order (the cursor depends on it); merged by time.
        merged = heapq.merge(
            ((d.created_at, 0, d) for d in decisions),
            ((f.ts, 1, f) for f in fills),
            ((n.created_at, 2, n) for n in notices),
            key=lambda item: (item[0], item[1]),
        )
        events: list[Event] = []
        d_id, f_id, n_id = cursor.decisions, cursor.fills, cursor.notices
        for _, _, row in merged:
            if isinstance(row, DecisionSeen):
                d_id = row.id
                kind, data, at = f"copy.{row.action}", _decision(row), row.created_at
            elif isinstance(row, FillSeen):
                f_id = row.id
                kind, data, at = "fill", _fill(row, user_id), row.ts
            else:
                assert isinstance(row, NoticeSeen)
                n_id = row.id
                kind, data, at = row.topic, _notice(row), row.created_at
            events.append(Event(str(Cursor(d_id, f_id, n_id)), kind, at, data))
        return events, Cursor(d_id, f_id, n_id)


def _decision(row: DecisionSeen) -> dict[str, Any]:
    return {
        "relationship_id": row.relationship_id,
        "provider_id": row.provider_id,
        "provider_fill_id": row.provider_fill_id,
        "leg": row.leg,
        "symbol": row.symbol,
        "action": row.action,
        "reason": row.reason,
        "qty": decimal_text(row.qty),
        "notional": decimal_text(row.notional),
        "price": decimal_text(row.price),
        "at": row.created_at.isoformat(),
    }


def _fill(row: FillSeen, user_id: str) -> dict[str, Any]:
    own = row.book == user_id
    return {
        "book": "own" if own else row.book,
        "relationship_id": None if own else row.book,
        "client_order_id": row.order_id.removeprefix(stored_id(user_id, "")) if own else None,
        "symbol": row.symbol,
        "side": row.side,
        "qty": decimal_text(row.qty),
        "price": decimal_text(row.price),
        "fee": decimal_text(row.fee),
        "at": row.ts.isoformat(),
    }


def _notice(row: NoticeSeen) -> dict[str, Any]:
    # The notice's own id names the relationship; the stream's event id replaces it.
    data = {k: v for k, v in row.payload.items() if k not in ("to", "id")}
    data["at"] = row.created_at.isoformat()
    return data
