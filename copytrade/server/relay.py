"""``copytrade relay``: the process that moves committed outbox messages on.

It reads the venue's fill stream into the books (which writes each provider
fill's ``ProviderFilled``), publishes provider fills to JetStream with their
message id as ``Nats-Msg-Id``, and handles the other topics (cash moves, stops,
fees, alerts) in process, as one process does (docs/deploy.md). A crash between
publish and mark publishes again; the stream drops the duplicate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from copytrade.service_layer.platform import Platform

log = logging.getLogger("copytrade.relay")


def run_relay(platform: Platform, stop: Callable[[], bool], idle_s: float = 0.05) -> None:
    """Pump until ``stop()``: ingest, then relay, sleeping ``idle_s`` when nothing moved."""
    engine = platform.engine
    while not stop():
        try:
            moved = engine.ingestor.pump() + engine.relay.relay_all()
        except Exception:  # e.g. a worker booked the same copy fill first: read again
            log.exception("relaying failed; retrying")
            moved = 0
        if not moved:
            time.sleep(idle_s)
