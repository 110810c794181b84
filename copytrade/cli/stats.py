"""``copytrade stats refresh`` and ``copytrade leaderboard`` over the configured database.

The database is COPYTRADE_DATABASE_URL (default: the embedded copytrade.db);
``--database FILE`` points both commands at another SQLite file instead, e.g.
the demo's: ``copytrade leaderboard --database copytrade-demo.db``.
"""

from __future__ import annotations

import json
from decimal import Decimal

import typer
from rich.console import Console
from sqlalchemy import inspect

from copytrade.cli.common import DATABASE, JSON, err_console, open_container, stage_bar
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.marketdata.clock import SystemClock
from copytrade.reports.leaderboard import cards_table, leaderboard_json
from copytrade.service_layer.fill_quality import refresh_fill_figures
from copytrade.stats.evidence import evidence_of
from copytrade.stats.leaderboard import LeaderboardFilters, LeaderboardSort, leaderboard
from copytrade.stats.recorded import recorded_market
from copytrade.stats.service import StatsService

stats_app = typer.Typer(help="Provider statistics (docs/statistics.md).", no_args_is_help=True)


@stats_app.command("refresh")
def refresh(
    database: str | None = DATABASE,
    min_track_record: int | None = typer.Option(
        None,
        min=0,
        help="Days before a provider is ranked (default COPYTRADE_MIN_TRACK_RECORD_DAYS).",
    ),
) -> None:
    """Recompute every provider's statistics from the recorded trades and equity."""
    with open_container(database) as container:
        container.migrate()
        container.platform(SystemClock())  # recovered first (docs/engine.md "Recovery")
        with container.uow_factory() as uow:
            market = recorded_market(uow)
        # As of the last recorded price (see copytrade.stats.recorded), else the wall clock.
        now = market.last_seen or SystemClock().now()
        minimum = container.settings.min_track_record_days
        service = StatsService(
            container.uow_factory,
            lambda: market.prices,
            lambda: now,
            minimum if min_track_record is None else min_track_record,
            workers=container.settings.stats_refresh_workers,
            after_fork=container.after_fork,
            read_uow_factory=container.read_uow_factory,
            evidence=evidence_of(container.settings),
        )
        with stage_bar("refreshing statistics", as_json=False) as advance:
            count = service.full_refresh(advance)
        refresh_fill_figures(container.uow_factory, market.prices, now)
    typer.echo(f"refreshed statistics of {count} providers as of {service.as_of()}")


def show_leaderboard(
    database: str | None = DATABASE,
    period: Period = typer.Option(Period.D30, help="Window the figures cover."),
    sort: LeaderboardSort = typer.Option(LeaderboardSort.ROI, help="Rank by."),
    min_aum: Decimal | None = typer.Option(None, help="Minimum assets under management."),
    min_followers: int | None = typer.Option(None, min=0, help="Minimum active followers."),
    max_drawdown: Decimal | None = typer.Option(None, help="Maximum drawdown, percent."),
    risk: RiskLevel | None = typer.Option(None, help="Risk level."),
    strategy: Strategy | None = typer.Option(None, help="Strategy."),
    min_track_record: int | None = typer.Option(None, min=0, help="Minimum days of history."),
    page: int = typer.Option(1, min=1, help="Page to print."),
    page_size: int = typer.Option(20, min=1, max=200, help="Providers per page."),
    as_json: bool = JSON,
) -> None:
    """Print the ranked providers from the precomputed statistics."""
    filters = LeaderboardFilters(
        period, min_aum, min_followers, max_drawdown, risk, strategy, min_track_record
    )
    with open_container(database, writing=False) as container:
        if not inspect(container.engine).has_table("provider_stats"):
            err_console.print("[red]no statistics table: run `copytrade stats refresh` first[/red]")
            raise typer.Exit(code=2)
        with container.stats_reads() as uow:
            result = leaderboard(uow, filters, sort, page, page_size)
    if as_json:
        typer.echo(json.dumps(leaderboard_json(result, sort.value)))
        return
    console = Console()  # made per call: it reads the terminal width (COLUMNS) now
    console.print(cards_table(result, sort.value))
    if result.total == 0:
        console.print("no ranked providers match (run `copytrade stats refresh` to update)")
