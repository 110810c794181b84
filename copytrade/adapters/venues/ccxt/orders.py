"""ccxt orders and trades as the port's ``VenueOrder`` and ``Fill``s.

A partial immediate-or-cancel fill comes back as ccxt status ``expired`` or
``canceled`` with ``filled`` > 0: it is a cancelled order carrying its fills, so the
books get exactly what traded (docs/venues.md, "Orders on a live exchange").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.venues.ccxt.markets import number, optional_number
from copytrade.adapters.venues.port import RejectReason, VenueOrder
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Instrument, parse_side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.values import ZERO, Price, Quantity, round_down


@dataclass(frozen=True, slots=True)
class OrderContext:
    """What the exchange's answer does not say but the VenueOrder needs."""

    exchange: str
    account: str
    client_order_id: ClientOrderId
    instrument: Instrument
    contract_size: Decimal
    leverage: Decimal


def timestamp(ms: object, fallback: datetime) -> datetime:
    if isinstance(ms, int | float) and not isinstance(ms, bool):
        return datetime.fromtimestamp(ms / 1000, tz=UTC)
    return fallback


def _status(order: Mapping[str, Any], filled: Decimal) -> OrderStatus:
    status = order.get("status")
    if status == "closed":
        return OrderStatus.FILLED
    if status in ("canceled", "expired"):
        return OrderStatus.CANCELLED
    if status == "rejected":
        return OrderStatus.REJECTED
    return OrderStatus.PARTIALLY_FILLED if filled > 0 else OrderStatus.ACCEPTED


def fee_in_quote(trade: Mapping[str, Any], instrument: Instrument, notional: Decimal) -> Decimal:
    """A trade's fee in the quote currency, never negative.

    Charged in the quote: as is. In the base asset (a spot buy on Binance): at the
    trade's price. In a third asset (BNB discounts): estimated at the instrument's
    taker rate, because its price is not known here (docs/venues.md, "Fees").
    """
    fee = trade.get("fee") or {}
    cost = optional_number(fee.get("cost"), "fee")
    if cost is None:
        return ZERO
    currency = fee.get("currency")
    if currency == instrument.quote.code:
        amount = cost
    elif currency == instrument.base:
        amount = cost * number(trade.get("price"), "trade price")
    else:
        amount = notional * instrument.taker_fee
    return max(ZERO, amount)


def fills_of(
    ctx: OrderContext, venue_order_id: OrderId, trades: Sequence[Mapping[str, Any]],
    now: datetime,
) -> tuple[Fill, ...]:
    return tuple(
        trade_fill(
            ctx.exchange, ctx.account, ctx.instrument, ctx.contract_size, trade,
            now, venue_order_id, ctx.client_order_id,
        )
        for trade in trades
    )


def trade_fill(
    exchange: str,
    account: str,
    instrument: Instrument,
    contract_size: Decimal,
    trade: Mapping[str, Any],
    now: datetime,
    venue_order_id: OrderId | None = None,
    client_order_id: ClientOrderId | None = None,
) -> Fill:
    """One ccxt trade as a ``Fill``; its id ``<exchange>:<symbol>:<trade id>`` (stable,
    so a trade read twice is the same fill)."""
    symbol = instrument.symbol
    qty = number(trade.get("amount"), "trade amount") * contract_size
    price = number(trade.get("price"), "trade price")
    return Fill(
        fill_id=FillId(f"{exchange}:{symbol}:{trade['id']}"),
        order_id=venue_order_id or OrderId(f"{exchange}:{symbol}:{trade.get('order')}"),
        client_order_id=client_order_id,
        account=AccountId(account),
        symbol=symbol,
        side=parse_side(trade.get("side")),
        qty=Quantity(qty),
        price=Price(price),
        # Rounded down to the quote unit, as every fee is (docs/domain.md).
        fee=round_down(fee_in_quote(trade, instrument, qty * price), instrument.quote.unit),
        liquidity=Liquidity.MAKER if trade.get("takerOrMaker") == "maker" else Liquidity.TAKER,
        ts=timestamp(trade.get("timestamp"), now),
    )


def venue_order(
    ctx: OrderContext, order: Mapping[str, Any], trades: Sequence[Mapping[str, Any]],
    now: datetime,
) -> VenueOrder:
    """The exchange's order as the port's answer, its fills from ``trades``."""
    size = ctx.contract_size
    venue_order_id = OrderId(f"{ctx.exchange}:{ctx.instrument.symbol}:{order['id']}")
    fills = fills_of(ctx, venue_order_id, trades, now)
    filled = sum((f.qty for f in fills), ZERO)
    if not fills:
        filled = (optional_number(order.get("filled"), "filled") or ZERO) * size
    status = _status(order, filled)
    cost = sum((f.notional for f in fills), ZERO)
    average = cost / filled if fills and filled else optional_number(order.get("average"), "avg")
    created = timestamp(order.get("timestamp"), now)
    kind = OrderType.LIMIT if order.get("type") == "limit" else OrderType.MARKET
    qty = number(order.get("amount"), "order amount") * size
    reason = None
    if status is OrderStatus.CANCELLED:
        reason = (
            f"immediate-or-cancel: {filled} of {qty} filled, the rest expired"
            if order.get("status") == "expired"
            else "cancelled on the exchange"
        )
    elif status is OrderStatus.REJECTED:
        reason = "the exchange rejected the order"
    return VenueOrder(
        venue_order_id=venue_order_id,
        client_order_id=ctx.client_order_id,
        account=ctx.account,
        symbol=ctx.instrument.symbol,
        side=parse_side(order.get("side")),
        type=kind,
        qty=qty,
        limit_price=optional_number(order.get("price"), "price") if kind is OrderType.LIMIT
        else None,
        leverage=ctx.leverage,
        reduce_only=bool(order.get("reduceOnly")),
        status=status,
        filled_qty=filled,
        avg_fill_price=average if filled else None,
        fees=sum((f.fee for f in fills), ZERO),
        reject_reason=RejectReason.EXCHANGE_REFUSED if status is OrderStatus.REJECTED else None,
        reason=reason,
        created_at=created,
        updated_at=timestamp(order.get("lastUpdateTimestamp"), created),
        fills=fills,
    )


def answer_trades(order: Mapping[str, Any]) -> list[Any] | None:
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
