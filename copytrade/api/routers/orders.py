"""A provider's own orders on the paper venue, the instruments and their prices.

Every order goes through ``runtime.act``: when the request returns, the
provider's fills are booked and copied to its followers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from copytrade.adapters.db.repositories.order_terms_columns import term_fields
from copytrade.adapters.venues.order_terms import OrderTerms, TimeInForce, Trigger, TriggerKind
from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import answer, errors
from copytrade.api.inputs import Bounded
from copytrade.api.paths import API_V1
from copytrade.api.wire import Money, Out, Timestamp
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.trigger_status import TriggerStatus
from copytrade.domain.values import MAX_AMOUNT
from copytrade.service_layer.trading import MyOrder, OrderAsk, ProviderTrading

router = APIRouter(prefix=f"{API_V1}", tags=["orders"])
SIGNED_IN = errors(401)

Quantity = Annotated[Decimal, Bounded(0, MAX_AMOUNT, 12, above_low=True)]
CLIENT_ORDER_ID = r"^[A-Za-z0-9_.\-]{1,64}$"


class TriggerBody(BaseModel):
    """A conditional order (docs/venues.md "Trigger orders"): ``price`` for ``stop`` and
    ``take_profit``; exactly one of ``trail_distance`` and ``trail_percent`` for
    ``trailing_stop``."""

    kind: TriggerKind
    price: Quantity | None = None
    trail_distance: Quantity | None = None
    trail_percent: Annotated[Decimal, Bounded(0, 50, 4, above_low=True)] | None = None


class PlaceOrderBody(BaseModel):
    symbol: str = Field(min_length=1, max_length=64, examples=["BTC/USDT:USDT"])
    side: Side
    qty: Quantity
    type: OrderType = OrderType.MARKET
    price: Quantity | None = None
    leverage: Annotated[Decimal, Bounded(1, 200, 9)] = Decimal(1)
    reduce_only: bool = False
    client_order_id: str | None = Field(default=None, pattern=CLIENT_ORDER_ID)
    trigger: TriggerBody | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False

    def terms(self) -> OrderTerms:
        """InvalidValueError (422) for a trigger that does not fit its kind."""
        t = self.trigger
        trigger = None if t is None else Trigger(t.kind, t.price, t.trail_distance, t.trail_percent)
        return OrderTerms(trigger, self.time_in_force, self.post_only)


class FillOut(Out):
    fill_id: str
    qty: Money
    price: Money
    fee: Money
    liquidity: str
    ts: Timestamp


class TriggerOut(Out):
    kind: TriggerKind
    price: Money | None
    trail_distance: Money | None
    trail_percent: Money | None
    status: TriggerStatus | None = Field(
        description="pending while it waits, triggered once it fired, cancelled if "
        "cancelled first; null until the venue answered (docs/venues.md \"Trigger orders\")."
    )


class OrderOut(Out):
    client_order_id: str
    symbol: str
    side: Side
    type: OrderType
    qty: Money
    price: Money | None
    leverage: Money
    reduce_only: bool
    trigger: TriggerOut | None = Field(
        description="A conditional order's trigger (docs/venues.md \"Trigger orders\")."
    )
    time_in_force: TimeInForce
    post_only: bool
    status: OrderStatus
    filled_qty: Money
    avg_fill_price: Money | None
    fees: Money
    reason: str | None
    created_at: Timestamp
    fills: list[FillOut]


class OrdersPage(Out):
    page: int
    page_size: int
    total: int
    items: list[OrderOut]


class InstrumentOut(Out):
    symbol: str
    kind: str
    base: str
    quote: str
    tick: Money
    lot_step: Money
    min_qty: Money
    min_notional: Money
    max_qty: Money
    maker_fee: Money
    taker_fee: Money
    max_leverage: Money


def order_view(mine: MyOrder) -> dict[str, Any]:
    o = mine.order
    t = term_fields(o.terms)  # as stored: flat strings and amounts
    return {
        "client_order_id": mine.client_order_id,
        "symbol": o.symbol,
        "side": o.side,
        "type": o.type,
        "qty": plain(o.qty),
        "price": plain(o.limit_price),
        "leverage": plain(o.leverage),
        "reduce_only": o.reduce_only,
        "trigger": None
        if t["trigger_kind"] is None
        else {
            "kind": t["trigger_kind"],
            "price": plain(t["trigger_price"]),
            "trail_distance": plain(t["trail_distance"]),
            "trail_percent": plain(t["trail_percent"]),
            "status": o.trigger_status,
        },
        "time_in_force": t["time_in_force"],
        "post_only": t["post_only"],
        "status": o.status,
        "filled_qty": plain(o.filled_qty),
        "avg_fill_price": plain(o.avg_fill_price),
        "fees": plain(o.fees),
        "reason": o.reason,
        "created_at": o.created_at.isoformat(),
        "fills": [
            {
                "fill_id": f.fill_id,
                "qty": plain(f.qty),
                "price": plain(f.price),
                "fee": plain(f.fee),
                "liquidity": f.liquidity,
                "ts": f.ts.isoformat(),
            }
            for f in mine.fills
        ],
    }


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderOut,
    responses=answer(200, model=OrderOut, description="The order placed before with this id.")
    | errors(401, 403, 409, 413, 422, 429, 503),
)
def place_order(
    body: PlaceOrderBody, user: CurrentUser, runtime: Runtime, response: Response
) -> dict[str, Any]:
    """Place an order as a provider (201); the same client_order_id again returns it (200).

    A venue rejection (e.g. insufficient balance) is an order with status
    ``rejected`` and a ``reason``, not an error. Too many orders in the window: 429.
    A trigger order is ``accepted`` until the mark meets its trigger.
    """
    ask = OrderAsk(
        body.symbol,
        body.side,
        body.qty,
        body.type,
        body.price,
        body.leverage,
        body.reduce_only,
        body.terms(),
    )
    trading = ProviderTrading(runtime.platform, runtime.order_limiter)
    client_id, created = runtime.act(lambda: trading.place(user.id, body.client_order_id, ask))
    if not created:
        response.status_code = 200
    return order_view(trading.get(user.id, client_id))


@router.get("/orders", response_model=OrdersPage, responses=errors(401, 422))
def my_orders(
    user: CurrentUser,
    runtime: Runtime,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """My orders, newest first, each with its fills."""
    trading = ProviderTrading(runtime.platform)
    orders, total = trading.latest(user.id, page_size, (page - 1) * page_size)
    return {
        "page": page,
        "page_size": page_size,
        "total": total,
        "items": [order_view(o) for o in orders],
    }


@router.get("/orders/{client_order_id}", response_model=OrderOut, responses=errors(401, 404, 422))
def my_order(
    user: CurrentUser, runtime: Runtime, client_order_id: str = Path(pattern=CLIENT_ORDER_ID)
) -> dict[str, Any]:
    return order_view(ProviderTrading(runtime.platform).get(user.id, client_order_id))


@router.delete(
    "/orders/{client_order_id}",
    response_model=OrderOut,
    responses=errors(401, 403, 404, 409, 422, 503),
)
def cancel_order(
    user: CurrentUser, runtime: Runtime, client_order_id: str = Path(pattern=CLIENT_ORDER_ID)
) -> dict[str, Any]:
    """Cancel an open limit order (409 when it is filled or rejected already)."""
    trading = ProviderTrading(runtime.platform)
    runtime.act(lambda: trading.cancel(user.id, client_order_id))
    return order_view(trading.get(user.id, client_order_id))


@router.get("/instruments", response_model=list[InstrumentOut])
def instruments(runtime: Runtime) -> list[dict[str, Any]]:
    """The markets a provider can trade, with their rules (tick, lot step, minimums, fees)."""
    return [
        {
            "symbol": i.symbol,
            "kind": i.kind.value,
            "base": i.base,
            "quote": i.quote.code,
            "tick": plain(i.tick),
            "lot_step": plain(i.lot_step),
            "min_qty": plain(i.min_qty),
            "min_notional": plain(i.min_notional),
            "max_qty": plain(i.max_qty),
            "maker_fee": plain(i.maker_fee),
            "taker_fee": plain(i.taker_fee),
            "max_leverage": plain(i.max_leverage),
        }
        for i in sorted(runtime.platform.engine.instruments.values(), key=lambda i: i.symbol)
    ]


@router.get("/prices", response_model=dict[str, Money])
def prices(runtime: Runtime) -> dict[str, str]:
    """The last price of each market, as the engine marks books at."""
    snapshot = runtime.platform.engine.prices.snapshot()
    return {symbol: plain(price) for symbol, price in sorted(snapshot.items())}
