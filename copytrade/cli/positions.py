"""``copytrade positions list|tp-sl``: a provider's own open positions, and the stop-loss
and take-profit trigger prices every copy of them mirrors (docs/domain.md, "The
provider's stop-loss and take-profit"). The same use case as ``/api/v1/positions``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import typer

from copytrade.adapters.jsonable import decimal_text, to_jsonable
from copytrade.cli.common import DATABASE, decimal_option, open_container
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.following.views import PositionView
from copytrade.service_layer.provider_positions import ProviderPositions

positions_app = typer.Typer(
    help="A provider's own positions and their stop-loss / take-profit (docs/domain.md).",
    no_args_is_help=True,
)

STOP_LOSS = typer.Option(None, "--stop-loss", help="Close at market when the mark reaches it.")
TAKE_PROFIT = typer.Option(
    None, "--take-profit", help="Close at market when the mark reaches it."
)
JSON = typer.Option(False, "--json", help="One JSON object on stdout.")


@positions_app.command("list")
def list_positions(
    provider: str, database: str | None = DATABASE, as_json: bool = JSON
) -> None:
    """The provider's open positions with their trigger prices, and what its resting
    orders keep in orders (docs/venues.md "Funds in orders")."""
    with _positions(database) as service:
        shown = service.positions(provider)
        in_orders = service.in_orders(provider)
    _print(shown, as_json, in_orders)


@positions_app.command("tp-sl")
def tp_sl(
    provider: str,
    symbol: str,
    stop_loss: str | None = STOP_LOSS,
    take_profit: str | None = TAKE_PROFIT,
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Set or move the stop-loss / take-profit of PROVIDER's open position in SYMBOL
    (an option left out: none; both left out cancels them). Every copy mirrors them; the
    platform checks them at every mark. A price the last mark already reached is refused."""
    sl, tp = decimal_option("--stop-loss", stop_loss), decimal_option("--take-profit", take_profit)
    with _positions(database) as service:
        shown = service.set_triggers(provider, symbol, sl, tp)
    _print((shown,), as_json)


@contextmanager
def _positions(database: str | None) -> Iterator[ProviderPositions]:
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())  # docs/engine.md "Recovery"
        platform.resume_prices()  # the venue's last marks: what a price is checked against
        yield ProviderPositions(platform)


def _print(
    positions: tuple[PositionView, ...],
    as_json: bool,
    in_orders: dict[str, Decimal] | None = None,
) -> None:
    if as_json:
        shown: dict[str, object] = {"positions": [_row(p) for p in positions]}
        if in_orders is not None:
            shown["in_orders"] = in_orders
        typer.echo(json.dumps(to_jsonable(shown)))
        return
    if in_orders:
        held = ", ".join(f"{decimal_text(v)} {what}" for what, v in sorted(in_orders.items()))
        typer.echo(f"in orders: {held}")
    if not positions:
        typer.echo("no open positions")
    for p in positions:
        typer.echo(
            f"{p.symbol} {p.side} {p.qty} @ {p.entry_price}  "
            f"stop-loss {p.stop_loss if p.stop_loss is not None else '—'}  "
            f"take-profit {p.take_profit if p.take_profit is not None else '—'}"
        )


def _row(p: PositionView) -> dict[str, object]:
    return {
        "symbol": p.symbol,
        "side": p.side,
        "qty": p.qty,
        "entry_price": p.entry_price,
        "mark_price": p.mark_price,
        "margin_mode": p.margin_mode,
        "stop_loss": p.stop_loss,
        "take_profit": p.take_profit,
    }
