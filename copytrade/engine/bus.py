"""The message bus port and its in-process implementation.

The engine only publishes and subscribes by topic; ordering is per key (the
provider for fills), so a broker-backed bus (NATS JetStream, docs/engine.md, Shards) can
shard consumers by key without the engine changing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

Handler = Callable[[str, Mapping[str, Any]], None]


class MessageBus(Protocol):
    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None: ...

    def subscribe(self, topic: str, handler: Handler) -> None: ...


class InProcessBus:
    """Delivers each message synchronously to every handler of its topic, in order.

    A handler's exception propagates to the publisher (the outbox relay), which
    keeps the message pending and delivers it again: nothing is swallowed.
    """

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, topic: str, handler: Handler) -> None:
        self._handlers[topic].append(handler)

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        for handler in self._handlers.get(topic, ()):
            handler(message_id, payload)
