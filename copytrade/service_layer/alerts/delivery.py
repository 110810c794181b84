"""Alert notifications out through the user's channels, at least once (docs/alerts.md,
"Channels").

Two steps, each its own transaction:

1. ``DeliveryQueue`` consumes ``alert.fired`` outbox messages: for a message seen
   for the first time (processed-message mark) it records one delivery per enabled,
   healthy channel of the owner, keyed ``<message id>/<channel id>``.
2. ``DeliverySender`` sends the deliveries that are due and marks each sent only after
   the channel took it, so a crash in between sends it again with the same delivery
   id (the receiver deduplicates). A failed try waits (30 s, doubling, at most 1 h);
   the channel's fifth failure in a row marks it unhealthy and writes the owner an
   in-app notice (topic ``alert.channel_unhealthy``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from typing import Any

from copytrade.adapters.db.repositories.channels import DueDelivery
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.notifications.senders import DeliveryFailed
from copytrade.adapters.secrets import SecretsError
from copytrade.domain.alerts.channels import CHANNEL_UNHEALTHY, UNHEALTHY_AFTER, delivery_id
from copytrade.domain.alerts.firings import ALERT_FIRED
from copytrade.engine.outbox_relay import OutboxRelay
from copytrade.marketdata.clock import Clock
from copytrade.service_layer.alerts.channels import ChannelPorts, open_secret

CONSUMER = "alert-deliveries"


class DeliveryQueue:
    """The ``alert.fired`` consumer: a bus handler and an outbox publisher alike."""

    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        with self._uow_factory() as uow:
            now = self._clock()
            if not uow.processed.first_time(CONSUMER, message_id, now):
                return
            channels = uow.channels.deliverable(str(payload["to"]))
            keyed = [(delivery_id(message_id, c.id), c) for c in channels]
            uow.channels.add_deliveries(keyed, message_id, payload, now)
            uow.commit()

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        if topic == ALERT_FIRED:
            self.handle(message_id, payload)


class DeliverySender:
    """Sends what is due. Sending happens outside ``write_guard``; each write (a delivery
    marked sent or failed, the unhealthy notice) is made under it: in ``serve`` the engine
    lock, so a slow channel never holds the engine, and outbox ids still grow in commit
    order for the event stream (docs/api.md, "Live events")."""

    def __init__(
        self, ports: ChannelPorts, batch: int = 100,
        write_guard: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self._uow_factory = ports.uow_factory
        self._box = ports.box
        self._sender = ports.sender
        self._clock = ports.clock
        self._batch = batch
        self._write_guard = write_guard

    def send_due(self) -> tuple[int, int]:
        """Try every delivery that is due once; (sent, failed)."""
        with self._uow_factory() as uow:
            due = uow.channels.due(self._clock(), self._batch)
        sent = failed = 0
        unhealthy: set[str] = set()
        for delivery in due:
            if delivery.channel.id in unhealthy:
                continue
            try:
                self._send(delivery)
            except DeliveryFailed as error:
                failed += 1
                if self._failed(delivery, str(error)):
                    unhealthy.add(delivery.channel.id)
                continue
            with self._write_guard(), self._uow_factory() as uow:
                uow.channels.mark_sent(delivery.id, delivery.channel.id, self._clock())
                uow.commit()
            sent += 1
        return sent, failed

    def _send(self, delivery: DueDelivery) -> None:
        channel = delivery.channel
        try:
            secret = open_secret(self._box, channel.id, delivery.sealed_secret)
        except SecretsError as error:
            raise DeliveryFailed(str(error)) from None
        self._sender.send(channel, secret, delivery.id, delivery.payload)

    def _failed(self, delivery: DueDelivery, error: str) -> bool:
        """Count the failure; True when it made the channel unhealthy."""
        channel = delivery.channel
        with self._write_guard(), self._uow_factory() as uow:
            now = self._clock()
            failures = uow.channels.mark_failed(delivery.id, channel.id, error, now)
            marked = failures >= UNHEALTHY_AFTER
            if marked:
                uow.channels.set_health(channel.id, healthy=False)
                uow.outbox.add(CHANNEL_UNHEALTHY, f"unhealthy:{channel.id}:{now.isoformat()}", {
                    "to": channel.owner, "channel": channel.id, "kind": channel.kind.value,
                    "target": channel.target, "failures": failures, "error": error,
                }, now)
            uow.commit()
        return marked


class AlertDelivery:
    """One pass: queue the new ``alert.fired`` messages, then send what is due."""

    def __init__(self, ports: ChannelPorts, clock: Clock) -> None:
        self.queue = DeliveryQueue(ports.uow_factory, clock.now)
        self.relay = OutboxRelay(ports.uow_factory, self.queue, clock)
        self.sender = DeliverySender(ports)

    def run_once(self) -> tuple[int, int, int]:
        """(messages queued, deliveries sent, deliveries failed)."""
        queued = self.relay.relay_all({ALERT_FIRED})
        sent, failed = self.sender.send_due()
        return queued, sent, failed
