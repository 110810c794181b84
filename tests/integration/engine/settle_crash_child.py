"""A settlement-run process the crash test kills with SIGKILL at a named step.

    python -m tests.integration.engine.settle_crash_child URL STEP

It runs the week ending ``PERIOD_END`` in batches of ``BATCH`` relationships and
dies by ``SIGKILL`` (no ``finally``, no rollback) at STEP of the second batch:

- ``after_commit``: the batch is committed, its venue debits not yet made;
- ``after_batch``: the batch and its venue debits are done, the next not begun;
- ``none``: never (the run finishes).
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import timedelta

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.service_layer.settlement.run import SettlementRun
from copytrade.service_layer.settlement.service import SettlementService

from .crash_scenario import running
from .harness import Harness
from .settlement_support import monday

PERIOD_END = monday(12)
BATCH = 3
FEE = 2  # platform fee percent


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def settlement_run(h: Harness, step: str = "none") -> SettlementRun:
    """The run a (re)started process builds: venue prices, the engine's venue."""
    h.clock.advance(PERIOD_END + timedelta(hours=1) - h.clock.now())
    batches = [0]

    def after_commit(records: list[SettlementRecord]) -> None:
        batches[0] += 1
        if step == "after_commit" and batches[0] == 2:
            kill()

    def on_batch(_settled: int) -> None:
        if step == "after_batch" and batches[0] == 2:
            kill()

    engine = h.engine
    service = SettlementService(
        engine.uow_factory,
        h.platform.venue,
        h.platform.venue.prices,
        h.clock.now,
        FEE,
        after_commit,
    )
    return SettlementRun(engine.uow_factory, service, h.clock.now, BATCH, on_batch)


def main(url: str, step: str) -> None:
    with running(url) as h:
        settlement_run(h, step).run(PERIOD_END)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
