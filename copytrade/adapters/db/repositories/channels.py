"""Notification channels and deliveries in SQL (docs/alerts.md, "Channels")."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import AlertChannelRow, AlertDeliveryRow
from copytrade.adapters.secrets import SecretBox
from copytrade.domain.alerts.channels import Channel, ChannelKind, next_attempt

PENDING = "pending"
SENT = "sent"


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: str
    channel: Channel
    sealed_secret: bytes | None
    payload: Mapping[str, Any]
    attempts: int


def secret_context(channel_id: str) -> str:
    """What a sealed channel secret is bound to: it opens on this channel only."""
    return f"alert_channels:{channel_id}:secret"


def channel_of(row: AlertChannelRow) -> Channel:
    return Channel(
        id=row.id, owner=row.owner, kind=ChannelKind(row.kind), target=row.target,
        options=json.loads(row.options), enabled=row.enabled, healthy=row.healthy,
        failures=row.failures,
    )


class ChannelRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, channel: Channel, sealed_secret: bytes | None, now: datetime) -> None:
        self._session.add(AlertChannelRow(
            id=channel.id, owner=channel.owner, kind=channel.kind.value, target=channel.target,
            options=json.dumps(dict(channel.options), sort_keys=True),
            sealed_secret=sealed_secret, enabled=channel.enabled, healthy=channel.healthy,
            failures=channel.failures, created_at=now,
        ))
        self._session.flush()

    def channels(self, owner: str | None = None) -> list[Channel]:
        query = select(AlertChannelRow).order_by(AlertChannelRow.created_at, AlertChannelRow.id)
        if owner is not None:
            query = query.where(AlertChannelRow.owner == owner)
        return [channel_of(r) for r in self._session.scalars(query)]

    def get(self, channel_id: str) -> tuple[Channel, bytes | None] | None:
        row = self._session.get(AlertChannelRow, channel_id)
        return None if row is None else (channel_of(row), row.sealed_secret)

    def update(self, channel: Channel, sealed_secret: bytes | None) -> bool:
        """Store the channel's target, options and switch (and a new sealed secret, when
        given); False if there is no such channel."""
        values: dict[str, Any] = {
            "target": channel.target, "enabled": channel.enabled,
            "options": json.dumps(dict(channel.options), sort_keys=True),
        }
        if sealed_secret is not None:
            values["sealed_secret"] = sealed_secret
        found = self._session.execute(
            update(AlertChannelRow).where(AlertChannelRow.id == channel.id).values(**values)
        )
        return bool(found.rowcount)  # type: ignore[attr-defined]

    def remove(self, channel_id: str) -> bool:
        """Delete the channel and its deliveries not sent yet (sent ones stay)."""
        self._session.execute(delete(AlertDeliveryRow).where(
            AlertDeliveryRow.channel_id == channel_id, AlertDeliveryRow.status == PENDING
        ))
        found = self._session.execute(
            delete(AlertChannelRow).where(AlertChannelRow.id == channel_id)
        )
        return bool(found.rowcount)  # type: ignore[attr-defined]

    def deliverable(self, owner: str) -> list[Channel]:
        """The owner's enabled, healthy channels."""
        return [c for c in self.channels(owner) if c.enabled and c.healthy]

    def add_deliveries(
        self, deliveries: Sequence[tuple[str, Channel]], message_id: str,
        payload: Mapping[str, Any], now: datetime,
    ) -> None:
        text = json.dumps(payload, sort_keys=True, default=str)
        for key, channel in deliveries:
            if self._session.get(AlertDeliveryRow, key) is None:
                self._session.add(AlertDeliveryRow(
                    id=key, channel_id=channel.id, owner=channel.owner, message_id=message_id,
                    payload=text, status=PENDING, attempts=0, next_attempt_at=now,
                    created_at=now,
                ))
        self._session.flush()

    def due(self, now: datetime, limit: int) -> list[DueDelivery]:
        """Pending deliveries whose time has come, on enabled healthy channels, oldest first."""
        query = (
            select(AlertDeliveryRow, AlertChannelRow)
            .join(AlertChannelRow, AlertChannelRow.id == AlertDeliveryRow.channel_id)
            .where(
                AlertDeliveryRow.status == PENDING, AlertDeliveryRow.next_attempt_at <= now,
                AlertChannelRow.enabled.is_(True), AlertChannelRow.healthy.is_(True),
            )
            .order_by(AlertDeliveryRow.created_at, AlertDeliveryRow.id)
            .limit(limit)
        )
        return [
            DueDelivery(d.id, channel_of(c), c.sealed_secret, json.loads(d.payload), d.attempts)
            for d, c in self._session.execute(query)
        ]

    def mark_sent(self, delivery: str, channel_id: str, now: datetime) -> None:
        self._session.execute(update(AlertDeliveryRow).where(AlertDeliveryRow.id == delivery)
                              .values(status=SENT, sent_at=now, last_error=None))
        self.set_health(channel_id, healthy=True, failures=0)

    def mark_failed(self, delivery: str, channel_id: str, error: str, now: datetime) -> int:
        """Count a failed try of the delivery and of its channel; the channel's
        consecutive failures after it."""
        row = self._session.get(AlertDeliveryRow, delivery, with_for_update=True)
        if row is not None:
            row.attempts += 1
            row.last_error = error[:1000]
            row.next_attempt_at = next_attempt(now, row.attempts)
        channel = self._session.get(AlertChannelRow, channel_id, with_for_update=True)
        if channel is None:
            return 0
        channel.failures += 1
        self._session.flush()
        return channel.failures

    def set_health(self, channel_id: str, *, healthy: bool, failures: int | None = None) -> None:
        values: dict[str, Any] = {"healthy": healthy}
        if failures is not None:
            values["failures"] = failures
        self._session.execute(
            update(AlertChannelRow).where(AlertChannelRow.id == channel_id).values(**values)
        )

    def reseal_all(self, old: SecretBox, new: SecretBox) -> int:
        """Re-encrypt every channel secret from ``old`` to ``new``; how many. All are
        opened first, so one that does not open raises with nothing changed."""
        rows = list(self._session.scalars(
            select(AlertChannelRow).where(AlertChannelRow.sealed_secret.is_not(None))
        ))
        opened = [(row, old.open(row.sealed_secret or b"", secret_context(row.id))) for row in rows]
        for row, secret in opened:
            row.sealed_secret = new.seal(secret, secret_context(row.id))
        self._session.flush()
        return len(opened)

    def deliveries(self, owner: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(AlertDeliveryRow).order_by(AlertDeliveryRow.created_at.desc()).limit(limit)
        if owner is not None:
            query = query.where(AlertDeliveryRow.owner == owner)
        return [
            {"id": r.id, "channel": r.channel_id, "status": r.status, "attempts": r.attempts,
             "last_error": r.last_error,
             "sent_at": None if r.sent_at is None else r.sent_at.isoformat()}
            for r in self._session.scalars(query)
        ]
