"""The transactional outbox: messages saved with the change that caused them."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.json_text import json_text
from copytrade.adapters.db.schema import OutboxRow, ProcessedMessageRow

_OUTBOX = cast(Table, OutboxRow.__table__)
_INSERT = BulkStatement(
    insert(_OUTBOX), ("message_id", "topic", "payload", "created_at", "attempts")
)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    message_id: str
    topic: str
    payload: Mapping[str, Any]


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.staged = False  # whether this transaction added a message

    def add(self, topic: str, message_id: str, payload: Mapping[str, Any], now: datetime) -> None:
        """Stage a message; it is only visible to the relay once the transaction commits."""
        self.add_many(topic, [(message_id, payload)], now)

    def add_many(
        self, topic: str, messages: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
    ) -> None:
        if not messages:
            return
        self.staged = True
        count = len(messages)
        _INSERT.execute_columns(self._session, {
            "message_id": [message_id for message_id, _ in messages],
            "topic": [topic] * count,
            "payload": [json_text(payload) for _, payload in messages],
            "created_at": [now] * count,
            "attempts": [0] * count,
        })

    def pending(self, limit: int, topics: Collection[str] | None = None) -> list[OutboxMessage]:
        """The oldest undelivered messages (of ``topics`` only, when given), in order."""
        query = select(OutboxRow.id, OutboxRow.message_id, OutboxRow.topic, OutboxRow.payload)
        query = query.where(OutboxRow.delivered_at.is_(None))
        if topics is not None:
            query = query.where(OutboxRow.topic.in_(sorted(topics)))
        rows = self._session.execute(query.order_by(OutboxRow.id).limit(limit)).all()
        return [OutboxMessage(r.id, r.message_id, r.topic, json.loads(r.payload)) for r in rows]

    def mark_delivered(self, ids: Sequence[int], now: datetime) -> None:
        if ids:
            self._session.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids)).values(delivered_at=now)
            )

    def mark_delivered_by_message_id(self, message_id: str, now: datetime) -> None:
        """Mark a message delivered by its id, e.g. once its effect was applied directly."""
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.message_id == message_id, OutboxRow.delivered_at.is_(None))
            .values(delivered_at=now)
        )

    def record_attempt(self, ids: Sequence[int]) -> None:
        if ids:
            self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids))
                .values(attempts=OutboxRow.attempts + 1)
            )

    def count_pending(self) -> int:
        return int(
            self._session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.delivered_at.is_(None))
            )
            or 0
        )

    def oldest_pending_at(self) -> datetime | None:
        """When the oldest undelivered message was written; None when none waits."""
        return self._session.scalar(
            select(func.min(OutboxRow.created_at)).where(OutboxRow.delivered_at.is_(None))
        )


class ProcessedMessages:
    """What each consumer has already handled, so redelivery is a no-op."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def first_time(self, consumer: str, message_id: str, now: datetime) -> bool:
        """Record the message; False when this consumer has processed it before.

        On PostgreSQL two processes may hand the same message to the same consumer at
        once (two API servers relaying one outbox): the insert of the second waits for
        the first's transaction and, once it commits, records nothing and says False."""
        if self._session.get_bind().dialect.name == "postgresql":
            row = {"consumer": consumer, "message_id": message_id, "processed_at": now}
            inserted = self._session.execute(
                pg_insert(ProcessedMessageRow)
                .values(**row)
                .on_conflict_do_nothing()
                .returning(ProcessedMessageRow.consumer)
            ).first()
            return inserted is not None
        seen = self._session.get(ProcessedMessageRow, (consumer, message_id))
        if seen is not None:
            return False
        self._session.add(
            ProcessedMessageRow(consumer=consumer, message_id=message_id, processed_at=now)
        )
        self._session.flush()
        return True
