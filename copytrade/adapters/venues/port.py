"""The venue port: what copytrade asks of any exchange, paper or live.

Requests and answers are frozen dataclasses, so an adapter can hand them across
threads and processes. Every order carries a client order id chosen by the
caller; placing the same id again (for the same account) returns the order the
venue already has, which is what makes a retried copy safe (docs/domain.md, Copying).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from copytrade.adapters.venues.order_terms import TimeInForce, Trigger, TriggerKind, TriggerStatus
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ClientOrderId, OrderId
from copytrade.domain.instruments import Side, parse_side
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import TERMINAL_STATUSES, OrderStatus, OrderType, parse_order_type
from copytrade.domain.values import ONE, bounded_amount

MAX_SYMBOL_LENGTH = 64


class RejectReason(StrEnum):
    """Why a venue refused an order: machine-readable, stored with the copy decision."""

    INSUFFICIENT_BALANCE = "insufficient_balance"
    BELOW_MINIMUM = "below_minimum"
    UNKNOWN_SYMBOL = "unknown_symbol"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_PRICE = "invalid_price"
    INVALID_LEVERAGE = "invalid_leverage"
    REDUCE_ONLY_WOULD_INCREASE = "reduce_only_would_increase"
    NO_MARKET_PRICE = "no_market_price"
    # A post-only order that would trade on arrival (it would take, not make).
    POST_ONLY_WOULD_TAKE = "post_only_would_take"
    # A trigger order whose trigger is malformed for the market, or already met.
    INVALID_TRIGGER = "invalid_trigger"
    # A live exchange refused the order for a reason none of the above names; the
    # order's ``reason`` carries the exchange's own message.
    EXCHANGE_REFUSED = "exchange_refused"
    # A copy in a block whose provider's order got no share of it (docs/venues.md
    # "Block execution"): there is no provider fill to copy.
    BLOCK_WITHOUT_PROVIDER = "block_without_provider"


def storable_amount(value: object, what: str) -> Decimal:
    """What every adapter can store exactly: the domain's one amount limit (MAX_AMOUNT,
    at most 18 decimals), or InvalidValueError."""
    return bounded_amount(value, what)


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """An order to place. ``account`` is the venue account (the trading book id).

    Construction refuses only malformed values (a float, NaN, an empty id);
    market rules (lot step, minimums, balance) are the venue's to reject.
    """

    client_order_id: ClientOrderId
    account: str
    symbol: str
    side: Side
    type: OrderType
    qty: Decimal
    limit_price: Decimal | None = None
    leverage: Decimal = ONE
    reduce_only: bool = False
    # The margin mode a position opened from flat takes (docs/domain.md "Margin").
    margin_mode: MarginMode = MarginMode.ISOLATED
    # A conditional order: held until the mark meets the trigger, then ``type`` (market
    # or limit) is placed (docs/venues.md "Trigger orders").
    trigger: Trigger | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False

    def __post_init__(self) -> None:
        _set = object.__setattr__
        if type(self.client_order_id) is not ClientOrderId:
            _set(self, "client_order_id", ClientOrderId(self.client_order_id))
        if type(self.account) is not AccountId:
            _set(self, "account", AccountId(self.account))
        if not isinstance(self.symbol, str) or not 0 < len(self.symbol) <= MAX_SYMBOL_LENGTH:
            raise InvalidValueError(
                f"symbol must be a string of 1..{MAX_SYMBOL_LENGTH} characters, got {self.symbol!r}"
            )
        if not isinstance(self.side, Side):
            _set(self, "side", parse_side(self.side))
        if not isinstance(self.type, OrderType):
            _set(self, "type", parse_order_type(self.type))
        who = f"order {self.client_order_id}"
        _set(self, "qty", storable_amount(self.qty, f"{who} quantity"))
        _set(self, "leverage", storable_amount(self.leverage, f"{who} leverage"))
        _set(self, "margin_mode", MarginMode.parse(self.margin_mode))
        if self.limit_price is not None:
            _set(self, "limit_price", storable_amount(self.limit_price, f"{who} limit price"))
        _set(self, "time_in_force", TimeInForce.parse(self.time_in_force))
        if not isinstance(self.post_only, bool) or not isinstance(self.reduce_only, bool):
            raise InvalidValueError(f"{who}: post_only and reduce_only must be booleans")
        if self.trigger is not None and not isinstance(self.trigger, Trigger):
            raise InvalidValueError(f"{who}: trigger must be a Trigger, got {self.trigger!r}")


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """What the venue knows of one order, with the fills it has had so far.

    ``reject_reason`` is set only for rejected orders; ``reason`` is the
    human-readable why of a rejection or cancellation, naming the value.
    """

    venue_order_id: OrderId
    client_order_id: ClientOrderId
    account: str
    symbol: str
    side: Side
    type: OrderType
    qty: Decimal
    limit_price: Decimal | None
    leverage: Decimal
    reduce_only: bool
    status: OrderStatus
    filled_qty: Decimal
    avg_fill_price: Decimal | None
    fees: Decimal
    reject_reason: RejectReason | None
    reason: str | None
    created_at: datetime
    updated_at: datetime
    fills: tuple[Fill, ...] = ()
    # A trigger order's trigger (``pending`` until the mark met it, docs/venues.md).
    trigger: Trigger | None = None
    trigger_status: TriggerStatus | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


def answer_to(
    request: OrderRequest,
    venue_order_id: OrderId,
    status: OrderStatus,
    now: datetime,
    *,
    filled_qty: Decimal = Decimal(0),
    avg_fill_price: Decimal | None = None,
    fees: Decimal = Decimal(0),
    reject_reason: RejectReason | None = None,
    reason: str | None = None,
    fills: tuple[Fill, ...] = (),
) -> VenueOrder:
    """The venue's answer to ``request`` at ``now``: the order as asked, in ``status``
    (nothing filled unless said)."""
    return VenueOrder(
        venue_order_id=venue_order_id,
        client_order_id=request.client_order_id,
        account=request.account,
        symbol=request.symbol,
        side=request.side,
        type=request.type,
        qty=request.qty,
        limit_price=request.limit_price,
        leverage=request.leverage,
        reduce_only=request.reduce_only,
        status=status,
        filled_qty=filled_qty,
        avg_fill_price=avg_fill_price,
        fees=fees,
        reject_reason=reject_reason,
        reason=reason,
        created_at=now,
        updated_at=now,
        fills=fills,
    )


def rejected_order(
    request: OrderRequest,
    venue_order_id: OrderId,
    reject_reason: RejectReason | None,
    reason: str,
    now: datetime,
) -> VenueOrder:
    """The answer for a request refused before anything traded: the request as asked,
    rejected, with nothing filled."""
    return answer_to(
        request, venue_order_id, OrderStatus.REJECTED, now, reject_reason=reject_reason,
        reason=reason,
    )


@dataclass(frozen=True, slots=True)
class VenuePosition:
    """An open position as the venue holds it: ``qty`` long > 0, short < 0."""

    account: str
    symbol: str
    qty: Decimal
    avg_entry_price: Decimal
    leverage: Decimal
    margin: Decimal
    realized_pnl: Decimal
    fees_paid: Decimal


@dataclass(frozen=True, slots=True)
class CashMove:
    """``amount`` into (positive) or out of (negative) ``account``'s free cash."""

    key: str
    account: str
    currency: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FundingPayment:
    """One account's funding of one perpetual at one funding time (docs/domain.md
    "Funding"): ``owed`` = −rate × signed qty × mark, rounded down to the quote unit
    (> 0 received, < 0 paid); ``amount`` is what moved in the account's cash: ``owed``,
    or for a payer at most its cash (the insurance fund pays the rest)."""

    key: str
    account: str
    symbol: str
    currency: str
    rate: Decimal
    mark: Decimal
    qty: Decimal
    owed: Decimal
    amount: Decimal
    ts: datetime


