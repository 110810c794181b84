"""An in-memory venue implementing the venue port (the pipeline's unit tests use it;
part of the product so that tests and product share one implementation).

It fills a market order whole at the price set for its symbol (taker fee by the
paper venue's fee rule), answers a client order id it knows with the first answer,
applies keyed cash moves each once ever (all or none), and appends every fill to
a stream ``fills_since`` reads. It checks no margin or balance: the venue's own
rules are the paper venue's tests' business, not the pipeline's. Tests steer it
with ``on_place`` (called with each batch before anything is placed) and
``errors`` (raised one per ``place_batch`` call, in order, before placing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.venues.errors import (
    InsufficientFundsError,
    OrderNotCancellableError,
    UnknownOrderError,
)
from copytrade.adapters.venues.paper.rules import fee_for
from copytrade.adapters.venues.port import (
    AccountHoldings,
    CashMove,
    FundingPayment,
    OrderRequest,
    RejectReason,
    Venue,
    VenueOrder,
    VenuePosition,
    answer_to,
)
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.values import ZERO, Price, Quantity


class MemoryVenue:
    def __init__(self, instruments: Mapping[str, Instrument], now: Callable[[], datetime]) -> None:
        self._instruments = instruments
        self._now = now
        self._prices: dict[str, Decimal] = {}
        self._orders: dict[tuple[str, str], VenueOrder] = {}
        self._stream: list[Fill] = []
        self._cash: dict[tuple[str, str], Decimal] = {}
        self._held: dict[tuple[str, str], Decimal] = {}
        self._applied: set[str] = set()
        self.on_place: Callable[[Sequence[OrderRequest]], None] = lambda requests: None
        self.errors: list[Exception] = []
        self.placed: list[OrderRequest] = []  # every request executed, once each

    # --- orders ------------------------------------------------------------------

    def place(self, request: OrderRequest) -> VenueOrder:
        return self.place_batch([request])[0]

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        self.on_place(requests)
        if self.errors:
            raise self.errors.pop(0)
        return [self._place(request) for request in requests]

    def _place(self, request: OrderRequest) -> VenueOrder:
        key = (str(request.account), str(request.client_order_id))
        known = self._orders.get(key)
        if known is not None:
            return known
        price = self._prices.get(request.symbol)
        if request.type is not OrderType.MARKET or price is None:
            answer = self._answer(request, OrderStatus.REJECTED, (), RejectReason.NO_MARKET_PRICE)
        else:
            instrument = self._instruments[request.symbol]
            number = len(self._stream) + 1
            fill = Fill(
                fill_id=FillId(f"mem-fill-{number}"),
                order_id=OrderId(f"mem-order-{number}"),
                client_order_id=request.client_order_id,
                account=AccountId(request.account),
                symbol=request.symbol,
                side=request.side,
                qty=Quantity(request.qty),
                price=Price(price),
                fee=fee_for(instrument, request.qty * price, Liquidity.TAKER),
                liquidity=Liquidity.TAKER,
                ts=self._now(),
            )
            self._stream.append(fill)
            held = (str(request.account), request.symbol)
            self._held[held] = self._held.get(held, ZERO) + request.side.sign * request.qty
            answer = self._answer(request, OrderStatus.FILLED, (fill,), None)
        self._orders[key] = answer
        self.placed.append(request)
        return answer

    def _answer(
        self,
        request: OrderRequest,
        status: OrderStatus,
        fills: tuple[Fill, ...],
        reject: RejectReason | None,
    ) -> VenueOrder:
        return answer_to(
            request, OrderId(f"mem:{request.client_order_id}"), status, self._now(),
            filled_qty=sum((f.qty for f in fills), ZERO),
            avg_fill_price=fills[0].price if fills else None,
            fees=sum((f.fee for f in fills), ZERO),
            reject_reason=reject,
            reason=None if reject is None else "the memory venue fills market orders only",
            fills=fills,
        )

    def cancel(self, account: str, client_order_id: ClientOrderId) -> VenueOrder:
        known = self.get_order(account, client_order_id)
        if known is None:
            raise UnknownOrderError(f"no order {client_order_id} of {account}")
        raise OrderNotCancellableError(f"order {client_order_id} is {known.status}")

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        return self._orders.get((str(account), str(client_order_id)))

    def positions(self, account: str) -> list[VenuePosition]:
        """Quantities only: the memory venue keeps no entry prices or margin."""
        return [
            VenuePosition(book, symbol, qty, ZERO, Decimal(1), ZERO, ZERO, ZERO)
            for (book, symbol), qty in sorted(self._held.items())
            if book == account and qty != ZERO
        ]

    def balances(self, account: str) -> Mapping[str, Decimal]:
        return {cur: amount for (acc, cur), amount in self._cash.items() if acc == account}

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        fills = self._stream[cursor : cursor + limit]
        kept = fills if skip is None else [f for f in fills if not skip(str(f.fill_id))]
        return kept, cursor + len(fills)

    # --- prices --------------------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        self._prices[symbol] = price
        return []  # nothing rests here to be crossed

    def set_prices(self, points: Mapping[str, Decimal], ts: datetime) -> list[Fill]:
        self._prices.update(points)
        return []

    def prices(self) -> dict[str, Decimal]:
        return dict(self._prices)

    # --- cash ------------------------------------------------------------------------

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal:
        key = (account, currency)
        self._cash[key] = self._cash.get(key, ZERO) + amount
        return self._cash[key]

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal:
        if amount > self.withdrawable(account, currency):
            raise InsufficientFundsError(f"{account} has less than {amount} {currency}")
        return self.deposit(account, currency, -amount)

    def withdrawable(self, account: str, currency: str) -> Decimal:
        return self._cash.get((account, currency), ZERO)

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        return {account: self.withdrawable(account, currency) for account in accounts}

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        """All or none, each key once ever; the keys applied now."""
        fresh = [m for m in moves if m.key not in self._applied]
        after = dict(self._cash)
        for move in fresh:
            key = (move.account, move.currency)
            after[key] = after.get(key, ZERO) + move.amount
            if after[key] < ZERO:
                raise InsufficientFundsError(f"{move.key}: {move.account} lacks {-move.amount}")
        self._cash = after
        self._applied.update(m.key for m in fresh)
        return [m.key for m in fresh]

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        return []  # the fake's positions pay no funding

    def holdings(self) -> dict[str, AccountHoldings]:
        accounts = sorted({acc for acc, _ in self._cash} | {acc for acc, _ in self._held})
        return {
            acc: AccountHoldings(dict(self.balances(acc)), self.positions(acc)) for acc in accounts
        }


# mypy checks here that the fake satisfies the venue port.
VENUE_PORT: type[Venue] = MemoryVenue
