"""One exchange's ccxt clients: markets loaded once, a client per linked key, its lock.

The pipeline calls the venue synchronously (``Executor``), so this uses ccxt's sync
client: one client per linked account (its own key, so ccxt's rate limiter runs per
key), calls of one account serialised by a lock, and a batch spread over at most
``max_concurrency`` threads, started once. Markets are loaded once and shared by every
client (docs/venues.md, "Live exchanges (ccxt)").
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import ccxt

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.errors import Refusal, clean_message, translate
from copytrade.adapters.venues.ccxt.markets import instruments_from_markets, number
from copytrade.adapters.venues.ccxt.quirks import ExchangeQuirks, quirks_for
from copytrade.adapters.venues.ccxt.transport import LeanSession
from copytrade.adapters.venues.ccxt.workers import OrderWorkers, WorkerSetup
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.instruments import Instrument

# ccxt logs every request's headers (the API key among them) at DEBUG, and urllib3 the
# signed URLs: keys are never logged (docs/venues.md, "Keys at rest"), whatever level
# the process logs at.
for _noisy in ("ccxt", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

# The proxy settings requests reads from the environment when ``trust_env`` is on
# (docs/venues.md, "Per-call overhead").
_PROXY_ENVIRONMENT = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def environment_sets_proxies() -> bool:
    """Whether a proxy is set in the environment (any case)."""
    return any(name.lower() in _PROXY_ENVIRONMENT for name in os.environ)


def environment_ca_bundle() -> str | None:
    """The CA bundle the environment names, as requests reads it."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


