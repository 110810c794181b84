"""``WhatIf``: answer one what-if from the live database's recorded history
(docs/whatif.md). Reads the live books once, in one read-only unit of work; all
the copying happens on a scratch platform that is dropped afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.bootstrap import Container
from copytrade.domain.instruments import Instrument
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.whatif.history import read_history
from copytrade.whatif.replay import scratch_platform
from copytrade.whatif.report import whatif_report
from copytrade.whatif.request import MAX_FILLS, WhatIfRequest


class WhatIf:
    def __init__(
        self,
        read_uow: Callable[[], SqlUnitOfWork],
        instruments: Iterable[Instrument],
        platform_fee_pct: Decimal,
        fees: FeeSettings,
        max_fills: int = MAX_FILLS,
        block_execution: bool = False,
    ) -> None:
        """``block_execution``: the platform's setting (docs/engine.md "Block execution")."""
        self._read_uow = read_uow
        self._block_execution = block_execution
        self._max_fills = max_fills
        self._instruments = tuple(instruments)
        self._platform_fee_pct = platform_fee_pct
        self._fees = fees

    @classmethod
    def on(cls, container: Container) -> WhatIf:
        """On the container's database, with the platform's own fee settings."""
        return cls(
            container.read_uow_factory,
            container.instruments(),
            container.settings.platform_fee_pct,
            container.fees,
            block_execution=container.settings.block_execution,
        )

    def run(self, request: WhatIfRequest) -> dict[str, Any]:
        return self.run_timed(request)[0]

    def run_timed(self, request: WhatIfRequest) -> tuple[dict[str, Any], dict[str, float]]:
        """The answer, and the seconds each stage took (``read``, the replay's, ``report``)."""
        started = time.perf_counter()
        depth = [i.symbol for i in self._instruments if i.depth is not None]
        history = read_history(
            self._read_uow, request, self._max_fills, depth, self._block_execution
        )
        seconds = {"read": time.perf_counter() - started}
        with scratch_platform(
            request, history, self._instruments, self._platform_fee_pct, self._fees
        ) as replayed:
            started = time.perf_counter()
            answer = whatif_report(replayed.platform, request, history)
            seconds |= replayed.seconds | {"report": time.perf_counter() - started}
        return answer, seconds
