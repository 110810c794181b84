"""Notification channels and their deliveries (docs/alerts.md, "Channels")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base
from copytrade.adapters.db.types import UtcDateTime


class AlertChannelRow(Base):
    """A user's channel; ``sealed_secret`` is AES-GCM sealed (adapters/secrets.py)."""

    __tablename__ = "alert_channels"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    owner: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(512))
    options: Mapped[str] = mapped_column(Text)  # JSON of non-secret settings
    sealed_secret: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    healthy: Mapped[bool] = mapped_column(Boolean)
    failures: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AlertDeliveryRow(Base):
    """One message to one channel; ``id`` is the idempotency key sent with it."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(400), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    owner: Mapped[str] = mapped_column(String(ID_LENGTH))
    message_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | sent
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class AlertNotificationReadRow(Base):
    """A notification its owner has marked read: the outbox row of the in-app notice
    (``alert.fired``, ``alert.channel_unhealthy``), by its id (docs/alerts.md,
    "Notifications")."""

    __tablename__ = "alert_notification_reads"

    owner: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    notification_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime())
