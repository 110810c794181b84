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

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from copytrade.adapters.venues.ccxt.account_reads import AccountReads
from copytrade.adapters.venues.ccxt.connection import OrderRefused
from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.ccxt.markets import contract_size, number
from copytrade.adapters.venues.ccxt.order_params import order_params
from copytrade.adapters.venues.ccxt.orders import OrderContext, answer_trades, venue_order
from copytrade.adapters.venues.ccxt.paper_only import PaperOnlyOperations
from copytrade.adapters.venues.ccxt.quirks import quirks_for
from copytrade.adapters.venues.ccxt.workers import WORKER_MIN_BATCH, Job
from copytrade.adapters.venues.errors import (
    PermanentVenueError,
    TemporaryVenueError,
    UnknownOrderError,
    VenueError,
)
from copytrade.adapters.venues.port import (
    OrderRequest,
    RejectReason,
    VenueOrder,
    rejected_order,
)
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ONE

_ANSWERS_KEPT = 100_000
# A rejection's reason is stored in 200 characters with the decision's "venue:" prefix.
_REASON_LIMIT = 194


class CcxtVenue(AccountReads, PaperOnlyOperations):
    """Orders, balances and positions of linked accounts on one exchange.

    ``accounts`` maps the venue account (the port's ``account``) to its API
    credentials. ``api_urls`` replaces ccxt's ``urls['api']`` entries (the test
    emulator, a proxy); ``sandbox`` switches ccxt to the exchange's testnet.
    """

    # Opening copies go as limits at the follower's tolerance price, sent IOC (``_send``):
    # on a live book the price can move past the tolerance between the check and the fill.
    OPENING = OpeningOrders.TOLERANCE_LIMIT

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
        outcomes = self.place_outcomes(requests)
        for outcome in outcomes:
            if isinstance(outcome, TemporaryVenueError):
                raise outcome
        # A permanent error is one order's (its account's key revoked, say): that order
        # is rejected with it, the others placed stand (docs/venues.md).
        return [
            self._refused_by(request, o) if isinstance(o, VenueError) else o
            for request, o in zip(requests, outcomes, strict=True)
        ]

    def place_outcomes(self, requests: Sequence[OrderRequest]) -> list[VenueOrder | VenueError]:
        """Each order's answer or the venue error it met, in order: sent by the venue's
        threads, or by its order workers when the batch is big enough."""
        if self._workers is not None and len(requests) >= WORKER_MIN_BATCH:
            return self._worker_outcomes(requests)
        if len(requests) == 1:
            return [self._place_outcome(requests[0])]
        return list(self._threads().map(self._place_outcome, requests))

    def _worker_outcomes(self, requests: Sequence[OrderRequest]) -> list[VenueOrder | VenueError]:
        """The batch through the order workers: answers already known are not sent again,
        and what the workers answer is remembered here too (docs/venues.md, "Order
        worker processes")."""
        assert self._workers is not None
        self._load_markets()
        outcomes: list[VenueOrder | VenueError | None] = []
        jobs: list[Job] = []
        sent: list[int] = []
        for request in requests:
            key = (str(request.account), str(request.client_order_id))
            credentials = self._accounts.get(key[0])
            if key in self._answers:
                outcomes.append(self._answers[key])
            elif credentials is None:
                outcomes.append(self._not_linked(key[0]))
            else:
                sent.append(len(outcomes))
                outcomes.append(None)  # the worker's answer, below
                jobs.append((request, credentials, key in self._uncertain))
        answers, failure = self._workers.place(jobs)
        for index, (request, _, _), answer in zip(sent, jobs, answers, strict=True):
            key = (str(request.account), str(request.client_order_id))
            if isinstance(answer, VenueOrder):
                self._remember(key, answer)
            elif isinstance(answer, TemporaryVenueError):
                self._uncertain.add(key)
            outcomes[index] = answer
        if failure is not None:
            raise failure
        return [o for o in outcomes if o is not None]

    def _refused_by(self, request: OrderRequest, error: VenueError) -> VenueOrder:
        code = error.reason if isinstance(error, PermanentVenueError) else "venue_error"
        reason = f"{code}: {error}"
        if len(reason) > _REASON_LIMIT:
            reason = reason[: _REASON_LIMIT - 1] + "…"
        venue_order_id = OrderId(f"{self._quirks.exchange}:unplaced:{request.client_order_id}")
        return rejected_order(request, venue_order_id, None, reason, self._clock())

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
            except OrderRefused as refused:
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
        listed = answer_trades(order)
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
        except OrderRefused:
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
            except OrderRefused as refused:
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


def linked_venue(
    exchange: str,
    accounts: Mapping[str, ApiCredentials],
    *,
    sandbox: bool = False,
    api_base: str | None = None,
    order_processes: int = 0,
) -> CcxtVenue:
    """The venue for linked accounts of one exchange, reached where they are linked: the
    testnet (``sandbox``) or every API entry under ``api_base``; big batches sent by
    ``order_processes`` workers (docs/venues.md, "Order worker processes")."""
    urls = quirks_for(exchange).api_urls(api_base) if api_base else None
    return CcxtVenue(
        exchange, accounts, api_urls=urls, sandbox=sandbox, order_processes=order_processes
    )
