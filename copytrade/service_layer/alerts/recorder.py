"""Firings stored with their notifications, in one transaction (docs/alerts.md).

For a batch of firings (the candles closed at one moment) one unit of work writes
the firing rows, each fired rule's count and time, and the owner's in-app
notification as an outbox message (topic ``alert.fired``, idempotency key
``alert:<rule>:<close time>``), then commits once: either all of it is durable or
none. A batch recorded again (a restart replaying the same candle) writes nothing
for the firings already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.gc_pause import frozen_heap
from copytrade.domain.alerts.firings import ALERT_FIRED, Firing


class AlertRecorder:
    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def record(self, firings: Sequence[Firing]) -> int:
        """Store the firings not stored yet, with their notifications; how many."""
        if not firings:
            return 0
        with frozen_heap(), self._uow_factory() as uow:
            seen = uow.alerts.recorded(firings)
            new = [f for f in firings if (str(f.rule.id), f.fired_at) not in seen]
            uow.alerts.record(new)
            uow.outbox.add_many(
                ALERT_FIRED, [(f.message_id, f.notice()) for f in new], self._clock()
            )
            uow.commit()
        return len(new)
