"""A copy-engine process with block execution on, killed with SIGKILL at a named step of
a block (docs/engine.md "Block execution", "Crash recovery").

    python -m tests.integration.engine.block_crash_child run URL STEP
    python -m tests.integration.engine.block_crash_child recover URL STEP

The steps, in order:

- ``after_intents``: the provider's order, the decisions and the copy intents are
  committed in one transaction, the block not yet sent;
- ``block_placed``: the venue placed the block, no answer recorded;
- ``block_answered``: the answers are recorded and the copies booked, the provider's
  fill not yet read from the venue's stream;
- ``fill_booked``: the provider's fill is booked and announced, the message not relayed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from copytrade.adapters.venues.paper.block import block_fill_id
from copytrade.adapters.venues.port import OrderRequest, VenueOrder
from copytrade.engine.block import BlockDesk
from copytrade.engine.execution import Checkpoints
from copytrade.service_layer.provider_orders import ProviderOrders

from .crash_child import kill
from .crash_scenario import place_provider_order, running

STEPS = ("after_intents", "block_placed", "block_answered", "fill_booked")


class KillAfterBlock:
    """The venue, as the block desk sees it, that dies once the block is placed."""

    def __init__(self, venue: Any, step: str) -> None:
        self._venue = venue
        self._step = step

    def place_block(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        answers: list[VenueOrder] = self._venue.place_block(requests)
        if self._step == "block_placed":
            kill()
        return answers


def main(mode: str, url: str, step: str) -> int:
    if step not in (*STEPS, "none"):
        raise SystemExit(f"unknown step {step!r}; expected one of {STEPS} or 'none'")

    def at(name: str) -> Callable[[], None]:
        return kill if step == name else lambda: None

    with running(url, Checkpoints(after_intents=at("after_intents"))) as h:
        blocks = h.platform.blocks
        assert blocks is not None
        engine, venue = h.engine, h.platform.venue
        desk = BlockDesk(
            KillAfterBlock(venue, step), engine.uow_factory, engine.fanouts, engine.executor,
            block_fill_id, engine.prices.snapshot, lambda: frozenset(), h.clock.now,
            blocks.enabled,
        )  # fmt: skip
        if mode == "recover":  # a restart that re-sends the block, through the same desk
            engine.executor.blocks = desk
            engine.recover()
            return 0
        orders = ProviderOrders(engine.uow_factory, venue, h.clock.now, desk, blocks.enabled)
        place_provider_order(h, orders)
        at("block_answered")()
        engine.ingestor.pump()
        at("fill_booked")()
        engine.pump()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