class CcxtConnection:
    """The clients, markets and threads of one exchange's linked accounts.

    ``accounts`` maps the venue account (the port's ``account``) to its API
    credentials. ``api_urls`` replaces ccxt's ``urls['api']`` entries (the test
    emulator, a proxy); ``sandbox`` switches ccxt to the exchange's testnet.
    """

    def __init__(
        self,
        exchange: str,
        accounts: Mapping[str, ApiCredentials],
        *,
        api_urls: Mapping[str, str] | None = None,
        sandbox: bool = False,
        timeout_ms: int = 10_000,
        max_concurrency: int = 8,
        order_processes: int = 0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._quirks: ExchangeQuirks = quirks_for(exchange)
        self._exchange_class = getattr(ccxt, exchange)
        self._accounts = dict(accounts)
        self._api_urls = dict(api_urls or {})
        self._sandbox = sandbox
        self._timeout_ms = timeout_ms
        self._pool_size = max(1, max_concurrency)
        self._clock = clock
        self._clients: dict[str, Any] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._locks: dict[str, threading.Lock] = {}
        self._setup_lock = threading.Lock()
        self._markets: dict[str, Any] | None = None
        self._instruments: dict[str, Instrument] = {}
        self._leverage_set: dict[tuple[str, str], Decimal] = {}
        self._answers: dict[tuple[str, str], VenueOrder] = {}
        self._uncertain: set[tuple[str, str]] = set()
        self._trust_env = environment_sets_proxies()
        self._redact = tuple(
            v for c in self._accounts.values() for v in (c.api_key, c.secret, c.password) if v
        )
        self._order_processes = order_processes
        # Big batches go to worker processes (docs/venues.md, "Order worker processes").
        self._workers = (
            OrderWorkers(order_processes, self._worker_setup) if order_processes > 0 else None
        )


    # --- markets ---------------------------------------------------------------

    def instruments(self) -> list[Instrument]:
        """The exchange's spot and linear perpetual markets as Instruments (loaded once)."""
        self._load_markets()
        return list(self._instruments.values())

    def _load_markets(self) -> None:
        with self._setup_lock:
            if self._markets is not None:
                return
            first = next(iter(self._accounts), None)
            client = self._new_client(self._accounts[first] if first else None)
            markets = self._call(lambda: client.load_markets())
            leverage: dict[str, Decimal] = {}
            if first is not None and any(m.get("swap") for m in markets.values()):
                leverage = self._max_leverage(client)
            self._instruments = instruments_from_markets(
                markets, leverage, self._quirks.default_max_leverage
            )
            self._markets = markets

    def _max_leverage(self, client: Any) -> dict[str, Decimal]:
        """Each perp's highest initial leverage, from its leverage tiers (a private call)."""
        if not client.has.get("fetchLeverageTiers"):
            return {}
        tiers = self._call(lambda: client.fetch_leverage_tiers())
        return {
            symbol: max(number(t.get("maxLeverage"), "max leverage") for t in rows)
            for symbol, rows in tiers.items()
            if rows and all(t.get("maxLeverage") is not None for t in rows)
        }

    def adopt_markets(
        self, markets: dict[str, Any], instruments: dict[str, Instrument]
    ) -> None:
        """Use markets another venue loaded (a worker process's, from its parent)."""
        with self._setup_lock:
            self._markets, self._instruments = markets, instruments

    def _worker_setup(self) -> WorkerSetup:
        self._load_markets()
        assert self._markets is not None
        return WorkerSetup(
            self._quirks.exchange, self._api_urls, self._sandbox, self._timeout_ms,
            # the venue's threads shared out: as many orders in flight in all
            max(1, self._pool_size // max(1, self._order_processes)),
            self._markets, self._instruments,
        )

    def _instrument(self, symbol: str) -> Instrument | None:
        self._load_markets()
        return self._instruments.get(symbol)

    # --- clients ---------------------------------------------------------------

    def _new_client(self, credentials: ApiCredentials | None) -> Any:
        config: dict[str, Any] = {
            "enableRateLimit": True,
            "timeout": self._timeout_ms,
            "options": dict(self._quirks.options),
        }
        if credentials is not None:
            config |= {"apiKey": credentials.api_key, "secret": credentials.secret}
            if credentials.password:
                config["password"] = credentials.password
        if not self._trust_env:
            # Sent by urllib3 directly: requests would scan the whole environment for
            # proxies on every call, and adds a fifth of an order's CPU besides
            # (docs/venues.md, "Per-call overhead").
            config["session"] = LeanSession(environment_ca_bundle())
        client = self._exchange_class(config)
        if self._sandbox:
            client.set_sandbox_mode(True)
        if self._api_urls:
            client.urls["api"] = {**client.urls.get("api", {}), **self._api_urls}
        return client


    def stream_client(self, account: str, ws_urls: Mapping[str, Any] | None = None) -> Any:
        """A ccxt pro (async, websocket) client of ``account``'s key, on this venue's
        markets and URLs; ``ws_urls`` replaces ``urls['api']['ws']`` (the emulator).
        None when ccxt pro has no such exchange or it cannot watch an account's trades
        (docs/venues.md, "Watching a provider's account")."""
        import ccxt.pro

        exchange_class = getattr(ccxt.pro, self._quirks.exchange, None)
        credentials = self._accounts.get(account)
        if credentials is None:
            raise self._not_linked(account)
        self._load_markets()
        if exchange_class is None or not exchange_class().has.get("watchMyTrades"):
            return None
        config: dict[str, Any] = {
            "enableRateLimit": True, "timeout": self._timeout_ms,
            "options": dict(self._quirks.options),
            "apiKey": credentials.api_key, "secret": credentials.secret,
        }
        if credentials.password:
            config["password"] = credentials.password
        client = exchange_class(config)
        if self._sandbox:
            client.set_sandbox_mode(True)
        api = {**client.urls.get("api", {}), **self._api_urls}
        if ws_urls:
            api["ws"] = {**api.get("ws", {}), **ws_urls}
        client.urls["api"] = api
        client.set_markets(self._markets)
        return client

    def _client(self, account: str) -> tuple[Any, threading.Lock]:
        """The client of the exchange account ``account`` trades in. Books that are
        sub-accounts of one exchange account (a follower's live relationships) share
        its client, so its rate limiter and lock cover the whole key."""
        self._load_markets()
        with self._setup_lock:
            credentials = self._accounts.get(account)
            if credentials is None:
                raise self._not_linked(account)
            key = credentials.api_key
            client = self._clients.get(key)
            if client is None:
                client = self._new_client(credentials)
                client.set_markets(self._markets)
                self._clients[key] = client
                self._locks[key] = threading.Lock()
            return client, self._locks[key]

    def _not_linked(self, account: str) -> PermanentVenueError:
        return PermanentVenueError(
            f"account {account!r} has no linked {self._quirks.exchange} account "
            "among the venue's accounts",
            "account_not_linked",
        )

    def connect(self, accounts: Iterable[str]) -> None:
        """Load the markets and make the clients of ``accounts`` now, not at their first
        order (a client takes tens of milliseconds to build); with order workers, in
        the workers that send their orders."""
        if self._workers is None:
            for account in accounts:
                self._client(account)
            return
        self._load_markets()
        linked = []
        for account in accounts:
            credentials = self._accounts.get(account)
            if credentials is None:
                raise self._not_linked(account)
            linked.append((account, credentials))
        self._workers.connect(linked)

    def order_worker_pids(self) -> list[int]:
        """The running order workers' process ids (none before the first big batch)."""
        return self._workers.pids() if self._workers is not None else []

    def workers_cpu_s(self) -> float:
        """The CPU seconds the venue's order workers have used (0 without any)."""
        return self._workers.cpu_s() if self._workers is not None else 0.0

    def add_account_once(self, account: str, credentials: ApiCredentials) -> None:
        """``add_account``, unless ``account`` already trades on these credentials."""
        if self._accounts.get(account) != credentials:
            self.add_account(account, credentials)

    def mark_uncertain(self, keys: Iterable[tuple[str, str]]) -> None:
        """Orders (account, client order id) to look up before they are sent again."""
        self._uncertain.update(keys)

    def add_account(self, account: str, credentials: ApiCredentials) -> None:
        """Trade ``account`` (a book) on the exchange account of ``credentials`` too."""
        with self._setup_lock:
            self._accounts[account] = credentials
            self._redact = tuple(
                {v for c in self._accounts.values() for v in (c.api_key, c.secret, c.password)
                 if v}
            )

    def error_text(self, error: Exception) -> str:
        """An error's text as it may be shown: no key, no signed query."""
        return clean_message(error, self._redact)

    def _call(self, action: Callable[[], Any]) -> Any:
        """Run one ccxt call; its errors as the port's (a refusal is returned as is)."""
        try:
            return action()
        except ccxt.BaseError as error:
            outcome = translate(error, self._redact)
            if isinstance(outcome, Refusal):
                raise OrderRefused(outcome) from None
            raise outcome from None


    def _threads(self) -> ThreadPoolExecutor:
        """The venue's threads, started once: starting them per batch costs more than a
        batch's orders on a busy machine."""
        with self._setup_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._pool_size, thread_name_prefix="ccxt"
                )
            return self._pool

    def close(self) -> None:
        """Stop the venue's threads and order workers (they also stop with the process)."""
        with self._setup_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        if self._workers is not None:
            self._workers.close()

    def _markets_of(self, symbol: str) -> Mapping[str, Any]:
        assert self._markets is not None
        market: Mapping[str, Any] = self._markets[symbol]
        return market


    def _instruments_loaded(self) -> dict[str, Instrument]:
        self._load_markets()
        return self._instruments



class OrderRefused(Exception):
    """Internal: the exchange refused an order (carried out of ``_call``)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
