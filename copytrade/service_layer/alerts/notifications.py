"""A user's in-app alert notifications: listed newest first, marked read
(docs/alerts.md, "Notifications").

The notifications are the in-app notices the event stream shows (``alert.fired``: a
rule fired, with the values that made it fire; ``alert.channel_unhealthy``: a channel
was switched off after failing), read from the outbox rows that carry them; this
adds only whether the owner has read each one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from copytrade.adapters.db.repositories.notifications import NotificationSeen
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.alerts.channels import CHANNEL_UNHEALTHY
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.firings import ALERT_FIRED

NOTIFICATION_TOPICS = (ALERT_FIRED, CHANNEL_UNHEALTHY)
MAX_LIMIT = 1000
MAX_MARKED = 1000  # ids in one mark-read call
_FIRING_KEYS = ("rule", "symbol", "timeframe", "condition", "fired_at", "candle_open")
_CHANNEL_KEYS = ("channel", "kind", "target", "failures", "error")


class AlertNotifications:
    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def notifications(
        self, owner: str, limit: int = 100, *, unread_only: bool = False,
        before: int | None = None,
    ) -> list[dict[str, Any]]:
        """The owner's notifications, newest first (``before``: only older than that id)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidAlertError(f"a limit must be 1 to {MAX_LIMIT}, got {limit}")
        with self._uow_factory() as uow:
            found = uow.notifications.notifications(
                owner, NOTIFICATION_TOPICS, limit, unread_only=unread_only, before=before
            )
        return [notification_json(n) for n in found]

    def unread(self, owner: str, limit: int = MAX_LIMIT) -> int:
        """How many of the owner's notifications are unread (counted up to ``limit``)."""
        return len(self.notifications(owner, limit, unread_only=True))

    def mark_read(self, owner: str, ids: Collection[int] | None = None) -> int:
        """Mark the owner's notifications ``ids`` (all: None) read; how many were unread.
        An id that is not one of the owner's notifications changes nothing."""
        if ids is not None and len(ids) > MAX_MARKED:
            raise InvalidAlertError(f"at most {MAX_MARKED} notifications at once, got {len(ids)}")
        with self._uow_factory() as uow:
            marked = uow.notifications.mark_read(owner, NOTIFICATION_TOPICS, ids, self._clock())
            uow.commit()
        return marked


def notification_json(seen: NotificationSeen) -> dict[str, Any]:
    """``{id, type, created_at, read, firing, channel}``: ``firing`` for ``alert.fired``
    (what fired and the values on that candle and the one before), ``channel`` for
    ``alert.channel_unhealthy``; the other is null."""
    p = seen.payload
    firing = channel = None
    if seen.topic == ALERT_FIRED:
        firing = _pick(p, _FIRING_KEYS) | {
            "values": dict(p.get("values") or {}), "before": dict(p.get("before") or {}),
        }
    else:
        channel = _pick(p, _CHANNEL_KEYS)
    return {
        "id": seen.id, "type": seen.topic, "created_at": seen.created_at.isoformat(),
        "read": seen.read, "firing": firing, "channel": channel,
    }


def _pick(payload: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: payload.get(k) for k in keys}
