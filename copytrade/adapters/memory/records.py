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

from .state import DuplicateKeyError, MemoryState, OutboxEntry


class MemoryProcessed:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def first_time(self, consumer: str, message_id: str, now: datetime) -> bool:
        key = (consumer, message_id)
        if key in self._state.processed:
            return False
        self._state.processed.add(key)
        return True


class MemoryOutbox:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, topic: str, message_id: str, payload: Mapping[str, Any], now: datetime) -> None:
        self.add_many(topic, [(message_id, payload)], now)

    def add_many(
        self, topic: str, messages: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
    ) -> None:
        outbox = self._state.outbox
        taken = {entry.message_id for entry in outbox}
        for message_id, payload in messages:
            if message_id in taken:
                raise DuplicateKeyError(f"outbox message {message_id!r} exists")
            taken.add(message_id)
            # Stored as JSON text, as the SQL outbox does: what a consumer reads back.
            stored = json.loads(json.dumps(payload, sort_keys=True, default=str))
            outbox.append(OutboxEntry(len(outbox) + 1, message_id, topic, stored))

    def pending(self, limit: int, topics: Collection[str] | None = None) -> list[OutboxMessage]:
        found = [
            OutboxMessage(e.id, e.message_id, e.topic, e.payload)
            for e in self._state.outbox
            if e.delivered_at is None and (topics is None or e.topic in topics)
        ]
        return found[:limit]

    def mark_delivered(self, ids: Sequence[int], now: datetime) -> None:
        self._update(lambda e: e.id in ids, lambda e: replace(e, delivered_at=now))

    def mark_delivered_by_message_id(self, message_id: str, now: datetime) -> None:
        self._update(
            lambda e: e.message_id == message_id and e.delivered_at is None,
            lambda e: replace(e, delivered_at=now),
        )

    def record_attempt(self, ids: Sequence[int]) -> None:
        self._update(lambda e: e.id in ids, lambda e: replace(e, attempts=e.attempts + 1))

    def _update(self, which: Any, change: Any) -> None:
        self._state.outbox = [change(e) if which(e) else e for e in self._state.outbox]


class MemoryTrades:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_many(self, trades: Sequence[Trade]) -> None:
        self._state.trades.extend(trades)


class MemoryTradeTallies:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_trades(self, trades: Sequence[Trade]) -> None:
        self._state.tallied.extend(trades)


class MemoryFees:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def commission_books(self, books: Sequence[str]) -> set[str]:
        return set(books) & self._state.commission_books


class MemoryCursors:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get(self, name: str) -> int:
        return self._state.cursors.get(name, 0)

    def locked(self, name: str) -> int:
        return self.get(name)  # one process: nothing to lock

    def set(self, name: str, position: int) -> None:
        self._state.cursors[name] = position


class MemoryAccounts:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def provider_ids(self) -> set[str]:
        return set(self._state.providers)


class MemoryEquity:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def record_closes(self, day: date, closes: Mapping[str, Decimal]) -> None:
        for book, equity in closes.items():
            self._state.equity[(book, day)] = equity
