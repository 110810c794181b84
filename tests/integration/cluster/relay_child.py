"""One life of the outbox relay, killed (SIGKILL) right after its K-th publish.

    python -m tests.integration.cluster.relay_child K     (K = 0: never killed)

Settings come from the environment (the test's schema and stream). The life
books the venue's fills (writing each provider fill's message), then relays
the outbox; with K, the process kills itself after the K-th message reached the
stream and before the relay marked it delivered.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from copytrade.bootstrap import Container
from copytrade.config import Settings
from copytrade.engine.bus import MessageBus, RoutedBus
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.outbox_relay import OutboxRelay
from copytrade.marketdata.clock import SystemClock


class KillAfter:
    def __init__(self, bus: MessageBus, count: int) -> None:
        self._bus = bus
        self._left = count

    def subscribe(self, topic: str, handler: Any) -> None:
        self._bus.subscribe(topic, handler)

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        self._bus.publish(topic, message_id, payload)
        self._left -= 1
        if self._left == 0:
            os.kill(os.getpid(), signal.SIGKILL)


def main(kill_at: int) -> None:
    container = Container.from_settings(Settings())
    platform = container.platform(SystemClock(), recover=False)
    engine = platform.engine
    remote = engine.fanout_bus
    assert remote is not None, "COPYTRADE_NATS_URL is not set"
    publisher = KillAfter(remote, kill_at) if kill_at else remote
    relay = OutboxRelay(
        engine.uow_factory, RoutedBus(engine.bus, publisher, frozenset({PROVIDER_FILLED})),
        platform.clock,
    )
    engine.ingestor.pump()
    print(relay.relay_all())


if __name__ == "__main__":
    main(int(sys.argv[1]))
