"""Deliver committed outbox messages, at least once, in the order they were written."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol

from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.marketdata.clock import Clock


class Publisher(Protocol):
    """Where outbox messages go: the in-process bus now, NATS JetStream later."""

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None: ...


class OutboxRelay:
    def __init__(
        self,
        uow_factory: Callable[[], PipelineUnitOfWork],
        publisher: Publisher,
        clock: Clock,
        batch_size: int = 500,
        outbox_commits: Callable[[], int] | None = None,
    ) -> None:
        """``outbox_commits``: for a process that is its database's only writer, the count of
        its committed transactions that added outbox messages; while it has not grown since
        a poll found nothing pending, polling again is skipped (docs/engine.md, "Idle
        pumps"). None (the default): every call polls."""
        self._uow_factory = uow_factory
        self._publisher = publisher
        self._clock = clock
        self._batch_size = batch_size
        self._outbox_commits = outbox_commits
        self._empty_at: int | None = None  # the count when a poll of every topic found nothing

    def relay_once(self, topics: Collection[str] | None = None) -> int:
        """Publish one batch of pending messages (of ``topics`` only, when given);
        returns how many were delivered.

        A message is marked delivered only after ``publish`` returned, so a crash
        in between delivers it again: consumers deduplicate by message id. A
        publish that raises stops the batch (order is kept) and propagates.
        """
        commits = self._outbox_commits() if self._outbox_commits is not None else None
        if topics is None and commits is not None and commits == self._empty_at:
            return 0  # nothing was written to the outbox since it was found empty
        with self._uow_factory() as uow:
            pending = uow.outbox.pending(self._batch_size, topics)
        if not pending:
            if topics is None:
                self._empty_at = commits
            return 0  # nothing to mark: no second transaction
        delivered: list[int] = []
        try:
            for message in pending:
                self._publisher.publish(message.topic, message.message_id, message.payload)
                delivered.append(message.id)
        finally:
            with self._uow_factory() as uow:
                uow.outbox.mark_delivered(delivered, self._clock.now())
                failed = [m.id for m in pending[len(delivered) : len(delivered) + 1]]
                uow.outbox.record_attempt(failed)
                uow.commit()
        return len(delivered)

    def relay_all(self, topics: Collection[str] | None = None) -> int:
        total = 0
        while (count := self.relay_once(topics)) > 0:
            total += count
        return total
