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


class RoutedBus:
    """Some topics to a broker, the rest to the in-process bus (docs/engine.md, "JetStream").

    With a broker, provider fills go to the stream that the shard workers consume;
    the per-book messages (cash moves, stops, fees, alerts) are still handled by the
    process that relays them."""

    def __init__(self, local: InProcessBus, remote: MessageBus, remote_topics: frozenset[str]):
        self._local = local
        self._remote = remote
        self._remote_topics = remote_topics

    def subscribe(self, topic: str, handler: Handler) -> None:
        self._local.subscribe(topic, handler)

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        target = self._remote if topic in self._remote_topics else self._local
        target.publish(topic, message_id, payload)
