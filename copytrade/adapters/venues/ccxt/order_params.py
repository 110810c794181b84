"""The port's order terms as ccxt's unified ``create_order`` params (docs/venues.md
"Orders on a live exchange"): time in force, post-only, reduce-only and triggers.

ccxt names (https://docs.ccxt.com, "Placing orders"): ``timeInForce`` (``GTC``/``IOC``/
``FOK``), ``postOnly``, ``reduceOnly``, ``triggerPrice`` (a stop: ccxt's ``stopPrice`` of
old), ``takeProfitPrice``, ``trailingPercent`` and ``trailingAmount``; each exchange's
ccxt class turns them into its own (Binance: ``STOP_MARKET``, ``TAKE_PROFIT``,
``TRAILING_STOP_MARKET`` with ``callbackRate``, ``GTX`` for post-only).
"""

from __future__ import annotations

from typing import Any

from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.adapters.venues.order_terms import TimeInForce, TriggerKind
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.orders import OrderType


def order_params(request: OrderRequest, client_order_id: str, is_spot: bool) -> dict[str, Any]:
    """``params`` of ``create_order`` for ``request`` (numbers as the exchange's text).

    A limit order without post-only or an explicit time in force is sent
    immediate-or-cancel: a copy never rests on a live book (its limit is the follower's
    tolerance price). A post-only order is good-till-cancelled (it exists to rest).
    """
    params: dict[str, Any] = {"clientOrderId": client_order_id}
    if request.type is OrderType.LIMIT:
        if request.post_only:
            params["postOnly"] = True
        elif request.time_in_force is TimeInForce.FOK:
            params["timeInForce"] = "FOK"
        else:
            params["timeInForce"] = "IOC"
    if request.reduce_only and not is_spot:
        params["reduceOnly"] = True
    trigger = request.trigger
    if trigger is None:
        return params
    if trigger.kind is TriggerKind.STOP:
        params["triggerPrice"] = str(trigger.price)
    elif trigger.kind is TriggerKind.TAKE_PROFIT:
        params["takeProfitPrice"] = str(trigger.price)
    elif request.type is OrderType.LIMIT:
        raise PermanentVenueError(
            "a trailing stop is sent as a market order: exchanges have no trailing stop-limit",
            "not_supported",
        )
    elif trigger.trail_percent is not None:
        params["trailingPercent"] = str(trigger.trail_percent)
    else:
        params["trailingAmount"] = str(trigger.trail_distance)
    return params


__all__ = ["order_params"]
