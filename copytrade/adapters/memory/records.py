"""The fake's other repositories: processed messages, outbox, trades, fees, cursors,
accounts, equity (memory_uow.py).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.outbox import OutboxMessage
from copytrade.domain.trades import Trade

from .state import DuplicateKeyError, OutboxEntry
from .undo import UndoLog


class MemoryProcessed:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def first_time(self, consumer: str, message_id: str, now: datetime) -> bool:
        key = (consumer, message_id)
        if key in self._state.processed:
            return False
        self._log.add("processed", key)
        return True


class MemoryOutbox:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add(self, topic: str, message_id: str, payload: Mapping[str, Any], now: datetime) -> None:
        self.add_many(topic, [(message_id, payload)], now)

    def add_many(
        self, topic: str, messages: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
    ) -> None:
        for message_id, payload in messages:
            if message_id in self._state.outbox_ids:
                raise DuplicateKeyError(f"outbox message {message_id!r} exists")
            # Stored as JSON text, as the SQL outbox does: what a consumer reads back.
            stored = json.loads(json.dumps(payload, sort_keys=True, default=str))
            number = len(self._state.outbox) + 1
            self._log.put("outbox_ids", message_id, number)
            self._log.add("undelivered", number)
            self._log.extend("outbox", [OutboxEntry(number, message_id, topic, stored)])

    def pending(self, limit: int, topics: Collection[str] | None = None) -> list[OutboxMessage]:
        found: list[OutboxMessage] = []
        for number in sorted(self._state.undelivered):  # few: delivered soon after added
            if len(found) == limit:
                break
            e = self._state.outbox[number - 1]
            if topics is None or e.topic in topics:
                found.append(OutboxMessage(e.id, e.message_id, e.topic, e.payload))
        return found

    def mark_delivered(self, ids: Sequence[int], now: datetime) -> None:
        for number in self._known(ids):
            self._update(number, replace(self._state.outbox[number - 1], delivered_at=now))
            self._log.discard("undelivered", number)

    def mark_delivered_by_message_id(self, message_id: str, now: datetime) -> None:
        number = self._state.outbox_ids.get(message_id)
        if number is not None and number in self._state.undelivered:
            self.mark_delivered([number], now)

    def record_attempt(self, ids: Sequence[int]) -> None:
        for number in self._known(ids):
            entry = self._state.outbox[number - 1]
            self._update(number, replace(entry, attempts=entry.attempts + 1))

    def _known(self, ids: Sequence[int]) -> list[int]:
        """The ids given that exist, each once (an update by key, as in SQL)."""
        return sorted(n for n in set(ids) if 0 < n <= len(self._state.outbox))

    def _update(self, number: int, entry: OutboxEntry) -> None:
        self._log.replace_at("outbox", number - 1, entry)


class MemoryTrades:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add_many(self, trades: Sequence[Trade]) -> None:
        self._log.extend("trades", trades)


class MemoryTradeTallies:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add_trades(self, trades: Sequence[Trade]) -> None:
        self._log.extend("tallied", trades)


class MemoryFees:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def commission_books(self, books: Sequence[str]) -> set[str]:
        return set(books) & self._state.commission_books


class MemoryCursors:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def get(self, name: str) -> int:
        return self._state.cursors.get(name, 0)

    def locked(self, name: str) -> int:
        return self.get(name)  # one process: nothing to lock

    def set(self, name: str, position: int) -> None:
        self._log.put("cursors", name, position)


class MemoryAccounts:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def provider_ids(self) -> set[str]:
        return set(self._state.providers)


class MemoryEquity:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def record_closes(self, day: date, closes: Mapping[str, Decimal]) -> None:
        for book, equity in closes.items():
            self._log.put("equity", (book, day), equity)
