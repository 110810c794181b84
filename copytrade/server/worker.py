"""``copytrade worker``: fan provider fills out for the shards this process owns.

Every worker of a cluster is started alike (docs/engine.md, "Workers"): with the
fixed shard count N and how many shards it takes at most. It takes free shards
through PostgreSQL advisory locks (``ShardLeases``), recovers each one's
interrupted copies, then consumes the shard's durable JetStream consumer: one
provider fill at a time, acknowledged after the fan-out's transactions
committed. A shard whose worker dies is taken by another worker's next look.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from copytrade.adapters.bus.jetstream import ConsumerSpec, JetStreamBus
from copytrade.adapters.db.shard_leases import LeaseLostError, ShardLeases
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.shards import Shard
from copytrade.server.worker_health import Liveness
from copytrade.service_layer.platform import Platform

log = logging.getLogger("copytrade.worker")
LOOK_FOR_SHARDS_S = 1.0  # how often a worker with room looks for free shards


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    shards: int
    take: int  # at most this many shards owned by this worker
    ack_wait_s: float = 30.0
    poll_s: float = 0.2

    def __post_init__(self) -> None:
        if self.shards < 1 or self.take < 1:
            raise ValueError("a worker needs at least one shard and may take at least one")


class ShardWorker:
    def __init__(
        self,
        platform: Platform,
        bus: JetStreamBus,
        leases: ShardLeases,
        config: WorkerConfig,
        liveness: Liveness | None = None,
    ) -> None:
        if len(platform.engine.fanouts) != config.shards:
            raise ValueError("the platform must be built with the worker's shard count")
        self._platform = platform
        self._bus = bus
        self._leases = leases
        self._config = config
        self._looked = 0.0
        self._dirty: set[int] = set()  # shards whose last fan-out failed: recover first
        self._liveness = liveness  # ticked after every step (docs/deploy.md, "Worker liveness")

    @property
    def owned(self) -> list[int]:
        return list(self._leases.owned)

    def step(self) -> int:
        """Take free shards (every LOOK_FOR_SHARDS_S), then handle one fill per owned
        shard; how many fills were handled."""
        now = time.monotonic()
        if len(self._leases.owned) < self._config.take and now - self._looked >= LOOK_FOR_SHARDS_S:
            self._looked = now
            for index in self._leases.take(self._config.take):
                self._start(index)
        self._leases.check()
        for index in sorted(self._dirty):
            self._recover(index)
            self._dirty.discard(index)
        if not self._leases.owned:
            time.sleep(self._config.poll_s)
            return 0
        return self._bus.poll(self._config.poll_s)

    def run(self, stop: Callable[[], bool]) -> None:
        while not stop():
            handled = 0
            try:
                handled = self.step()
            except LeaseLostError:
                raise  # another worker may own the shards now: this one must not go on
            except Exception:  # logged; the failed shard recovers before its next fill
                log.exception("a fan-out failed; its shard recovers and the fill is redelivered")
            if self._liveness is not None:  # a failed step still ticks: the loop goes on
                self._liveness.ticked(self.owned, handled)

    def _start(self, index: int) -> None:
        log.info("took shard %d of %d", index, self._config.shards)
        self._recover(index)
        durable = Shard(index, self._config.shards).durable
        spec = ConsumerSpec(durable, PROVIDER_FILLED, ack_wait_s=self._config.ack_wait_s)
        self._bus.consume(spec, self._handler(index))

    def _recover(self, index: int) -> None:
        """The shard's copies recorded but never answered: asked for and booked, or sent."""
        shard = Shard(index, self._config.shards)
        self._platform.engine.executor.recover(copies=shard.owns, own_orders=False)

    def _handler(self, index: int) -> Callable[[str, Mapping[str, Any]], None]:
        engine = self._platform.engine
        fanout = engine.fanouts[index]

        def handle(message_id: str, payload: Mapping[str, Any]) -> None:
            # Other processes change prices and relationships: read both afresh per fill.
            self._platform.resume_prices()
            engine.relationships.invalidate()
            try:
                fanout.handle(message_id, payload)
            except Exception:
                self._dirty.add(index)
                raise

        return handle
