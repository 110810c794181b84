"""The bus port on NATS JetStream (docs/engine.md, "JetStream").

nats-py is asynchronous; the engine is not. The adapter runs one asyncio loop
on a thread of its own and waits for each call's answer, so ``publish`` returns
only once the stream has stored the message (or recognised its
``Nats-Msg-Id`` as a duplicate), and ``poll`` hands each message to its
handler on the caller's thread and acknowledges it only after the handler
returned: after its transaction committed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import nats
import orjson
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

Handler = Callable[[str, Mapping[str, Any]], None]
MSG_ID = "Nats-Msg-Id"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """The durable stream every topic is published to, every limit stated.

    Retention is by limits (not interest): a message stays until it is older than
    ``max_age_s`` or the stream is over ``max_bytes``/``max_msgs``, whether or not a
    consumer for it exists yet, so a shard whose worker is down loses nothing.
    ``duplicate_window_s``: how long the stream remembers a ``Nats-Msg-Id``.
    """

    name: str = "COPYTRADE"
    prefix: str = "copytrade"
    max_age_s: float = 7 * 24 * 3600
    max_bytes: int = 8 * 1024**3
    max_msgs: int = 50_000_000
    max_msg_size: int = 1024 * 1024
    duplicate_window_s: float = 15 * 60
    file_storage: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.duplicate_window_s <= self.max_age_s:
            raise ValueError(
                f"the stream's duplicate window ({self.duplicate_window_s} s) must be positive "
                f"and at most its max age ({self.max_age_s} s)"
            )

    def subject(self, topic: str) -> str:
        return f"{self.prefix}.{topic}"

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name,
            subjects=[f"{self.prefix}.>"],
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            max_age=self.max_age_s,
            max_bytes=self.max_bytes,
            max_msgs=self.max_msgs,
            max_msg_size=self.max_msg_size,
            storage=StorageType.FILE if self.file_storage else StorageType.MEMORY,
            num_replicas=1,
            duplicate_window=self.duplicate_window_s,
        )


@dataclass(frozen=True, slots=True)
class ConsumerSpec:
    """A durable pull consumer of one topic.

    ``max_ack_pending`` 1 (not the server's default of 1,000): the next message is
    delivered only once this one is acknowledged, so a consumer sees its topic in
    stream order even across redeliveries. ``ack_wait_s``: how long a delivered,
    unacknowledged message waits before it is delivered again (a worker that died).
    """

    durable: str
    topic: str
    max_ack_pending: int = 1
    ack_wait_s: float = 30.0


class JetStreamBus:
    """Publishes to and consumes from one JetStream stream (created or updated on connect)."""

    def __init__(self, url: str, stream: StreamSpec = StreamSpec(), timeout_s: float = 10.0):
        self._url = url
        self.stream = stream
        self._timeout = timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._subscriptions: list[tuple[JetStreamContext.PullSubscription, Handler]] = []
        self.duplicates = 0  # publishes the stream recognised by their message id

    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout or self._timeout + 5)

    def connect(self) -> JetStreamBus:
        self._run(self._connect())
        return self

    async def _connect(self) -> None:
        # Reconnects forever: a restarted server is found again, and publishes wait for it.
        self._nc = await nats.connect(
            self._url, max_reconnect_attempts=-1, reconnect_time_wait=0.25,
            connect_timeout=self._timeout,
        )
        self._js = self._nc.jetstream(timeout=self._timeout)
        config = self.stream.config()
        try:
            await self._js.stream_info(self.stream.name)
        except NotFoundError:
            await self._js.add_stream(config)
        else:
            await self._js.update_stream(config)

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("the JetStream bus is not connected (call connect())")
        return self._js

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        """Store one message; returns once the stream acknowledged it."""
        data = orjson.dumps(dict(payload), default=str)
        ack = self._run(
            self.js.publish(
                self.stream.subject(topic), data, timeout=self._timeout,
                headers={MSG_ID: message_id},
            )
        )
        if ack.duplicate:
            self.duplicates += 1

    def subscribe(self, topic: str, handler: Handler) -> None:
        """The port's subscription: a durable consumer named after the topic."""
        self.consume(ConsumerSpec(durable=topic.replace(".", "-"), topic=topic), handler)

    def consume(self, spec: ConsumerSpec, handler: Handler) -> None:
        """Hand ``spec``'s messages to ``handler`` on each ``poll``."""
        self._subscriptions.append((self._run(self._pull(spec)), handler))

    async def _pull(self, spec: ConsumerSpec) -> JetStreamContext.PullSubscription:
        config = ConsumerConfig(
            durable_name=spec.durable,
            deliver_policy=DeliverPolicy.ALL,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=spec.ack_wait_s,
            max_deliver=-1,
            max_ack_pending=spec.max_ack_pending,
            filter_subject=self.stream.subject(spec.topic),
        )
        await self.js.add_consumer(self.stream.name, config)
        return await self.js.pull_subscribe_bind(spec.durable, self.stream.name)

    def poll(self, wait_s: float = 0.2) -> int:
        """Fetch at most one message per consumer and handle it; how many were handled.

        A handler that raises leaves its message unacknowledged (asked again at
        once with a negative acknowledgement) and the exception propagates."""
        handled = 0
        for subscription, handler in self._subscriptions:
            try:
                messages = self._run(subscription.fetch(1, timeout=wait_s))
            except NatsTimeout:
                continue
            for message in messages:
                headers = message.headers or {}
                message_id = headers.get(MSG_ID) or f"seq:{message.metadata.sequence.stream}"
                try:
                    handler(message_id, orjson.loads(message.data))
                except BaseException:
                    self._run(message.nak(delay=0.5))
                    raise
                self._run(message.ack_sync(timeout=self._timeout))
                handled += 1
        return handled

    def pending(self, durable: str) -> int:
        """Messages the consumer has not yet had acknowledged (delivered or not)."""
        info = self._run(self.js.consumer_info(self.stream.name, durable))
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    def delete_stream(self) -> None:
        self._run(self.js.delete_stream(self.stream.name))

    def close(self) -> None:
        if self._nc is not None:
            self._run(self._nc.close())
            self._nc = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