@dataclass(frozen=True, slots=True)
class AccountHoldings:
    """``balances``: free cash per currency plus each spot holding's base asset."""

    balances: dict[str, Decimal]
    positions: list[VenuePosition]


@runtime_checkable
class FundsInOrders(Protocol):
    """A venue that shows what an account's resting orders keep in orders, per quote
    currency and spot base asset (docs/venues.md "Funds in orders"): the paper venue."""

    def in_orders(self, account: str) -> Mapping[str, Decimal]: ...


class Venue(Protocol):
    """An exchange: the paper venue now, live exchanges through ccxt later.

    Raises ``TemporaryVenueError`` when a retry may succeed and
    ``PermanentVenueError`` when it cannot; a refused order is returned, not raised.
    """

    def place(self, request: OrderRequest) -> VenueOrder: ...

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """Place many orders at once; the answers are in the requests' order."""
        ...

    def cancel(self, account: str, client_order_id: ClientOrderId) -> VenueOrder: ...

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        """The order by client order id, or None; ``symbol``, when known, spares an
        exchange that looks orders up per market asking each (docs/venues.md)."""
        ...

    def positions(self, account: str) -> list[VenuePosition]: ...

    def balances(self, account: str) -> Mapping[str, Decimal]: ...

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        """Fills after ``cursor`` in the venue's order, and the cursor to resume from; those
        whose fill id ``skip`` answers true left out, the cursor past them all the same
        (docs/venues.md "Fill stream"). The cursor grows by at least one a fill read."""
        ...

    # --- prices (the paper venue matches resting orders against them) -------------

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        """Make ``price`` the price in force; the fills of the limit orders it crossed."""
        ...

    def set_prices(self, points: Mapping[str, Decimal], ts: datetime) -> list[Fill]:
        """One moment's prices in the given order, each as ``set_price`` applies it, in
        one go (the paper venue: one transaction); the fills, symbol after symbol."""
        ...

    def prices(self) -> dict[str, Decimal]:
        """The last price of every symbol that has one."""
        ...

    # --- cash ------------------------------------------------------------------

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal: ...

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal: ...

    def withdrawable(self, account: str, currency: str) -> Decimal:
        """What ``withdraw`` would allow now: cash less the perps' net unrealized loss."""
        ...

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        ...

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        """Apply keyed cash moves, all or none, each key once ever; the keys applied now."""
        ...

    def holdings(self) -> dict[str, AccountHoldings]:
        """Every account's balances and open positions, read at one instant."""
        ...

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        """Pay one funding interval of ``symbol`` at ``rate`` between its longs and shorts
        at the mark in force, once per (symbol, ts): a repeat returns the same payments."""
        ...


__all__ = [
    "MAX_SYMBOL_LENGTH",
    "AccountHoldings",
    "CashMove",
    "FundingPayment",
    "OrderRequest",
    "RejectReason",
    "TimeInForce",
    "Trigger",
    "TriggerKind",
    "TriggerStatus",
    "Venue",
    "VenueOrder",
    "VenuePosition",
    "answer_to",
    "rejected_order",
    "storable_amount",
]
