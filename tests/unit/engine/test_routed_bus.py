"""RoutedBus: provider fills to the broker, everything else in process (docs/engine.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from copytrade.engine.bus import InProcessBus, RoutedBus
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.shards import Shard


class _Recorder(InProcessBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, str]] = []

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        self.published.append((topic, message_id))


def test_only_the_routed_topics_reach_the_broker() -> None:
    local, remote = InProcessBus(), _Recorder()
    handled: list[str] = []
    bus = RoutedBus(local, remote, frozenset({PROVIDER_FILLED}))
    bus.subscribe("venue.cash_moves", lambda message_id, _payload: handled.append(message_id))
    bus.subscribe(PROVIDER_FILLED, lambda message_id, _payload: handled.append(message_id))
    bus.publish(PROVIDER_FILLED, "m1", {})
    bus.publish("venue.cash_moves", "m2", {})
    assert remote.published == [(PROVIDER_FILLED, "m1")]
    assert handled == ["m2"]


def test_a_shards_durable_name_is_a_valid_broker_name() -> None:
    assert Shard(2, 4).durable == "copy-fanout-2-of-4"
    assert Shard().durable == "copy-fanout-0-of-1"
