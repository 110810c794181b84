"""The emulator's websocket server: Binance's user-data streams, as ccxt pro reads them.

aiohttp's web server (installed with ccxt) in a thread with its own event loop, on its
own port beside the REST server (docs/venues.md, "The exchange emulator"):

- spot, the WebSocket API ``/ws-api/v3``: a ``userDataStream.subscribe.signature``
  request (``apiKey``, ``timestamp``, HMAC-SHA256 ``signature`` of the sorted
  parameters, checked like REST) answered with a ``subscriptionId``, then the account's
  ``executionReport`` events (``x`` = ``TRADE``) wrapped in ``{"subscriptionId",
  "event"}``;
- USDⓈ-M, ``/private/ws?listenKey=<key>`` (the key from ``POST /fapi/v1/listenKey``):
  the account's ``ORDER_TRADE_UPDATE`` events.

``down()`` closes every connection and refuses new ones until ``up()``: an outage of
the stream while the exchange trades on.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import WSMsgType, web

from tests.exchange_emulator.state import (
    EmulatedAccount,
    EmulatedTrade,
    ExchangeState,
    now_ms,
    text,
)


class WebsocketServer:
    def __init__(self, state: ExchangeState) -> None:
        self._state = state
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._runner: web.AppRunner | None = None
        self._port = 0
        # (account, futures?) of each open connection, with its outgoing queue
        self._streams: dict[web.WebSocketResponse, tuple[EmulatedAccount, bool,
                                                         asyncio.Queue[str]]] = {}
        self.listen_keys: dict[str, EmulatedAccount] = {}
        self.is_up = True
        self.connections = 0  # how many streams were opened, for assertions
        state.trade_listeners.append(self._on_trade)

    @property
    def base_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}"

    @contextmanager
    def running(self) -> Iterator[WebsocketServer]:
        self._thread.start()
        self._ready.wait(10)
        try:
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def new_listen_key(self, account: EmulatedAccount) -> str:
        """``POST /fapi/v1/listenKey``: the account's key (the same while it lives)."""
        for key, owner in self.listen_keys.items():
            if owner is account:
                return key
        key = secrets.token_hex(16)
        self.listen_keys[key] = account
        return key

    def down(self) -> None:
        """Close every stream and refuse new ones, until ``up``."""
        self.is_up = False
        asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(10)

    def up(self) -> None:
        self.is_up = True

    # --- the server ----------------------------------------------------------

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/ws-api/v3", self._spot)
        app.router.add_get("/private/ws", self._futures)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()

    async def _stop(self) -> None:
        await self._close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _close_all(self) -> None:
        for ws in list(self._streams):
            await ws.close()
        self._streams.clear()

    async def _spot(self, request: web.Request) -> web.StreamResponse:
        if not self.is_up:
            raise web.HTTPServiceUnavailable()
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        account: EmulatedAccount | None = None
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                break
            body = json.loads(message.data)
            if account is not None or body.get("method") != "userDataStream.subscribe.signature":
                await ws.send_str(json.dumps({"id": body.get("id"), "status": 400, "error": {
                    "code": -1100, "msg": "unsupported request"}}))
                continue
            account = self._check_signature(body.get("params") or {})
            if account is None:
                await ws.send_str(json.dumps({"id": body.get("id"), "status": 400, "error": {
                    "code": -1022, "msg": "Signature for this request is not valid."}}))
                continue
            await ws.send_str(json.dumps(
                {"id": body.get("id"), "status": 200, "result": {"subscriptionId": 0}}
            ))
            return await self._stream(ws, account, futures=False)
        return ws

    async def _futures(self, request: web.Request) -> web.StreamResponse:
        account = self.listen_keys.get(request.query.get("listenKey", ""))
        if not self.is_up or account is None:
            raise web.HTTPServiceUnavailable() if account else web.HTTPBadRequest()
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        return await self._stream(ws, account, futures=True)

    async def _stream(
        self, ws: web.WebSocketResponse, account: EmulatedAccount, futures: bool
    ) -> web.WebSocketResponse:
        """Send the account's events until the connection closes."""
        outgoing: asyncio.Queue[str] = asyncio.Queue()
        self._streams[ws] = (account, futures, outgoing)
        self.connections += 1

        async def send() -> None:
            while True:
                await ws.send_str(await outgoing.get())

        sender = asyncio.ensure_future(send())
        try:
            async for _ in ws:  # the client's pings are answered by aiohttp
                pass
        finally:
            sender.cancel()
            self._streams.pop(ws, None)
        return ws

    def _check_signature(self, params: dict[str, Any]) -> EmulatedAccount | None:
        account = self._state.accounts.get(str(params.get("apiKey")))
        signature = str(params.get("signature", ""))
        signed = {k: v for k, v in params.items() if k != "signature"}
        if account is None or "timestamp" not in signed:
            return None
        payload = "&".join(f"{k}={signed[k]}" for k in sorted(signed))
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256)
        return account if hmac.compare_digest(expected.hexdigest(), signature) else None

    # --- events --------------------------------------------------------------

    def _on_trade(self, account: EmulatedAccount, trade: EmulatedTrade) -> None:
        """Called by the state (under its lock) for every trade: pushed in order to
        each open stream of the account and kind of market."""
        futures = trade.order.market.futures
        message = json.dumps(_futures_event(trade) if futures else _spot_event(trade))
        self._loop.call_soon_threadsafe(self._push, account, futures, message)

    def _push(self, account: EmulatedAccount, futures: bool, message: str) -> None:
        for owner, kind, outgoing in self._streams.values():
            if owner is account and kind == futures:
                outgoing.put_nowait(message)


def _order_fields(trade: EmulatedTrade) -> dict[str, Any]:
    order = trade.order
    return {
        "s": order.market.id, "c": order.client_order_id, "S": order.side, "o": order.type,
        "f": order.time_in_force, "q": text(order.qty), "p": text(order.price),
        "x": "TRADE", "X": "FILLED" if order.executed == order.qty else "PARTIALLY_FILLED",
        "i": order.order_id, "l": text(trade.qty), "z": text(order.executed),
        "L": text(trade.price), "n": text(trade.fee), "N": order.market.quote,
        "T": trade.time_ms, "t": trade.trade_id, "m": False,
    }


def _spot_event(trade: EmulatedTrade) -> dict[str, Any]:
    order = trade.order
    event = {"e": "executionReport", "E": now_ms(), **_order_fields(trade), "P": "0",
             "F": "0", "g": -1, "C": "", "r": "NONE", "w": False, "M": True,
             "O": order.created_ms, "Z": text(order.quote_qty),
             "Y": text(trade.qty * trade.price), "Q": "0"}
    return {"subscriptionId": 0, "event": event}


def _futures_event(trade: EmulatedTrade) -> dict[str, Any]:
    order = trade.order
    average = order.quote_qty / order.executed if order.executed else trade.price
    fields = {**_order_fields(trade), "ap": text(average), "sp": "0", "b": "0", "a": "0",
              "R": order.reduce_only, "wt": "CONTRACT_PRICE", "ot": order.type,
              "ps": "BOTH", "cp": False, "rp": text(trade.realized_pnl)}
    return {"e": "ORDER_TRADE_UPDATE", "E": now_ms(), "T": trade.time_ms, "o": fields}
