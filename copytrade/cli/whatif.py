"""``copytrade whatif``: what if I had copied this provider? (docs/whatif.md)

Replays the provider's recorded fills and prices from ``--from`` through the real
copy pipeline and settlement on a scratch database; the live books are only read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from copytrade.adapters.jsonable import to_jsonable
from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.settings import (
    DEFAULT_MAX_LOSS_PCT,
    DEFAULT_MAX_OPEN_TRADES,
    DEFAULT_MAX_PER_TRADE_PCT,
    DEFAULT_MULTIPLIER,
    DEFAULT_SLIPPAGE_PCT,
)
from copytrade.whatif.request import WhatIfError, WhatIfRequest
from copytrade.whatif.service import WhatIf


def parse_moment(value: str, what: str) -> datetime:
    """A date (midnight UTC) or an ISO time (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise WhatIfError(f"{what} is not a date or ISO time: {value!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def whatif(
    provider: str = typer.Option(..., "--provider", help="The provider's account id."),
    start: str = typer.Option(..., "--from", help="Start copying at this date or ISO time (UTC)."),
    allocation: Decimal = typer.Option(..., help="The allocation, in the quote currency."),
    until: str | None = typer.Option(None, help="Stop the replay here (default: all recorded)."),
    mode: SizingMode = typer.Option(SizingMode.PROPORTIONAL, help="Sizing mode."),
    fixed_amount: Decimal | None = typer.Option(None, help="fixed_amount mode: per order."),
    multiplier: Decimal = typer.Option(DEFAULT_MULTIPLIER, help="multiplier mode: the factor."),
    leverage: Decimal | None = typer.Option(None, help="Own leverage (default: the provider's)."),
    max_per_trade_pct: Decimal = typer.Option(
        DEFAULT_MAX_PER_TRADE_PCT, help="Largest copy, % of the copy's equity (capped above)."
    ),
    max_open_trades: int = typer.Option(DEFAULT_MAX_OPEN_TRADES, help="Most open positions."),
    max_loss_pct: Decimal = typer.Option(
        DEFAULT_MAX_LOSS_PCT, help="Stop copying at this drawdown, % of net allocated."
    ),
    slippage_pct: Decimal = typer.Option(
        DEFAULT_SLIPPAGE_PCT, help="Skip a copy when the price moved more than this % from "
        "the provider's fill."
    ),
    whitelist: list[str] = typer.Option([], help="Copy only these symbols (repeatable)."),
    blacklist: list[str] = typer.Option([], help="Never copy these symbols (repeatable)."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """What if I had copied PROVIDER from --from with --allocation? (docs/whatif.md)"""
    settings = CopySettings(
        mode,
        fixed_amount=fixed_amount,
        multiplier=multiplier,
        leverage=leverage,
        max_per_trade_pct=max_per_trade_pct,
        max_open_trades=max_open_trades,
        max_loss_pct=max_loss_pct,
        slippage_pct=slippage_pct,
        whitelist=frozenset(whitelist),
        blacklist=frozenset(blacklist),
    )
    request = WhatIfRequest(
        provider,
        parse_moment(start, "--from"),
        allocation,
        settings,
        None if until is None else parse_moment(until, "--until"),
    )
    with open_container(database, writing=False) as container:
        answer = WhatIf.on(container).run(request)
    if as_json:
        typer.echo(json.dumps(to_jsonable(answer)))
        return
    _render(answer)


def _render(answer: dict[str, Any]) -> None:
    console = Console()
    summary = Table(title=f"What if you had copied {answer['provider_name']}", show_header=False)
    stop = answer["max_loss_stop"]
    share = answer["profit_share"]
    for label, value in (
        ("from / to", f"{answer['start']:%Y-%m-%d %H:%M} → {answer['end']:%Y-%m-%d %H:%M}"),
        ("allocation", answer["allocation"]),
        ("value at the end", answer["value"]),
        ("PnL (after fees and profit share)", answer["pnl"]),
        ("trading fees", answer["trading_fees"]),
        ("commission", answer["commission"]),
        ("profit share paid", f"{share['debited']} (platform fee {share['platform_fee']})"),
        ("slippage, mean / worst bps", f"{answer['slippage_bps']['mean']} / "
                                       f"{answer['slippage_bps']['worst']}"),
        ("copies", ", ".join(f"{k} {v}" for k, v in answer["copies"].items()) or "none"),
        ("not copied, by reason", ", ".join(
            f"{k} {v}" for k, v in answer["skip_reasons"].items()) or "none"),
        ("max-loss stop", f"fired at {stop['at']:%Y-%m-%d %H:%M}" if stop["fired"] else "no"),
        ("status", answer["status"]),
    ):
        summary.add_row(label, str(value))
    console.print(summary)
    console.print("Past results do not guarantee future results.")
