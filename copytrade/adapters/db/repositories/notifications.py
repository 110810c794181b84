"""A user's in-app alert notifications and which of them are read (docs/alerts.md,
"Notifications").

A notification is the outbox row of an in-app notice addressed to the user (its
payload's ``to``): the very row the event stream shows. Its id is the row's id, so
the list and the stream name a notification alike; the rows are never deleted. Read
marks are kept beside them (``alert_notification_reads``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.activity import addressed_to
from copytrade.adapters.db.schema import AlertNotificationReadRow, OutboxRow

_SCAN = 500  # outbox rows read at a time while looking for a user's notices


class NotificationSeen(NamedTuple):
    id: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    read: bool


class NotificationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def notifications(
        self, owner: str, topics: Sequence[str], limit: int, *, unread_only: bool = False,
        before: int | None = None,
    ) -> list[NotificationSeen]:
        """The owner's notices of ``topics``, newest first (ids below ``before``)."""
        read = self._read(owner)
        found: list[NotificationSeen] = []
        for row in self._addressed(owner, topics, before):
            seen = NotificationSeen(
                row.id, row.topic, json.loads(row.payload), row.created_at, row.id in read
            )
            if seen.payload.get("to") != owner or (unread_only and seen.read):
                continue
            found.append(seen)
            if len(found) >= limit:
                break
        return found

    def mark_read(
        self, owner: str, topics: Sequence[str], ids: Collection[int] | None, now: datetime
    ) -> int:
        """Mark the owner's notices ``ids`` (all of them: None) read; how many were unread.
        Ids that are not the owner's notices are left alone."""
        wanted = None if ids is None else set(ids)
        if wanted is not None and not wanted:
            return 0
        read = self._read(owner)
        marked = 0
        # Newest first: the scan ends below the oldest id asked for.
        before = None if wanted is None else max(wanted) + 1
        oldest = 0 if wanted is None else min(wanted)
        for row in self._addressed(owner, topics, before):
            if row.id < oldest:
                break
            if row.id in read or (wanted is not None and row.id not in wanted):
                continue
            if json.loads(row.payload).get("to") != owner:
                continue
            self._session.add(AlertNotificationReadRow(
                owner=owner, notification_id=row.id, read_at=now
            ))
            read.add(row.id)
            marked += 1
            if wanted is not None and wanted <= read:
                break
        self._session.flush()
        return marked

    def _read(self, owner: str) -> set[int]:
        r = AlertNotificationReadRow
        return set(self._session.scalars(select(r.notification_id).where(r.owner == owner)))

    def _addressed(self, owner: str, topics: Sequence[str], before: int | None) -> Iterator[Any]:
        """The outbox rows of ``topics`` that may be addressed to ``owner``, newest first,
        read a batch at a time."""
        o = OutboxRow
        while True:
            query = select(o.id, o.topic, o.payload, o.created_at).where(
                o.topic.in_(topics), addressed_to(owner)
            )
            if before is not None:
                query = query.where(o.id < before)
            rows = list(self._session.execute(query.order_by(o.id.desc()).limit(_SCAN)))
            yield from rows
            if len(rows) < _SCAN:
                return
            before = rows[-1].id
