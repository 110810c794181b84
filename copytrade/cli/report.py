"""``copytrade report fills``: fill quality of a relationship, follower or provider
(docs/statistics.md, "Fill quality"), at the last recorded prices."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from copytrade.cli.common import DATABASE, JSON, err_console, open_container
from copytrade.reports.fills import (
    fill_report_json,
    reasons_line,
    relationships_table,
    summary_table,
)
from copytrade.service_layer.fill_quality import FillQualityReads
from copytrade.stats.recorded import recorded_market

report_app = typer.Typer(help="Reports over the recorded history.", no_args_is_help=True)


@report_app.command("fills")
def fills(
    relationship: str | None = typer.Option(None, help="One copy relationship's id."),
    follower: str | None = typer.Option(None, help="Every relationship of one follower."),
    provider: str | None = typer.Option(None, help="Every relationship copying one provider."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Each copy against the provider's fill (slippage, delay, skips) and the tracking gap."""
    chosen = [(k, v) for k, v in (("relationship", relationship), ("follower", follower),
                                  ("provider", provider)) if v is not None]  # fmt: skip
    if len(chosen) != 1:
        err_console.print("[red]give exactly one of --relationship, --follower, --provider[/red]")
        raise typer.Exit(code=2)
    scope, subject = chosen[0]
    with open_container(database, writing=False) as container:
        with container.uow_factory() as uow:
            prices = recorded_market(uow).prices
        reads = FillQualityReads(container.uow_factory, lambda: prices)
        report = getattr(reads, scope)(subject)
    if as_json:
        typer.echo(json.dumps(fill_report_json(report), sort_keys=True))
        return
    console = Console()
    console.print(summary_table(f"Fill quality: {scope} {subject}", report.summary))
    console.print(reasons_line(report.summary))
    console.print(relationships_table(report))
    kept = "—" if report.kept_pct is None else f"{report.kept_pct} %"
    slip = "—" if report.median_slippage_bps is None else report.median_slippage_bps
    console.print(f"copiers kept {kept} of the provider's return (median over relationships); "
                  f"median copy slippage {slip} bps")  # fmt: skip
