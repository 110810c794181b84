"""A provider's order ticket on the paper venue (/trade), with its recent orders and prices.

The order goes through ``ProviderTrading`` under the engine lock (``runtime.act``),
as ``POST /api/v1/orders`` does: when the request returns, its fills are booked and
copied to the followers. Every problem re-renders the page with a message.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.venues.errors import OrderNotCancellableError
from copytrade.api.deps import Runtime
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.errors import DomainError
from copytrade.domain.instruments import Side
from copytrade.domain.orders import TERMINAL_STATUSES, OrderType
from copytrade.service_layer.identity import User
from copytrade.service_layer.provider_positions import ProviderPositions
from copytrade.service_layer.providers import ProviderService
from copytrade.service_layer.trading import OrderAsk, ProviderTrading
from copytrade.web import forms
from copytrade.web.order_terms_form import TERM_FIELDS, terms_asked
from copytrade.web.pages import poster, redirect, render, signed_in
from copytrade.web.paging import Paging, offset, page_asked

router = APIRouter(include_in_schema=False)

ORDERS_SHOWN = 20
MAX_LEVERAGE = Decimal(200)
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")  # the API's client order id


def order_ask(data: Mapping[str, object], symbols: list[str]) -> OrderAsk:
    """The order the form asks for; a FormError names the field to correct."""
    symbol = forms.text(data, "symbol", 64)
    if symbol not in symbols:
        raise forms.FormError(f"symbol must be one of {', '.join(symbols)}")
    side = forms.choice(data, "side", Side, None)
    if side is None:
        raise forms.FormError("choose buy or sell")
    qty = forms.decimal_or_none(data, "qty", low=Decimal(0))
    if qty is None or qty <= 0:
        raise forms.FormError("enter a quantity above 0")
    kind = forms.choice(data, "type", OrderType, OrderType.MARKET) or OrderType.MARKET
    price = forms.decimal_or_none(data, "price", low=Decimal(0))
    if kind is OrderType.LIMIT and (price is None or price <= 0):
        raise forms.FormError("a limit order needs a price above 0")
    leverage = forms.decimal_or_none(data, "leverage", low=Decimal(1), high=MAX_LEVERAGE)
    return OrderAsk(
        symbol,
        side,
        qty,
        kind,
        price if kind is OrderType.LIMIT else None,
        leverage if leverage is not None else Decimal(1),
        False,
        terms_asked(data),
    )


def trade_page(
    request: Request,
    runtime: ServerRuntime,
    user: User,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
    page: int = 1,
) -> HTMLResponse:
    platform = runtime.platform
    if ProviderService(platform).terms(user.id) is None:
        return render(
            request,
            "message.html",
            403,
            title="Providers only",
            message="Only providers place orders here: become one on the Provider page.",
        )
    orders, total = ProviderTrading(platform).latest(
        user.id, ORDERS_SHOWN, offset(page, ORDERS_SHOWN)
    )
    held = ProviderPositions(platform)
    context: dict[str, Any] = {
        "instruments": sorted(platform.engine.instruments.values(), key=lambda i: i.symbol),
        "prices": platform.engine.prices.snapshot(),
        "orders": orders,
        "total": total,
        "paging": Paging(page, ORDERS_SHOWN, len(orders), total),
        "done": {status.value for status in TERMINAL_STATUSES},
        "live": True,
        "positions": held.positions(user.id),
        "in_orders": {  # docs/venues.md "Funds in orders"
            what: decimal_text(amount) for what, amount in sorted(held.in_orders(user.id).items())
        },
        "order_key": uuid.uuid4().hex,  # one per form shown: a resubmission places once
        "error": error,
        "form": form or {},
    }
    return render(request, "trade.html", status_code, user=user, **context)


@router.get("/trade", response_class=HTMLResponse)
def trade(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    try:
        page = page_asked(request.query_params)
    except forms.FormError as error:
        return trade_page(request, runtime, user, 422, str(error))
    return trade_page(request, runtime, user, page=page)


@router.post("/trade", response_class=HTMLResponse)
async def place(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    shown = forms.kept(
        data, "symbol", "side", "qty", "type", "price", "leverage", *TERM_FIELDS, "post_only",
        max_length=40,
    )
    trading = ProviderTrading(runtime.platform)
    try:
        ask = order_ask(data, sorted(runtime.platform.engine.instruments))
        key = forms.once_key(data, pattern=_KEY)
        runtime.act(lambda: trading.place(user.id, key, ask))
    except (forms.FormError, DomainError) as error:
        return trade_page(request, runtime, user, forms.error_status(error), str(error), shown)
    return redirect("/trade")


@router.post("/trade/positions/tp-sl", response_class=HTMLResponse)
async def set_tp_sl(request: Request, runtime: Runtime) -> Response:
    """Set, move or (both empty) cancel a position's stop-loss and take-profit, as
    ``PUT /api/v1/positions/tp-sl``; a refusal re-renders the page with its message."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    service = ProviderPositions(runtime.platform)
    try:
        symbol = forms.text(data, "symbol", 64)
        stop_loss = forms.decimal_or_none(data, "stop_loss", low=Decimal(0))
        take_profit = forms.decimal_or_none(data, "take_profit", low=Decimal(0))
        runtime.act(lambda: service.set_triggers(user.id, symbol, stop_loss, take_profit))
    except (forms.FormError, DomainError) as error:
        return trade_page(request, runtime, user, forms.error_status(error), str(error))
    return redirect("/trade")


@router.post("/trade/orders/{client_order_id}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, runtime: Runtime, client_order_id: str) -> Response:
    """Cancel an open order of one's own, as ``DELETE /api/v1/orders/{id}``: another's or an
    unknown one is a 404 page, a filled or rejected one the page again with a 409."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    trading = ProviderTrading(runtime.platform)
    try:
        runtime.act(lambda: trading.cancel(user.id, client_order_id))
    except OrderNotCancellableError:  # its message names the venue's ids, not the user's
        message = f"order {client_order_id} is no longer open: there is nothing left to cancel"
        return trade_page(request, runtime, user, 409, message)
    except DomainError as error:
        status = forms.error_status(error)
        if status == 404:
            return render(request, "message.html", 404, title="Not found", message=str(error))
        return trade_page(request, runtime, user, status, str(error))
    return redirect("/trade")
