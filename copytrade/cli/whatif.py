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
from copytrade.cli.copy_settings_options import settings_of_options, with_copy_settings
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
    in_place_of: str | None = typer.Option(
        None,
        help="A relationship of the provider whose place at the venue the replay takes on a "
        "depleting book (docs/whatif.md, \"A shared, depleting book\").",
    ),
    database: str | None = DATABASE,
    as_json: bool = JSON,
    **copy_settings: Any,
) -> None:
    """What if I had copied PROVIDER from --from with --allocation? Every copy setting a
    follow takes is an option of the same name (docs/whatif.md, "Asking")."""
    settings = settings_of_options(copy_settings)
    request = WhatIfRequest(
        provider,
        parse_moment(start, "--from"),
        allocation,
        settings,
        None if until is None else parse_moment(until, "--until"),
        in_place_of,
    )
    with open_container(database, writing=False) as container:
        answer = WhatIf.on(container).run(request)
    if as_json:
        typer.echo(json.dumps(to_jsonable(answer)))
        return
    _render(answer)


# ``copy_open_positions`` is refused by a what-if (docs/whatif.md), so it is no option.
with_copy_settings(whatif, skip=frozenset({"copy_open_positions"}))


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
