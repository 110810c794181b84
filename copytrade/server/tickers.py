"""Live marks from an exchange's tickers, as a job of ``copytrade serve`` (docs/marketdata.md,
"Live tickers").

Each run reads the tickers outside the engine lock (an exchange can be slow), then,
under it, applies the prices that moved as one moment (``CopyEngine.on_prices``): the
books are marked at them, the paper venue fills at them, the max-loss sweep sees every
book at them, and the statistics and day closes read them from the engine's prices.
With the exchange's funding (``LiveFunding``), each funding time a watched perp passes
is paid first (``CopyEngine.on_funding``, at the marks in force before the new prices),
on every paper book holding the perp, providers' and copies alike (docs/marketdata.md
"Live funding").
"""

from __future__ import annotations

from functools import partial

from copytrade.api.runtime import ServerRuntime
from copytrade.marketdata.live import LiveFunding, LiveTickerFeed


class LiveTickers:
    def __init__(
        self, runtime: ServerRuntime, feed: LiveTickerFeed, funding: LiveFunding | None = None
    ) -> None:
        self._runtime = runtime
        self._feed = feed
        self._funding = funding

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._feed.symbols

    def __call__(self) -> int:
        """Poll once; how many prices moved (and were applied)."""
        engine = self._runtime.platform.engine
        moved = self._feed.poll()
        now = self._runtime.platform.clock.now()
        for due in self._funding.due(now) if self._funding is not None else ():
            self._runtime.act(partial(engine.on_funding, due.symbol, due.rate, due.ts))
        points = {tick.symbol: tick.price for tick in moved}
        if points:
            self._runtime.act(lambda: engine.on_prices(points, moved[-1].ts))
        if self._funding is not None:
            # Last: an outage here fails this run only after its prices were applied.
            self._funding.refresh(now)
        return len(points)
