"""Watching a provider's account by websocket, with the poll as the catch-up.

The exchange pushes each trade of the account (``TradeStream``); a pushed trade is
booked like a poll's page (``ProviderWatcher.book_pushed``: the cursor check, one
transaction, each fill once). A stream only carries what happens while it is
subscribed, so the watcher polls from the stored cursor at start, each time a stream
is (re)subscribed, and at every ``interval`` while one is down: trades made while it
was down or before the watcher started are caught up from the cursor, none missed,
none doubled. Until that catch-up poll has succeeded, a pushed trade is not booked on
its own (it would move the cursor past trades still unread): it asks for the poll,
which reads it too (docs/venues.md, "Watching a provider's account").

Each booking step (a poll, a push) runs inside ``guard``: ``copytrade serve`` passes its
engine lock (``ServerRuntime.act``), so the stream's thread books as the one writer the
lock makes of the server's threads (docs/venues.md, "Serving live venues").
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from copytrade.domain.order_events import Fill
from copytrade.engine.provider_watch import ProviderWatcher


class StreamEvent(Protocol):
    @property
    def kind(self) -> str: ...  # "connected", "trades" or "dropped"

    @property
    def market(self) -> str: ...

    @property
    def symbol(self) -> str | None: ...

    @property
    def fills(self) -> Sequence[Fill]: ...

    @property
    def position(self) -> str | None: ...

    @property
    def error(self) -> str | None: ...


class TradeStreamPort(Protocol):
    """An account's pushed trades (``copytrade.adapters.venues.ccxt.TradeStream``)."""

    def start(self) -> None: ...

    def next(self, timeout: float) -> StreamEvent | None: ...

    def close(self) -> None: ...


class StreamingWatch:
    """Runs ``watcher`` on ``stream`` until ``stop`` is set. ``booked(n)`` is called
    after each booking step (a poll or a push) with the count of new fills (the caller
    pumps the copy pipeline); ``poll_failed(error)`` with a temporary error of a poll
    (``is_temporary`` tells it apart; the poll is retried at the next ``interval``),
    any other error is raised."""

    def __init__(
        self,
        watcher: ProviderWatcher,
        stream: TradeStreamPort,
        interval: float,
        booked: Callable[[int], None],
        is_temporary: Callable[[Exception], bool],
        poll_failed: Callable[[Exception], None] = lambda error: None,
        dropped: Callable[[str, str], None] = lambda market, why: None,
        guard: Callable[[Callable[[], int]], int] = lambda step: step(),
    ) -> None:
        self._watcher = watcher
        self._stream = stream
        self._interval = interval
        self._booked = booked
        self._is_temporary = is_temporary
        self._poll_failed = poll_failed
        self._dropped = dropped
        self._guard = guard
        self._down: set[str] = set()  # markets whose stream is down
        self._up: set[str] = set()  # markets whose stream is subscribed
        self._caught_up = False
        self._next_poll = 0.0  # at once: the start's catch-up
        self.polls = 0  # polls done, for operators and tests

    @property
    def streaming(self) -> bool:
        """Caught up by a poll and every stream up: trades are booked as pushed."""
        return self._caught_up and bool(self._up) and not self._down

    def run(self, stop: threading.Event) -> None:
        self._stream.start()
        try:
            while not stop.is_set():
                wait = max(0.0, min(0.2, self._next_poll - time.monotonic()))
                event = self._stream.next(wait)
                if event is not None:
                    self._on(event)
                if time.monotonic() >= self._next_poll:
                    self._poll()
        finally:
            self._stream.close()

    def _on(self, event: StreamEvent) -> None:
        if event.kind == "connected":
            self._down.discard(event.market)
            self._up.add(event.market)
            self._poll_now()
        elif event.kind == "dropped":
            if event.market not in self._down:
                self._dropped(event.market, event.error or "")
            self._down.add(event.market)
            self._up.discard(event.market)
            self._poll_now()
        elif event.symbol is not None and event.position is not None:
            if self._caught_up:
                symbol, fills, position = event.symbol, event.fills, event.position
                self._booked(self._guard(
                    lambda: self._watcher.book_pushed(symbol, fills, position)
                ))
            else:
                self._poll_now()

    def _poll_now(self) -> None:
        self._caught_up = False
        self._next_poll = time.monotonic()

    def _poll(self) -> None:
        try:
            new = self._guard(self._watcher.poll)
        except Exception as error:
            if not self._is_temporary(error):
                raise
            self._poll_failed(error)
            self._next_poll = time.monotonic() + self._interval
            return
        self.polls += 1
        self._booked(new)
        # Streaming: nothing to poll for until one drops; a stream down: poll on.
        self._caught_up = not self._down
        self._next_poll = time.monotonic() + self._interval if self._down else math.inf
