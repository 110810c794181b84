"""``copytrade demo``: run the platform on bots and print what happened."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from copytrade.cli.common import load_settings
from copytrade.cli.serve import run_server
from copytrade.demo.runner import DemoOptions, DemoRun, run_demo
from copytrade.domain.copying import StopReason
from copytrade.domain.ledger import LedgerAccount
from copytrade.reports.leaderboard import leaderboard_table, outcomes_table
from copytrade.service_layer.provider_stats import provider_report

console = Console()


def demo(
    weeks: int = typer.Option(4, min=1, max=52, help="Simulated weeks of market to play."),
    followers: int = typer.Option(300, min=1, max=20_000, help="How many bot followers."),
    seed: int = typer.Option(7, help="Seed of the market and the population."),
    database: Path = typer.Option(
        Path("copytrade-demo.db"), help="SQLite file to (re)create for the demo."
    ),
    serve: bool = typer.Option(
        False, "--serve", help="Afterwards, serve the web UI and API on the demo's database."
    ),
    port: int = typer.Option(8000, min=1, max=65535, help="Port for --serve."),
) -> None:
    """Run copytrade on the embedded default: SQLite, paper venue, synthetic market, bots."""
    settings = load_settings()  # before the previous demo database is deleted
    options = DemoOptions(weeks=weeks, followers=followers, seed=seed, database=database)
    console.print(
        f"[bold]copytrade demo[/bold]: {weeks} weeks, {followers} followers, seed {seed}, "
        f"database {database}"
    )
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("market", total=options.ticks)
        run = run_demo(options, lambda n: progress.advance(task, n), settings)
    _print_report(run)
    if serve:
        url = f"sqlite:///{database}"
        run_server(settings.model_copy(update={"database_url": url}), "127.0.0.1", port, seed, True)


def _print_report(run: DemoRun) -> None:
    platform = run.platform
    prices = platform.engine.prices.snapshot()
    names = {str(p.id): p.display_name for p in run.population.providers}
    with platform.uow() as uow:
        reports = [
            provider_report(uow, str(p.id), run.last_day, prices) for p in run.population.providers
        ]
        console.print(leaderboard_table(uow, reports, names))
        counts = uow.decisions.counts_by_provider()
        rels = uow.relationships.all()
        earnings = uow.ledger.balances_of(
            [LedgerAccount.provider_earnings(str(p.id)) for p in run.population.providers]
        )
        sums = uow.ledger.sum_by_currency()
    stopped: dict[str, int] = {}
    for rel in rels:
        if rel.state.stop_reason is StopReason.MAX_LOSS:
            stopped[str(rel.provider)] = stopped.get(str(rel.provider), 0) + 1
    earned = {
        str(p.id): earnings.get(LedgerAccount.provider_earnings(str(p.id)).key, Decimal(0))
        for p in run.population.providers
    }
    console.print(outcomes_table(counts, stopped, earned, names))
    balanced = all(v == 0 for v in sums.values())
    console.print(
        f"provider orders: {run.orders}; ledger sums to zero in every currency: "
        f"{'yes' if balanced else 'NO'}"
    )
