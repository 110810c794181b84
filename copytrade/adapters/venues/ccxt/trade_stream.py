"""An account's trades as the exchange pushes them: ccxt pro's ``watch_my_trades``.

ccxt pro is async (over aiohttp) while the watcher books synchronously, so the stream
runs in a thread with its own event loop, one ``watch_my_trades`` loop per kind of
market watched (spot, perpetuals: separate streams on Binance), and hands what happens
to the watcher through a queue, in order: ``connected`` (the stream is subscribed:
trades from now on are pushed; the watcher polls from its cursor once to catch up),
``trades`` (pushed trades of one market, as fills), ``dropped`` (the stream failed: it
is retried after ``retry_seconds``; the watcher polls meanwhile) (docs/venues.md,
"Watching a provider's account").
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from copytrade.domain.order_events import Fill

if TYPE_CHECKING:
    from copytrade.adapters.venues.ccxt.venue import CcxtVenue

CONNECTED, TRADES, DROPPED = "connected", "trades", "dropped"


@dataclass(frozen=True, slots=True)
class StreamEvent:
    kind: str  # CONNECTED, TRADES or DROPPED
    market: str  # "spot" or "swap"
    symbol: str | None = None
    fills: tuple[Fill, ...] = ()
    position: str | None = None  # the cursor just after ``fills``
    error: str | None = None


class TradeStream:
    """The pushed trades of ``account`` in ``symbols``; ``start`` it, read ``next``,
    ``close`` it. ``TradeStream.open`` gives None where ccxt pro cannot watch the
    exchange's account trades (the watcher then polls)."""

    def __init__(
        self, venue: CcxtVenue, account: str, symbols: Sequence[str], client: Any,
        retry_seconds: float,
    ) -> None:
        self._venue = venue
        self._account = account
        self._symbols = frozenset(symbols)
        self._client = client
        self._retry = retry_seconds
        self._markets = sorted({
            "spot" if i.is_spot else "swap" for i in venue.instruments() if i.symbol in symbols
        })
        self._events: queue.Queue[StreamEvent] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._stopping: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="trade-stream", daemon=True)

    @classmethod
    def open(
        cls, venue: CcxtVenue, account: str, symbols: Sequence[str],
        ws_urls: Mapping[str, Any] | None = None, retry_seconds: float = 1.0,
    ) -> TradeStream | None:
        client = venue.stream_client(account, ws_urls)
        return None if client is None else cls(venue, account, symbols, client, retry_seconds)

    def start(self) -> None:
        self._thread.start()

    def next(self, timeout: float) -> StreamEvent | None:
        """The next event, or None after ``timeout`` seconds without one."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop)
            self._thread.join(10)

    # --- the stream's thread -------------------------------------------------

    def _stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        watches = [asyncio.ensure_future(self._watch(m)) for m in self._markets]
        try:
            await self._stopping.wait()
        finally:
            for watch in watches:
                watch.cancel()
            await asyncio.gather(*watches, return_exceptions=True)
            await self._client.close()

    async def _watch(self, market: str) -> None:
        assert self._stopping is not None
        while not self._stopping.is_set():
            try:
                pending = await self._subscribe(market)
                self._events.put(StreamEvent(CONNECTED, market))
                while True:
                    trades = await (pending or self._client.watch_my_trades(
                        None, None, None, {"type": market}
                    ))
                    pending = None
                    self._hand_over(market, trades)
            except Exception as error:
                # ccxt's network errors, aiohttp's, a refused handshake: the stream is
                # retried and the watcher polls meanwhile, so nothing is lost.
                self._events.put(StreamEvent(DROPPED, market, error=self._venue.error_text(error)))
                await asyncio.sleep(self._retry)

    async def _subscribe(self, market: str) -> asyncio.Future[Any] | None:
        """Until the stream is subscribed: Binance's spot user-data subscription is
        answered; its USDⓈ-M stream (the listenKey's) is connected, by a first watch,
        which is returned (its trades are the stream's first)."""
        client = self._client
        if market == "spot":
            await client.authenticate({"type": "spot"})
            return None
        await client.authenticate({"type": market})
        url = client.get_private_ws_url("linear", client.options["linear"]["listenKey"])
        watch: asyncio.Future[Any] = asyncio.ensure_future(
            client.watch_my_trades(None, None, None, {"type": market})
        )
        try:
            await asyncio.wait_for(asyncio.shield(client.client(url).connected), 30)
        except BaseException:
            watch.cancel()
            raise
        return watch

    def _hand_over(self, market: str, trades: Sequence[Mapping[str, Any]]) -> None:
        watched = [t for t in trades if t.get("symbol") in self._symbols]
        for symbol, (fills, position) in self._venue.pushed_fills(
            self._account, watched
        ).items():
            self._events.put(StreamEvent(TRADES, market, symbol, tuple(fills), position))
