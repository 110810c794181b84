"""Firings stored with their notifications, in one transaction (docs/alerts.md).

For a batch of firings (the candles closed at one moment) one unit of work writes
the firing rows, each fired rule's count and time, and the owner's in-app
notification as an outbox message (topic ``alert.fired``, idempotency key
``alert:<close time>:<rule>``), then commits once: either all of it is durable or
none. A batch recorded again (a restart replaying the same candle) writes nothing
for the firings already stored.

The check for stored firings is skipped while every firing of a batch is later than
the latest one stored (read once, then followed as batches commit): a live evaluator
records close after close, so normally nothing can be stored yet. Should another
process have stored some meanwhile, the unique (rule, close time) key fails the whole
transaction; the recorder then reads the latest again and records with the check.

``fold_log`` (run by the caller once a batch is durable) folds SQLite's write-ahead log
into the database file, so that the next batch's commit does not pay for a checkpoint
of everything written since (docs/alerts.md, "Storage").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.gc_pause import frozen_heap
from copytrade.domain.alerts.firings import ALERT_FIRED, Firing


class AlertRecorder:
    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._latest: datetime | None = None  # the latest close time stored, once read
        self._latest_known = False

    def record(self, firings: Sequence[Firing]) -> int:
        """Store the firings not stored yet, with their notifications; how many."""
        if not firings:
            return 0
        skip_check = self._latest_known and (
            self._latest is None or min(f.fired_at for f in firings) > self._latest
        )
        try:
            return self._record(firings, check=not skip_check)
        except IntegrityError:
            self._latest_known = False
            if not skip_check:
                raise
            return self._record(firings, check=True)

    def fold_log(self) -> None:
        """After a batch is durable: SQLite's checkpoint, off the batch's own time."""
        with self._uow_factory() as uow:
            uow.checkpoint()

    def _record(self, firings: Sequence[Firing], check: bool) -> int:
        with frozen_heap(), self._uow_factory() as uow:
            if not self._latest_known:
                self._latest, self._latest_known = uow.alerts.latest_fired_at(), True
            # By close time, then rule: the unique (rule, close) and message-id indexes
            # then take their new keys in order, touching each index page once.
            new = sorted(firings, key=_order)
            if check:
                seen = uow.alerts.recorded(firings)
                new = [f for f in new if (str(f.rule.id), f.fired_at) not in seen]
            uow.alerts.record(new)
            uow.outbox.add_many(
                ALERT_FIRED, [(f.message_id, f.notice()) for f in new], self._clock()
            )
            uow.commit()
        if new:
            newest = max(f.fired_at for f in new)
            self._latest = newest if self._latest is None else max(self._latest, newest)
        return len(new)


def _order(firing: Firing) -> tuple[datetime, str]:
    return firing.fired_at, str(firing.rule.id)
