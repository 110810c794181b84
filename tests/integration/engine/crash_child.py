"""A copy-engine process the crash tests kill with SIGKILL at a named step.

    python -m tests.integration.engine.crash_child run URL STEP
    python -m tests.integration.engine.crash_child recover URL STEP

``run`` places the scenario's provider order and pumps the engine; ``recover`` is a
restart that runs ``engine.recover()``. Either dies by ``SIGKILL`` when it reaches
STEP (a real kill: no ``finally``, no rollback, no flush), or exits 0 when STEP is
never reached (``none``). The steps, in pipeline order:

- ``provider_sent``: the provider's order intent is committed, the venue not yet called;
- ``provider_placed``: the venue took the provider's order, its answer is not recorded;
- ``provider_answered``: the provider's order is recorded, its fill not yet ingested;
- ``fill_booked``: the provider fill is booked and announced, the message not relayed;
- ``after_intents``: the fan-out committed decisions and intents, nothing sent;
- ``after_submit``: the venue placed the copies, their answers are not recorded;
- ``after_fanout``: the copies are booked, the relay has not marked the message delivered.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, VenueOrder
from copytrade.engine.execution import Checkpoints
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.service_layer.provider_orders import ProviderOrders

from .crash_scenario import place_provider_order, running

STEPS = (
    "provider_sent",
    "provider_placed",
    "provider_answered",
    "fill_booked",
    "after_intents",
    "after_submit",
    "after_fanout",
)


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillAroundPlace:
    """The venue, as ProviderOrders sees it, that dies just before or just after placing."""

    def __init__(self, venue: PaperVenue, step: str) -> None:
        self._venue = venue
        self._step = step

    def place(self, request: OrderRequest) -> VenueOrder:
        if self._step == "provider_sent":
            kill()
        answer = self._venue.place(request)
        if self._step == "provider_placed":
            kill()
        return answer

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        return [self.place(r) for r in requests]


def main(mode: str, url: str, step: str) -> int:
    if step not in (*STEPS, "none"):
        raise SystemExit(f"unknown step {step!r}; expected one of {STEPS} or 'none'")

    def at(name: str) -> Callable[[], None]:
        return kill if step == name else lambda: None

    checkpoints = Checkpoints(after_intents=at("after_intents"), after_submit=at("after_submit"))
    with running(url, checkpoints) as h:
        if mode == "recover":
            h.engine.recover()
            return 0
        venue: Any = KillAroundPlace(h.platform.venue, step)
        place_provider_order(h, ProviderOrders(h.engine.uow_factory, venue, h.clock.now))
        at("provider_answered")()
        h.engine.ingestor.pump()
        at("fill_booked")()

        def after_fanout(_message_id: str, _payload: Mapping[str, Any]) -> None:
            at("after_fanout")()

        # Subscribed after the fan-out, so it runs once the copies are booked and
        # before the relay marks the message delivered.
        h.engine.bus.subscribe(PROVIDER_FILLED, after_fanout)
        h.engine.pump()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
