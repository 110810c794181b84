"""Rows of the paper tables to and from the port's objects (no queries here).

Rows read are plain Core rows (attribute access by column name); rows written are
mappings of column name to value, for the bulk statements of writes.py.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from copytrade.adapters.venues.port import RejectReason, VenueOrder
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.positions import PositionState
from copytrade.domain.values import Price, Quantity


def order_values(order: VenueOrder) -> dict[str, Any]:
    return {
        "id": order.venue_order_id,
        "account": order.account,
        "client_order_id": order.client_order_id,
        "symbol": order.symbol,
        "side": order.side.value,
        "type": order.type.value,
        "qty": order.qty,
        "limit_price": order.limit_price,
        "leverage": order.leverage,
        "reduce_only": order.reduce_only,
        "status": order.status.value,
        "filled_qty": order.filled_qty,
        "avg_fill_price": order.avg_fill_price,
        "fees": order.fees,
        "reject_reason": order.reject_reason.value if order.reject_reason else None,
        "reason": order.reason,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def order_from_row(row: Any, fills: tuple[Fill, ...]) -> VenueOrder:
    return VenueOrder(
        venue_order_id=OrderId(row.id),
        client_order_id=ClientOrderId(row.client_order_id),
        account=AccountId(row.account),
        symbol=row.symbol,
        side=Side(row.side),
        type=OrderType(row.type),
        qty=row.qty,
        limit_price=row.limit_price,
        leverage=row.leverage,
        reduce_only=row.reduce_only,
        status=OrderStatus(row.status),
        filled_qty=row.filled_qty,
        avg_fill_price=row.avg_fill_price,
        fees=row.fees,
        reject_reason=RejectReason(row.reject_reason) if row.reject_reason else None,
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        fills=fills,
    )


def fill_values(fill: Fill) -> dict[str, Any]:
    return {
        "fill_id": fill.fill_id,
        "order_id": fill.order_id,
        "client_order_id": fill.client_order_id,
        "account": fill.account,
        "symbol": fill.symbol,
        "side": fill.side.value,
        "qty": fill.qty,
        "price": fill.price,
        "fee": fill.fee,
        "liquidity": fill.liquidity.value,
        "ts": fill.ts,
    }


def fill_from_row(row: Any) -> Fill:
    return Fill(
        fill_id=FillId(row.fill_id),
        order_id=OrderId(row.order_id),
        client_order_id=ClientOrderId(row.client_order_id),
        account=AccountId(row.account),
        symbol=row.symbol,
        side=Side(row.side),
        qty=Quantity(row.qty),
        price=Price(row.price),
        fee=row.fee,
        liquidity=Liquidity(row.liquidity),
        ts=row.ts,
    )


_STATE_FIELDS = tuple(f.name for f in fields(PositionState))  # each one is a column


def position_values(account: str, symbol: str, state: PositionState) -> dict[str, Any]:
    values = {name: getattr(state, name) for name in _STATE_FIELDS}
    values["account"], values["symbol"] = account, symbol
    return values


def position_state(row: Any) -> PositionState:
    """From a ``PaperPositionRow`` or a plain row of its columns."""
    return PositionState(**{name: getattr(row, name) for name in _STATE_FIELDS})
