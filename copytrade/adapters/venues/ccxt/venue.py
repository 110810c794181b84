"""A live exchange through ccxt's synchronous client, behind the venue port.

The pipeline calls the venue synchronously (``Executor``), so this uses ccxt's sync
client: one client per linked account (its own key, so ccxt's rate limiter runs per
key), calls of one account serialised by a lock, and a batch spread over at most
``max_concurrency`` threads. Markets are loaded once and shared by every client.

Idempotency (the port's rule: placing a client order id again returns the order the
exchange has): answers are remembered for the life of the process, and an id whose
placement ended in a temporary error (the exchange may have taken the order before the
connection dropped) is looked up by its client order id before it is sent again. After
a restart, the pipeline's recovery looks every unconfirmed order up first
(docs/venues.md, "Live exchanges").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

import ccxt

from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.errors import Refusal, translate
from copytrade.adapters.venues.ccxt.markets import (
    contract_size,
    instruments_from_markets,
    number,
)
from copytrade.adapters.venues.ccxt.order_params import order_params
from copytrade.adapters.venues.ccxt.orders import OrderContext, trade_fill, venue_order
from copytrade.adapters.venues.ccxt.quirks import ExchangeQuirks, quirks_for
from copytrade.adapters.venues.errors import (
    PermanentVenueError,
    TemporaryVenueError,
    UnknownOrderError,
    UnsupportedOperationError,
    VenueError,
)
from copytrade.adapters.venues.port import (
    AccountHoldings,
    CashMove,
    FundingPayment,
    OrderRequest,
    RejectReason,
    VenueOrder,
    VenuePosition,
    rejected_order,
)
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ONE, ZERO

_ANSWERS_KEPT = 100_000
# A rejection's reason is stored in 200 characters with the decision's "venue:" prefix.
_REASON_LIMIT = 194


# ccxt logs every request's headers (the API key among them) at DEBUG, and urllib3 the
# signed URLs: keys are never logged (docs/venues.md, "Keys at rest"), whatever level
# the process logs at.
for _noisy in ("ccxt", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CcxtVenue:
    """Orders, balances and positions of linked accounts on one exchange.

    ``accounts`` maps the venue account (the port's ``account``) to its API
    credentials. ``api_urls`` replaces ccxt's ``urls['api']`` entries (the test
    emulator, a proxy); ``sandbox`` switches ccxt to the exchange's testnet.
    """

    # Opening copies go as limits at the follower's tolerance price, sent IOC (``_send``):
    # on a live book the price can move past the tolerance between the check and the fill.
    OPENING = OpeningOrders.TOLERANCE_LIMIT

    def __init__(
        self,
        exchange: str,
        accounts: Mapping[str, ApiCredentials],
        *,
        api_urls: Mapping[str, str] | None = None,
        sandbox: bool = False,
        timeout_ms: int = 10_000,
        max_concurrency: int = 8,
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
        self._redact = tuple(
            v for c in self._accounts.values() for v in (c.api_key, c.secret, c.password) if v
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
        client = self._exchange_class(config)
        if self._sandbox:
            client.set_sandbox_mode(True)
        if self._api_urls:
            client.urls["api"] = {**client.urls.get("api", {}), **self._api_urls}
        return client

    def _client(self, account: str) -> tuple[Any, threading.Lock]:
        """The client of the exchange account ``account`` trades in. Books that are
        sub-accounts of one exchange account (a follower's live relationships) share
        its client, so its rate limiter and lock cover the whole key."""
        self._load_markets()
        with self._setup_lock:
            credentials = self._accounts.get(account)
            if credentials is None:
                raise PermanentVenueError(
                    f"account {account!r} has no linked {self._quirks.exchange} account "
                    "among the venue's accounts",
                    "account_not_linked",
                )
            key = credentials.api_key
            client = self._clients.get(key)
            if client is None:
                client = self._new_client(credentials)
                client.set_markets(self._markets)
                self._clients[key] = client
                self._locks[key] = threading.Lock()
            return client, self._locks[key]

    def connect(self, accounts: Iterable[str]) -> None:
        """Load the markets and make the clients of ``accounts`` now, not at their first
        order (a client takes tens of milliseconds to build)."""
        for account in accounts:
            self._client(account)

    def add_account(self, account: str, credentials: ApiCredentials) -> None:
        """Trade ``account`` (a book) on the exchange account of ``credentials`` too."""
        with self._setup_lock:
            self._accounts[account] = credentials
            self._redact = tuple(
                {v for c in self._accounts.values() for v in (c.api_key, c.secret, c.password)
                 if v}
            )

    def _call(self, action: Callable[[], Any]) -> Any:
        """Run one ccxt call; its errors as the port's (a refusal is returned as is)."""
        try:
            return action()
        except ccxt.BaseError as error:
            outcome = translate(error, self._redact)
            if isinstance(outcome, Refusal):
                raise _Refused(outcome) from None
            raise outcome from None

    # --- orders ----------------------------------------------------------------

    def exchange_client_order_id(self, client_order_id: ClientOrderId) -> str:
        return self._quirks.client_order_id(client_order_id)

    def place(self, request: OrderRequest) -> VenueOrder:
        """One order; a venue error (temporary or permanent) is raised."""
        outcome = self._place_outcome(request)
        if isinstance(outcome, VenueError):
            raise outcome
        return outcome

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """Place each order (one call each); a temporary error is raised after the others
        are done, and a retry answers the placed ones from memory."""
        if not requests:
            return []
        if len(requests) == 1:
            outcomes = [self._place_outcome(requests[0])]
        else:
            outcomes = list(self._threads().map(self._place_outcome, requests))
        for outcome in outcomes:
            if isinstance(outcome, TemporaryVenueError):
                raise outcome
        # A permanent error is one order's (its account's key revoked, say): that order
        # is rejected with it, the others placed stand (docs/venues.md).
        return [
            self._refused_by(request, o) if isinstance(o, VenueError) else o
            for request, o in zip(requests, outcomes, strict=True)
        ]

    def _refused_by(self, request: OrderRequest, error: VenueError) -> VenueOrder:
        code = error.reason if isinstance(error, PermanentVenueError) else "venue_error"
        reason = f"{code}: {error}"
        if len(reason) > _REASON_LIMIT:
            reason = reason[: _REASON_LIMIT - 1] + "…"
        venue_order_id = OrderId(f"{self._quirks.exchange}:unplaced:{request.client_order_id}")
        return rejected_order(request, venue_order_id, None, reason, self._clock())

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
        """Stop the venue's threads (they also stop with the process)."""
        with self._setup_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _place_outcome(self, request: OrderRequest) -> VenueOrder | VenueError:
        try:
            return self._place_one(request)
        except VenueError as error:
            return error

    def _place_one(self, request: OrderRequest) -> VenueOrder:
        key = (str(request.account), str(request.client_order_id))
        known = self._answers.get(key)
        if known is not None:
            return known
        instrument = self._instrument(request.symbol)
        if instrument is None:
            return self._rejected(
                request, RejectReason.UNKNOWN_SYMBOL,
                f"{self._quirks.exchange} lists no spot or linear perpetual market "
                f"{request.symbol!r}",
            )
        off_rules = self._off_the_rules(request, instrument)
        if off_rules is not None:
            return off_rules
        client, lock = self._client(request.account)
        with lock:
            if key in self._uncertain:
                found = self._find(client, request.account, request.client_order_id, instrument)
                if found is not None:
                    return self._remember(key, found)
            try:
                answer = self._send(client, request, instrument)
            except _Refused as refused:
                return self._remember(
                    key,
                    self._rejected(request, refused.refusal.reject_reason, refused.refusal.message),
                )
            except TemporaryVenueError:
                self._uncertain.add(key)
                raise
        return self._remember(key, answer)

    def _off_the_rules(self, request: OrderRequest, instrument: Instrument) -> VenueOrder | None:
        """A quantity off the lot step or a limit off the tick is rejected here: ccxt would
        silently round it to the market's precision and send a different order."""
        try:
            instrument.check_qty(request.qty)
        except InvalidValueError as error:
            return self._rejected(request, RejectReason.INVALID_QUANTITY, str(error))
        price = request.limit_price
        if request.type is OrderType.LIMIT and (
            price is None or price <= 0 or price % instrument.tick
        ):
            return self._rejected(
                request, RejectReason.INVALID_PRICE,
                f"{instrument.symbol} limit {price} is not a positive multiple of the tick "
                f"{instrument.tick}",
            )
        return None

    def _send(self, client: Any, request: OrderRequest, instrument: Instrument) -> VenueOrder:
        size = contract_size(self._markets_of(instrument.symbol))
        leverage = self._prepare_leverage(client, request, instrument)
        # Copies never rest on a live book: a limit is immediate-or-cancel unless it
        # asks otherwise (order_params.py).
        params = order_params(
            request, self.exchange_client_order_id(request.client_order_id), instrument.is_spot
        )
        price: float | None = None
        if request.type is OrderType.LIMIT:
            if request.limit_price is None:
                raise PermanentVenueError("a limit order needs a limit price", "invalid_price")
            price = float(request.limit_price)
        amount = float(request.qty / size)
        created = self._call(
            lambda: client.create_order(
                request.symbol, request.type.value, request.side.value, amount, price, params
            )
        )
        return self._with_trades(
            client, self._context(request.account, request.client_order_id, instrument, leverage),
            created,
        )

    def _prepare_leverage(
        self, client: Any, request: OrderRequest, instrument: Instrument
    ) -> Decimal:
        """The leverage the order trades at; set on the exchange when it changes."""
        if instrument.is_spot:
            return ONE
        # Exchanges take whole leverage: the follower's is capped, then rounded down.
        wanted = max(ONE, instrument.cap_leverage(request.leverage).to_integral_value(ROUND_DOWN))
        key = (self._accounts[str(request.account)].api_key, instrument.symbol)
        if not request.reduce_only and self._leverage_set.get(key) != wanted:
            self._call(lambda: client.set_leverage(int(wanted), instrument.symbol))
            self._leverage_set[key] = wanted
        return self._leverage_set.get(key, wanted)

    def _context(
        self, account: str, client_order_id: ClientOrderId, instrument: Instrument,
        leverage: Decimal,
    ) -> OrderContext:
        return OrderContext(
            exchange=self._quirks.exchange,
            account=account,
            client_order_id=client_order_id,
            instrument=instrument,
            contract_size=contract_size(self._markets_of(instrument.symbol)),
            leverage=leverage,
        )

    def _with_trades(self, client: Any, ctx: OrderContext, order: Mapping[str, Any]) -> VenueOrder:
        trades: list[Any] = []
        listed = _answer_trades(order)
        if listed is not None:
            # The answer lists its trades (Binance spot's FULL answer): one call per order.
            trades = listed
        elif (order.get("filled") or 0) > 0:
            trades = self._call(
                lambda: client.fetch_my_trades(
                    ctx.instrument.symbol, params={"orderId": order["id"]}
                )
            )
        return venue_order(ctx, order, trades, self._clock())

    def _markets_of(self, symbol: str) -> Mapping[str, Any]:
        assert self._markets is not None
        market: Mapping[str, Any] = self._markets[symbol]
        return market

    def _find(
        self, client: Any, account: str, client_order_id: ClientOrderId, instrument: Instrument
    ) -> VenueOrder | None:
        exchange_id = self.exchange_client_order_id(client_order_id)
        try:
            order = self._call(
                lambda: client.fetch_order(
                    None, instrument.symbol, {"clientOrderId": exchange_id}
                )
            )
        except _Refused:
            return None  # ccxt's OrderNotFound is an InvalidOrder: the order is not there
        leverage = self._leverage_set.get((self._accounts[account].api_key, instrument.symbol))
        if leverage is None and not instrument.is_spot:
            leverage = self._position_leverage(client, instrument)
        ctx = self._context(account, client_order_id, instrument, leverage or ONE)
        return self._with_trades(client, ctx, order)

    def _position_leverage(self, client: Any, instrument: Instrument) -> Decimal | None:
        positions = self._call(lambda: client.fetch_positions([instrument.symbol]))
        for position in positions:
            if position.get("symbol") == instrument.symbol and position.get("leverage"):
                return number(position["leverage"], "leverage")
        return None

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        """The order by our client order id. Exchanges such as Binance look orders up per
        market: without ``symbol`` every market is asked in turn (slow; pass it)."""
        key = (str(account), str(client_order_id))
        if key in self._answers and self._answers[key].is_terminal:
            return self._answers[key]
        client, lock = self._client(account)
        candidates = [symbol] if symbol else list(self._instruments)
        with lock:
            for candidate in candidates:
                instrument = self._instrument(candidate)
                if instrument is None:
                    continue
                found = self._find(client, account, client_order_id, instrument)
                if found is not None:
                    self._uncertain.discard(key)
                    return self._remember(key, found)
        return None

    def cancel(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder:
        found = self.get_order(account, client_order_id, symbol)
        if found is None:
            raise UnknownOrderError(f"no order {client_order_id} on account {account}")
        if found.is_terminal:
            return found
        client, lock = self._client(account)
        instrument = self._instrument(found.symbol)
        assert instrument is not None
        exchange_id = self.exchange_client_order_id(client_order_id)
        with lock:
            try:
                self._call(
                    lambda: client.cancel_order(
                        None, found.symbol, {"clientOrderId": exchange_id}
                    )
                )
            except _Refused as refused:
                raise PermanentVenueError(
                    f"the exchange refused to cancel {client_order_id}: {refused.refusal.message}",
                    "cancel_refused",
                ) from None
            self._answers.pop((str(account), str(client_order_id)), None)
            answer = self._find(client, account, client_order_id, instrument)
        if answer is None:
            raise UnknownOrderError(f"order {client_order_id} vanished on account {account}")
        return answer

    def _remember(self, key: tuple[str, str], answer: VenueOrder) -> VenueOrder:
        if len(self._answers) >= _ANSWERS_KEPT:
            self._answers.pop(next(iter(self._answers)))
        self._answers[key] = answer
        self._uncertain.discard(key)
        return answer

    def _rejected(self, request: OrderRequest, reason: RejectReason, message: str) -> VenueOrder:
        venue_order_id = OrderId(f"{self._quirks.exchange}:rejected:{request.client_order_id}")
        return rejected_order(request, venue_order_id, reason, message, self._clock())

    # --- account ---------------------------------------------------------------

    def balances(self, account: str) -> Mapping[str, Decimal]:
        """Free spot balances, by currency (those above zero)."""
        client, lock = self._client(account)
        with lock:
            balance = self._call(lambda: client.fetch_balance())
        free = balance.get("free") or {}
        return {
            currency: amount
            for currency, value in free.items()
            if value is not None and (amount := number(value, f"{currency} balance")) > 0
        }

    def positions(self, account: str) -> list[VenuePosition]:
        """Open perpetual positions (spot holdings are in ``balances``)."""
        perps = [s for s, i in self._instruments_loaded().items() if not i.is_spot]
        if not perps:
            return []
        client, lock = self._client(account)
        with lock:
            rows = self._call(lambda: client.fetch_positions(perps))
        positions = []
        for row in rows:
            symbol = row.get("symbol")
            if symbol not in self._instruments:
                continue
            contracts = number(row.get("contracts") or 0, "contracts")
            if contracts == 0:
                continue
            qty = contracts * contract_size(self._markets_of(symbol))
            positions.append(
                VenuePosition(
                    account=account,
                    symbol=symbol,
                    qty=-qty if row.get("side") == "short" else qty,
                    avg_entry_price=number(row.get("entryPrice") or 0, "entry price"),
                    leverage=number(row.get("leverage") or 1, "leverage"),
                    margin=number(row.get("initialMargin") or 0, "margin"),
                    realized_pnl=ZERO,
                    fees_paid=ZERO,
                )
            )
        return positions

    def _instruments_loaded(self) -> dict[str, Instrument]:
        self._load_markets()
        return self._instruments

    def check(self, account: str) -> Mapping[str, Decimal]:
        """Reach the exchange with the account's keys: its balances, or the venue error."""
        return self.balances(account)

    def can_withdraw(self, account: str) -> bool | None:
        """Whether the account's key may withdraw, where the exchange reports it; None
        when it does not say (no such call, or the call is not served, as on testnets).
        Authentication errors are raised: the key itself is wrong."""
        probe = self._quirks.withdrawal_permission
        if probe is None:
            return None
        client, lock = self._client(account)
        with lock:
            try:
                answer: bool | None = self._call(lambda: probe(client))
            except PermanentVenueError as error:
                if error.reason in ("not_supported", "exchange_error"):
                    return None
                raise
        return answer

    # --- an account's own trades (the provider watcher) --------------------------

    def trades_after(
        self, account: str, symbol: str, position: str | None, since: datetime, limit: int
    ) -> tuple[list[Fill], str | None]:
        """The account's trades in ``symbol`` after ``position`` (None: from ``since``),
        oldest first, at most ``limit``, and the position to pass next time.

        The position is the exchange's paging key (docs/venues.md, "Watching a
        provider's account"): the last trade id where trades page by id (Binance's
        fromId), else the last trade's time in ms, where the trades at that very
        millisecond come again and are told apart by their fill id.
        """
        instrument = self._instrument(symbol)
        if instrument is None:
            raise PermanentVenueError(
                f"{self._quirks.exchange} lists no market {symbol!r}", "unknown_symbol"
            )
        by_id = self._quirks.trade_paging == "from_id"
        since_ms: int | None = int(since.timestamp() * 1000)
        params: dict[str, Any] = {}
        if position is not None and by_id:
            params["fromId"], since_ms = int(position) + 1, None
        elif position is not None:
            since_ms = int(position)
        client, lock = self._client(account)
        with lock:
            trades = self._call(lambda: client.fetch_my_trades(symbol, since_ms, limit, params))
        trades = sorted(trades, key=lambda t: (t.get("timestamp") or 0, _trade_key(t)))
        if not trades:
            return [], position
        size = contract_size(self._markets_of(symbol))
        now = self._clock()
        fills = [
            trade_fill(self._quirks.exchange, account, instrument, size, t, now) for t in trades
        ]
        last = max(trades, key=_trade_key) if by_id else trades[-1]
        return fills, str(last["id"] if by_id else last["timestamp"])

    # --- what only the paper venue can do ---------------------------------------

    def _unsupported(self, what: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            f"{what} is not possible on a live exchange ({self._quirks.exchange}): "
            "only the paper venue can do it (docs/venues.md, \"Live exchanges\")"
        )

    def fills_since(self, cursor: int, limit: int) -> tuple[list[Fill], int]:
        raise self._unsupported("reading one fill stream of all accounts")

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        raise self._unsupported("setting a price")

    def prices(self) -> dict[str, Decimal]:
        raise self._unsupported("reading the paper price table")

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal:
        raise self._unsupported("depositing")

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal:
        raise self._unsupported("withdrawing")

    def withdrawable(self, account: str, currency: str) -> Decimal:
        raise self._unsupported("moving cash")

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        raise self._unsupported("moving cash")

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        raise self._unsupported("moving cash")

    def holdings(self) -> dict[str, AccountHoldings]:
        raise self._unsupported("reading every account at one instant")

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        raise self._unsupported("paying funding (the exchange charges it itself)")


def _answer_trades(order: Mapping[str, Any]) -> list[Any] | None:
    """The trades an order's answer lists, when they account for all it filled (each
    with its id, price and fee); else None, and the trades are fetched."""
    trades = order.get("trades") or []
    filled = order.get("filled") or 0
    if not trades or not filled:
        return [] if not filled else None
    if any(t.get("id") is None or t.get("price") is None or not t.get("fee") for t in trades):
        return None
    total = sum(number(t.get("amount"), "trade amount") for t in trades)
    if total != number(filled, "filled"):
        return None
    # The answer's trades carry no time of their own: they traded when the order last
    # changed (Binance: at its transaction time).
    side, ts = order.get("side"), order.get("lastUpdateTimestamp") or order.get("timestamp")
    return [
        {**t, "side": t.get("side") or side, "order": t.get("order") or order.get("id"),
         "timestamp": t.get("timestamp") or ts}
        for t in trades
    ]


def _trade_key(trade: Mapping[str, Any]) -> tuple[int, str]:
    """Trade ids in numeric order where they are numbers (Binance), else as text."""
    text = str(trade.get("id"))
    return (int(text), "") if text.isdigit() else (0, text)


def linked_venue(
    exchange: str,
    accounts: Mapping[str, ApiCredentials],
    *,
    sandbox: bool = False,
    api_base: str | None = None,
) -> CcxtVenue:
    """The venue for linked accounts of one exchange, reached where they are linked: the
    testnet (``sandbox``) or every API entry under ``api_base``."""
    urls = quirks_for(exchange).api_urls(api_base) if api_base else None
    return CcxtVenue(exchange, accounts, api_urls=urls, sandbox=sandbox)


class _Refused(Exception):
    """Internal: the exchange refused an order (carried out of ``_call``)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
