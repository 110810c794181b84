"""``copytrade orders place|list``: a provider's own orders on the paper venue, with the
order terms of docs/venues.md "Order terms" and "Trigger orders" (a stop, take-profit or
trailing stop trigger, time in force, post-only). The same use case as
``POST /api/v1/orders`` and the ``/trade`` form: the order is recorded, sent, and its
fills booked and copied to the followers before the command returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import typer

from copytrade.adapters.jsonable import to_jsonable
from copytrade.adapters.venues.order_terms import OrderTerms, TimeInForce, Trigger, TriggerKind
from copytrade.cli.common import DATABASE, decimal_option, open_container
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.platform import Platform
from copytrade.service_layer.trading import MyOrder, OrderAsk, ProviderTrading

orders_app = typer.Typer(
    help="A provider's own orders, with triggers and time in force (docs/venues.md).",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="One JSON object on stdout.")


@orders_app.command("place")
def place(
    provider: str,
    symbol: str,
    side: Side,
    qty: str,
    order_type: OrderType = typer.Option(OrderType.MARKET, "--type", help="market or limit."),
    price: str | None = typer.Option(None, "--price", help="A limit order's limit price."),
    leverage: str = typer.Option("1", "--leverage"),
    reduce_only: bool = typer.Option(False, "--reduce-only", help="Only reduce the position."),
    trigger: TriggerKind | None = typer.Option(
        None, "--trigger", help="Wait until the mark meets it (docs/venues.md 'Trigger orders')."
    ),
    trigger_price: str | None = typer.Option(None, "--trigger-price", help="stop, take_profit."),
    trail_distance: str | None = typer.Option(None, "--trail-distance", help="trailing_stop."),
    trail_percent: str | None = typer.Option(
        None, "--trail-percent", help="trailing_stop: 0 < % ≤ 50."
    ),
    time_in_force: TimeInForce = typer.Option(TimeInForce.GTC, "--time-in-force"),
    post_only: bool = typer.Option(False, "--post-only", help="Limit orders: never take."),
    client_order_id: str | None = typer.Option(
        None, "--client-order-id", help="The same id again places nothing."
    ),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Place an order as PROVIDER; a venue rejection is an order with its reason. A
    trigger order is accepted and waits for the mark (a running `serve` marks it)."""
    amounts = {
        name: decimal_option(f"--{name.replace('_', '-')}", text)
        for name, text in (("trigger_price", trigger_price), ("trail_distance", trail_distance),
                           ("trail_percent", trail_percent))
    }  # fmt: skip
    try:
        made = None if trigger is None else Trigger(trigger, *amounts.values())
        terms = OrderTerms(made, time_in_force, post_only)
    except InvalidValueError as error:
        raise typer.BadParameter(str(error)) from None
    if made is None and any(v is not None for v in amounts.values()):
        raise typer.BadParameter("--trigger-price and the trails need --trigger")
    ask = OrderAsk(
        symbol, side, decimal_option("qty", qty) or Decimal(0), order_type,
        decimal_option("--price", price), decimal_option("--leverage", leverage) or Decimal(1),
        reduce_only, terms,
    )  # fmt: skip
    with _trading(database) as (platform, trading):
        client_id, _new = trading.place(provider, client_order_id, ask)
        platform.engine.pump()  # its fills booked and copied, as the API's runtime does
        _print([trading.get(provider, client_id)], as_json)


@orders_app.command("list")
def list_orders(
    provider: str,
    limit: int = typer.Option(20, "--limit", min=1, max=200),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """PROVIDER's latest orders, newest first, with their triggers and terms."""
    with _trading(database) as (_platform, trading):
        orders, _total = trading.latest(provider, limit, 0)
    _print(orders, as_json)


@contextmanager
def _trading(database: str | None) -> Iterator[tuple[Platform, ProviderTrading]]:
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())
        platform.resume_prices()  # the venue's last marks, as positions tp-sl
        yield platform, ProviderTrading(platform)


def _terms_text(mine: MyOrder) -> str:
    o = mine.order
    parts = []
    if o.trigger_kind is not None:
        level = (
            f"at {o.trigger_price}" if o.trigger_price is not None
            else f"trail {o.trail_percent} %" if o.trail_percent is not None
            else f"trail {o.trail_distance}"
        )  # fmt: skip
        parts.append(f"{o.trigger_kind} {level} {o.trigger_status or 'unanswered'}")
    if o.time_in_force != TimeInForce.GTC.value:
        parts.append(o.time_in_force.upper())
    if o.post_only:
        parts.append("post-only")
    return f"  [{', '.join(parts)}]" if parts else ""


def _print(orders: list[MyOrder], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"orders": to_jsonable([_row(m) for m in orders])}))
        return
    if not orders:
        typer.echo("no orders")
    for m in orders:
        o = m.order
        reason = f" ({o.reason})" if o.reason else ""
        typer.echo(
            f"{m.client_order_id} {o.symbol} {o.side} {o.qty} {o.type}"
            f"{'' if o.limit_price is None else f' @ {o.limit_price}'}{_terms_text(m)}  "
            f"{o.status}{reason}  filled {o.filled_qty}"
        )


def _row(m: MyOrder) -> dict[str, object]:
    o = m.order
    return {
        "client_order_id": m.client_order_id, "symbol": o.symbol, "side": o.side,
        "type": o.type, "qty": o.qty, "price": o.limit_price, "leverage": o.leverage,
        "reduce_only": o.reduce_only, "trigger_kind": o.trigger_kind,
        "trigger_price": o.trigger_price, "trail_distance": o.trail_distance,
        "trail_percent": o.trail_percent, "trigger_status": o.trigger_status,
        "time_in_force": o.time_in_force,
        "post_only": o.post_only, "status": o.status, "filled_qty": o.filled_qty,
        "avg_fill_price": o.avg_fill_price, "reason": o.reason,
    }  # fmt: skip
