"""The live synthetic market of ``copytrade serve``: seeded prices in wall-clock time.

The feed is the simulator's (marketdata/synthetic.py) laid out one tick per
second from the server's start; each call applies the ticks whose time has
come, so the paper venue fills orders and the engine marks books at them.
Every 8 hours the perps' funding (marketdata/funding.py, from the premium over
their spots) is paid before the first tick at or after the funding time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

from copytrade.api.runtime import ServerRuntime
from copytrade.marketdata.clock import Clock
from copytrade.marketdata.funding import FundingFromBasis
from copytrade.marketdata.specs import SymbolSpec
from copytrade.marketdata.synthetic import SyntheticFeed
from copytrade.marketdata.ticks import PriceTick

TICK = timedelta(seconds=1)
A_YEAR_OF_TICKS = 366 * 24 * 3600


class LiveMarket:
    def __init__(
        self, runtime: ServerRuntime, clock: Clock, specs: Sequence[SymbolSpec], seed: int
    ) -> None:
        self._runtime = runtime
        self._clock = clock
        feed = SyntheticFeed(seed, specs, clock.now(), TICK, A_YEAR_OF_TICKS)
        self._ticks: Iterator[PriceTick] = iter(feed)
        self._next: PriceTick | None = next(self._ticks, None)
        self._funding = FundingFromBasis(clock.now(), seed)

    def __call__(self) -> int:
        """Apply every tick that is due now; returns how many."""
        now = self._clock.now()
        applied = 0
        engine = self._runtime.platform.engine
        while self._next is not None and self._next.ts <= now:
            tick = self._next
            for due in self._funding.observe(tick):
                engine.on_funding(due.symbol, due.rate, due.ts)
            engine.on_price(tick.symbol, tick.price, tick.ts)
            applied += 1
            self._next = next(self._ticks, None)
        return applied
