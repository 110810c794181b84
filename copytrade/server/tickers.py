"""Live marks from an exchange's tickers, as a job of ``copytrade serve`` (docs/marketdata.md,
"Live tickers").

Each run reads the tickers outside the engine lock (an exchange can be slow), then,
under it, applies the prices that moved as one moment (``CopyEngine.on_prices``): the
books are marked at them, the paper venue fills at them, the max-loss sweep sees every
book at them, and the statistics and day closes read them from the engine's prices.
"""

from __future__ import annotations

from copytrade.api.runtime import ServerRuntime
from copytrade.marketdata.live import LiveTickerFeed


class LiveTickers:
    def __init__(self, runtime: ServerRuntime, feed: LiveTickerFeed) -> None:
        self._runtime = runtime
        self._feed = feed

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._feed.symbols

    def __call__(self) -> int:
        """Poll once; how many prices moved (and were applied)."""
        moved = self._feed.poll()
        if not moved:
            return 0
        points = {tick.symbol: tick.price for tick in moved}
        engine = self._runtime.platform.engine
        self._runtime.act(lambda: engine.on_prices(points, moved[-1].ts))
        return len(points)
