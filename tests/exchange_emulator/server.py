"""The emulator's HTTP server: routes, the API key and signature checks, the faults.

The standard library's threading HTTP server, because dropping a connection after
taking an order (a fault the tests need) means closing the socket without an answer,
which an ASGI server does not let an application do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from copytrade.adapters.venues.ccxt.quirks import quirks_for
from tests.exchange_emulator.faults import Fault, Faults
from tests.exchange_emulator.funding import premium_index
from tests.exchange_emulator.state import (
    EmulatedAccount,
    ExchangeRefusal,
    ExchangeState,
    MarketSpec,
    now_ms,
    text,
)
from tests.exchange_emulator.websocket import WebsocketServer

Handler = Callable[[EmulatedAccount | None, bool, dict[str, str]], Any]
# A route's authentication: a signed request, the API key header alone (Binance's
# listenKey calls), or none.
SIGNED, KEYED, PUBLIC = "signed", "keyed", "public"

_FAULT_ANSWERS = {
    Fault.RATE_LIMITED: (429, -1003, "Too many requests; current limit is 1200 per minute."),
    Fault.SERVER_ERROR: (500, -1001, "Internal error; unable to process your request."),
    Fault.INSUFFICIENT_BALANCE: (
        400, -2010, "Account has insufficient balance for requested action."
    ),
    Fault.INVALID_QUANTITY: (400, -1013, "Filter failure: LOT_SIZE"),
}


class _Server(ThreadingHTTPServer):
    # Many clients connect at once (the live benchmark): the default backlog of 5 would
    # drop connections, which the clients retry a second later.
    request_queue_size = 1024


class Emulator:
    """A running emulated exchange on 127.0.0.1 at a free port.

    ``urls`` are the ccxt ``binance`` ``urls['api']`` entries that point at it.
    """

    def __init__(self, markets: list[MarketSpec], slow_seconds: float = 2.0) -> None:
        self.state = ExchangeState(markets)
        self.faults = Faults()
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, str]] = []  # (method, path), for assertions
        # Routes answered 404, as a testnet answers a call it does not serve.
        self.unserved: set[tuple[str, str]] = set()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.websocket = WebsocketServer(self.state)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def urls(self) -> dict[str, str]:
        """ccxt's ``urls['api']`` on this emulator: the quirk table's paths under it."""
        return quirks_for("binance").api_urls(self.base_url)

    @property
    def ws_urls(self) -> dict[str, Any]:
        """ccxt's ``urls['api']['ws']`` on this emulator's websocket server."""
        return quirks_for("binance").ws_urls(self.websocket.base_url)

    @contextmanager
    def running(self) -> Iterator[Emulator]:
        self._thread.start()
        try:
            with self.websocket.running():
                yield self
        finally:
            self._server.shutdown()
            self._server.server_close()

    def routes(self) -> dict[tuple[str, str], tuple[str, Handler]]:
        """(method, path) → (authentication, handler(account, futures, params))."""
        s = self.state

        def info(_a: EmulatedAccount | None, futures: bool, _p: dict[str, str]) -> Any:
            return s.exchange_info(futures)

        def server_time(*_: Any) -> Any:
            return {"serverTime": now_ms()}

        def account(a: EmulatedAccount | None, _f: bool, _p: dict[str, str]) -> Any:
            assert a is not None
            return {"canTrade": True, "canWithdraw": a.can_withdraw, "canDeposit": False,
                    "accountType": "SPOT", "permissions": ["SPOT"], "updateTime": now_ms(),
                    "balances": [{"asset": k, "free": text(v), "locked": "0"}
                                 for k, v in sorted(a.balances.items())]}

        def futures_account(a: EmulatedAccount | None, _f: bool, _p: dict[str, str]) -> Any:
            assert a is not None
            # Binance's assets: the wallet (no unrealized PnL; the emulator marks none),
            # the margin its positions hold, and what is left available.
            used = s.margin_used(a)
            assets = [{"asset": k, "walletBalance": text(v), "marginBalance": text(v),
                       "availableBalance": text(v - used), "initialMargin": text(used),
                       "unrealizedProfit": "0", "updateTime": now_ms()}
                      for k, v in sorted(a.futures_wallet.items())]
            return {"assets": assets, "positions": [], "canTrade": True,
                    "canWithdraw": False, "updateTime": now_ms()}

        def position_risk(a: EmulatedAccount | None, _f: bool, _p: dict[str, str]) -> Any:
            assert a is not None
            return [
                {"symbol": sym, "positionAmt": text(qty), "entryPrice": text(entry),
                 "markPrice": text(s.prices.get((True, sym), entry)),
                 "unRealizedProfit": "0", "leverage": str(a.leverage.get(sym, 20)),
                 "marginType": "cross", "positionSide": "BOTH", "updateTime": now_ms(),
                 "notional": text(qty * entry), "isolatedMargin": "0"}
                for sym, (qty, entry) in a.positions.items() if qty
            ]

        def leverage(a: EmulatedAccount | None, _f: bool, p: dict[str, str]) -> Any:
            assert a is not None
            market = s.market(True, p.get("symbol"))
            a.leverage[market.id] = int(p["leverage"])
            return {"symbol": market.id, "leverage": int(p["leverage"]),
                    "maxNotionalValue": "1000000"}

        def new_order(a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            assert a is not None
            order = s.place(a, s.market(futures, p.get("symbol")), p)
            return s.order_json(order, with_fills=True, account=a)

        def get_order(a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            assert a is not None
            return s.order_json(s.find(a, s.market(futures, p.get("symbol")), p))

        def cancel(a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            assert a is not None
            return s.order_json(s.cancel(s.find(a, s.market(futures, p.get("symbol")), p)))

        def open_orders(a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            assert a is not None
            wanted = p.get("symbol")
            return [s.order_json(o) for o in a.orders if o.is_open
                    and o.market.futures == futures and wanted in (None, o.market.id)]

        def my_trades(a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            assert a is not None
            market = s.market(futures, p.get("symbol"))
            order_id = p.get("orderId")
            # Binance: fromId is the first trade id wanted (ids ascending); startTime the
            # earliest time; limit at most 1000 (default 500).
            from_id = int(p.get("fromId", 0))
            start = int(p.get("startTime", 0))
            limit = min(int(p.get("limit", 500)), 1000)
            return [s.trade_json(t) for t in a.trades if t.order.market is market
                    and order_id in (None, str(t.order.order_id))
                    and t.trade_id >= from_id and t.time_ms >= start][:limit]

        def api_restrictions(a: EmulatedAccount | None, _f: bool, _p: dict[str, str]) -> Any:
            assert a is not None
            return {"ipRestrict": False, "createTime": now_ms(), "enableReading": True,
                    "enableSpotAndMarginTrading": True, "enableFutures": True,
                    "enableWithdrawals": a.can_withdraw, "enableInternalTransfer": False,
                    "permitsUniversalTransfer": False, "enableMargin": False}

        def tickers(_a: EmulatedAccount | None, futures: bool, p: dict[str, str]) -> Any:
            # Binance's 24-hour tickers: every priced market, or the `symbols` JSON list.
            wanted = set(json.loads(p["symbols"])) if "symbols" in p else None
            return [s.ticker_json(sym, price) for (fut, sym), price in sorted(s.prices.items())
                    if fut == futures and (wanted is None or sym in wanted)]

        def listen_key(a: EmulatedAccount | None, _f: bool, _p: dict[str, str]) -> Any:
            assert a is not None
            return {"listenKey": self.websocket.new_listen_key(a)}

        routes: dict[tuple[str, str], tuple[str, Handler]] = {}
        for prefix in ("/api/v3", "/fapi/v1"):
            routes[("GET", f"{prefix}/ticker/24hr")] = (PUBLIC, tickers)
            routes[("GET", f"{prefix}/exchangeInfo")] = (PUBLIC, info)
            routes[("GET", f"{prefix}/time")] = (PUBLIC, server_time)
            routes[("POST", f"{prefix}/order")] = (SIGNED, new_order)
            routes[("GET", f"{prefix}/order")] = (SIGNED, get_order)
            routes[("DELETE", f"{prefix}/order")] = (SIGNED, cancel)
            routes[("GET", f"{prefix}/openOrders")] = (SIGNED, open_orders)
        routes[("GET", "/api/v3/account")] = (SIGNED, account)
        routes[("GET", "/api/v3/myTrades")] = (SIGNED, my_trades)
        routes[("GET", "/fapi/v1/userTrades")] = (SIGNED, my_trades)
        routes[("POST", "/fapi/v1/leverage")] = (SIGNED, leverage)
        routes[("GET", "/sapi/v1/account/apiRestrictions")] = (SIGNED, api_restrictions)
        routes[("GET", "/fapi/v1/premiumIndex")] = (
            PUBLIC, lambda _a, _f, p: premium_index(s, p.get("symbol"))
        )
        routes[("GET", "/fapi/v1/leverageBracket")] = (SIGNED, lambda *_: s.leverage_brackets())
        # Not Binance's: how many requests the emulator has served (the live benchmark's
        # calls per second, counted where they arrive)
        # and the CPU seconds the emulator's process has used, the benchmark's other half).
        routes[("GET", "/emulator/stats")] = (
            PUBLIC, lambda *_: {"requests": len(self.requests), "cpu_s": time.process_time()}
        )
        routes[("POST", "/fapi/v1/listenKey")] = (KEYED, listen_key)
        routes[("PUT", "/fapi/v1/listenKey")] = (KEYED, listen_key)
        for version in ("v2", "v3"):
            routes[("GET", f"/fapi/{version}/account")] = (SIGNED, futures_account)
            routes[("GET", f"/fapi/{version}/positionRisk")] = (SIGNED, position_risk)
        return routes


def _handler_for(emulator: Emulator) -> type[BaseHTTPRequestHandler]:
    routes = emulator.routes()

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out as two writes: without TCP_NODELAY the body
        # waits for the client's delayed ACK (~40 ms a request on Linux).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            return

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            emulator.requests.append((method, url.path))
            route = None if (method, url.path) in emulator.unserved else routes.get(
                (method, url.path)
            )
            if route is None:
                self._answer(404, {"code": -1, "msg": f"no route {method} {url.path}"})
                return
            signed, handler = route
            fault = emulator.faults.take(method, url.path)
            if fault is Fault.DROP_BEFORE_ACCEPT:
                self.close_connection = True
                return
            if fault is Fault.TIMEOUT:
                time.sleep(emulator.slow_seconds)
            if fault in _FAULT_ANSWERS:
                status, code, msg = _FAULT_ANSWERS[fault]  # type: ignore[index]
                self._answer(status, {"code": code, "msg": msg})
                return
            raw = url.query if method in ("GET", "DELETE") else body
            try:
                account = (
                    self._authenticate(raw) if signed == SIGNED
                    else self._account_of_key() if signed == KEYED else None
                )
                params = dict(parse_qsl(raw, keep_blank_values=True))
                with emulator.state.lock:
                    answer = handler(account, url.path.startswith("/fapi"), params)
            except ExchangeRefusal as refusal:
                self._answer(refusal.status, {"code": refusal.code, "msg": refusal.msg})
                return
            if fault is Fault.DROP_AFTER_ACCEPT:
                self.close_connection = True
                return
            self._answer(200, answer)

        def _account_of_key(self) -> EmulatedAccount:
            account = emulator.state.accounts.get(self.headers.get("X-MBX-APIKEY") or "")
            if account is None:
                raise ExchangeRefusal(401, -2015, "Invalid API-key, IP, or permissions for action.")
            return account

        def _authenticate(self, raw: str) -> EmulatedAccount:
            account = self._account_of_key()
            payload, sep, signature = raw.rpartition("&signature=")
            expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256)
            if not sep or not hmac.compare_digest(expected.hexdigest(), signature):
                raise ExchangeRefusal(400, -1022, "Signature for this request is not valid.")
            if "timestamp=" not in payload:
                raise ExchangeRefusal(400, -1102, "Mandatory parameter 'timestamp' was not sent.")
            return account

        def _answer(self, status: int, payload: Any) -> None:
            data = json.dumps(payload, default=_jsonable).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return _Handler


def _jsonable(value: object) -> str:
    if isinstance(value, Decimal):
        return text(value)
    raise TypeError(f"not JSON: {value!r}")
