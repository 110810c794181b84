"""The ``watch:<account>`` jobs of ``copytrade serve``: ``venues watch`` inside the
server (docs/venues.md, "Serving live venues").

Where ccxt pro watches the exchange's account trades, the job starts a
``StreamingWatch`` in a thread of its own: pushed trades are booked as they come, the
poll from the stored cursor catches up at start, at each (re)subscription and while a
stream is down. Each of its booking steps runs under the server's engine lock
(``ServerRuntime.act``, the guard every state-changing job and request takes), so the
server's threads stay one writer, in one order; the exchange's push itself is read
outside the lock. Elsewhere the job polls at each turn, under the lock. Stopping the
scheduler stops the thread, which closes the stream.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from copytrade.adapters.venues.errors import TemporaryVenueError
from copytrade.api.runtime import ServerRuntime
from copytrade.engine.provider_stream import StreamingWatch, TradeStreamPort
from copytrade.engine.provider_watch import ProviderWatcher
from copytrade.server.scheduler import Job

if TYPE_CHECKING:
    from copytrade.server.live import WatchConfig

log = logging.getLogger("copytrade.serve")


class _StreamThread:
    """A ``StreamingWatch`` run in its own thread until ``stop``; ``failure`` is the
    error that ended it early (a permanent one: a revoked key, say)."""

    def __init__(self, watch: StreamingWatch, account: str) -> None:
        self.watch = watch
        self.failure: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch-{account}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.watch.run(self._stop)
        except Exception as error:  # kept for the job's next turn (admin health)
            self.failure = error

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(15)


class WatchJob:
    """The watcher is made on the first run (so the server starts before the account is
    linked or its owner a provider: the job fails, is logged and shown in the admin
    health, and tries again); then it streams (each run checks on the thread) or polls
    each run."""

    def __init__(self, runtime: ServerRuntime, config: WatchConfig) -> None:
        self._runtime = runtime
        self._config = config
        self._watcher: ProviderWatcher | None = None
        self._streaming: _StreamThread | None = None
        self._closed = False

    @property
    def streaming(self) -> StreamingWatch | None:
        """The websocket watcher while it runs (operators' and tests' view)."""
        return None if self._streaming is None else self._streaming.watch

    @property
    def running(self) -> bool:
        """The stream's thread runs (until ``close``)."""
        return self._streaming is not None and self._streaming.alive()

    def __call__(self) -> int:
        if self._closed:
            return 0
        if self._streaming is not None:
            if self._streaming.alive():
                return 0  # the stream's thread books
            failure, self._streaming = self._streaming.failure, None
            raise failure or RuntimeError("the trade stream stopped")  # made anew next run
        if self._watcher is None:
            runtime, config = self._runtime, self._config
            symbols: Sequence[str] = config.symbols
            watcher, stream = runtime.container.provider_watch(
                runtime.platform, config.account, symbols,
                websocket=config.websocket, ws_base=config.ws_base,
            )
            how = "pushed trades" if stream is not None else "polling"
            log.info("watching %s in %s (%s)", config.account, ", ".join(watcher.symbols), how)
            if stream is not None:
                self._streaming = _StreamThread(self._streamed(watcher, stream), config.account)
                return 0
            self._watcher = watcher
        return self._watcher.poll()

    def _streamed(self, watcher: ProviderWatcher, stream: TradeStreamPort) -> StreamingWatch:
        account = self._config.account

        def booked(new: int) -> None:
            if new:
                log.info("%s new fill(s) of %s booked and copied", new, account)

        return StreamingWatch(
            watcher, stream, self._config.interval_seconds, booked,
            is_temporary=lambda error: isinstance(error, TemporaryVenueError),
            poll_failed=lambda error: log.warning(
                "watch:%s: exchange unavailable, retrying: %s", account, error),
            dropped=lambda market, why: log.warning(
                "watch:%s: %s stream dropped, polling until it is back: %s",
                account, market, why),
            guard=self._runtime.act,  # the engine lock; act pumps the engine after
        )

    def close(self) -> None:
        """Stop the stream's thread (it closes the websocket); runs are no-ops after."""
        self._closed = True
        if self._streaming is not None:
            self._streaming.stop()


def watch_job(runtime: ServerRuntime, config: WatchConfig) -> Job:
    # Under the lock: a poll books and copies through the engine (the exchange read
    # inside it holds the lock too); streaming, a run only checks on the thread.
    job = WatchJob(runtime, config)
    interval = timedelta(seconds=config.interval_seconds)
    return Job(f"watch:{config.account}", interval, job, close=job.close)
