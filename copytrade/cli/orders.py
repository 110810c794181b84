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

from copytrade.adapters.db.repositories.order_terms_columns import term_fields
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
    o, t = mine.order, mine.order.terms.trigger
    parts = []
    if t is not None:
        level = (
            f"at {t.price}" if t.price is not None
            else f"trail {t.trail_percent} %" if t.trail_percent is not None
            else f"trail {t.trail_distance}"
        )  # fmt: skip
        parts.append(f"{t.kind.value} {level} {o.trigger_status or 'unanswered'}")
    if o.terms.time_in_force is not TimeInForce.GTC:
        parts.append(o.terms.time_in_force.value.upper())
    if o.terms.post_only:
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
    o, t = m.order, term_fields(m.order.terms)  # as stored: flat strings and amounts
    return {
        "client_order_id": m.client_order_id, "symbol": o.symbol, "side": o.side,
        "type": o.type, "qty": o.qty, "price": o.limit_price, "leverage": o.leverage,
        "reduce_only": o.reduce_only, "trigger_kind": t["trigger_kind"],
        "trigger_price": t["trigger_price"], "trail_distance": t["trail_distance"],
        "trail_percent": t["trail_percent"], "trigger_status": o.trigger_status,
        "time_in_force": t["time_in_force"],
        "post_only": t["post_only"], "status": o.status, "filled_qty": o.filled_qty,
        "avg_fill_price": o.avg_fill_price, "reason": o.reason,
    }  # fmt: skip
