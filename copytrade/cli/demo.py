"""``copytrade demo``: run the platform on bots and print what happened."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from copytrade.cli.common import JSON, load_settings
from copytrade.cli.demo_report import print_report
from copytrade.demo.population import DemoPopulation
from copytrade.demo.runner import DemoOptions, demo_end, run_demo
from copytrade.demo.summary import summarise

if TYPE_CHECKING:
    from copytrade.api.runtime import ServerRuntime
    from copytrade.marketdata.clock import Clock
    from copytrade.server.assembly import ExtraJobs


def _end(value: str | None) -> datetime:
    if value is None:
        return demo_end(datetime.now(UTC))
    try:
        end = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"not an ISO time: {value!r} (e.g. 2026-02-01T23:00Z)", param_hint="--end"
        ) from None
    return end if end.tzinfo is not None else end.replace(tzinfo=UTC)


def demo(
    weeks: int = typer.Option(4, min=1, max=52, help="Simulated weeks of market to play."),
    followers: int = typer.Option(300, min=1, max=20_000, help="How many bot followers."),
    seed: int = typer.Option(7, help="Seed of the market and the population."),
    end: str | None = typer.Option(
        None,
        help="ISO time of the simulated history's last prices (default: now, so --serve "
        "goes on from there); give one for a run that is the same on any day.",
    ),
    database: Path = typer.Option(
        Path("copytrade-demo.db"),
        "--database",
        help="SQLite file to (re)create for the demo.",
    ),
    serve: bool = typer.Option(
        False,
        "--serve",
        metavar="",
        help="Afterwards, serve the web UI and API on the demo's database, the bots "
        "trading on the live market.",
    ),
    port: int = typer.Option(8000, min=1, max=65535, help="Port for --serve."),
    as_json: bool = JSON,
) -> None:
    """Run copytrade on SQLite, the paper venue, a synthetic market and bots (docs/demo.md)."""
    settings = load_settings()  # before the previous demo database is deleted
    options = DemoOptions(
        end=_end(end), weeks=weeks, followers=followers, seed=seed, database=database
    )
    console = Console()
    err = Console(stderr=True)
    if not as_json:
        console.print(
            f"[bold]copytrade demo[/bold]: {weeks} weeks, {followers} followers, seed {seed}, "
            f"database {database}"
        )
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err,
        disable=as_json or not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("market", total=options.ticks)
        run = run_demo(options, lambda n: progress.advance(task, n), settings)
    summary = summarise(run, weeks, seed)
    if as_json:
        typer.echo(json.dumps(summary.to_json()))
    else:
        print_report(console, summary, str(database), serve)
    if serve:
        from copytrade.cli.serve import run_server  # the HTTP server: only with --serve

        url = f"sqlite:///{database}"
        run_server(
            settings.model_copy(update={"database_url": url}),
            "127.0.0.1",
            port,
            seed,
            True,
            extra_jobs=_bots_job(run.population),
        )


def _bots_job(population: DemoPopulation) -> ExtraJobs:
    from copytrade.demo.live import LIVE_STEP, LiveBots
    from copytrade.server.scheduler import Job

    def jobs(runtime: ServerRuntime, clock: Clock) -> list[Job]:
        bots = LiveBots(runtime.platform, population, clock, clock.now())
        return [Job("demo-bots", LIVE_STEP, bots)]

    return jobs
