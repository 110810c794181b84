"""``copytrade bench NAME``: benchmarks that print their figures (docs/scenarios.md).

Each benchmark is one command of the ``bench`` group; progress goes to stderr
(a Rich bar), so ``--json`` leaves exactly one JSON object on stdout.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from copytrade.bench.databases import check_database_url
from copytrade.bench.fanout import FanoutConfig, run_fanout
from copytrade.cli.common import JSON, err_console
from copytrade.config import SqliteSync

bench_app = typer.Typer(help="Benchmarks (copytrade bench NAME --json).", no_args_is_help=True)


class RichStages:
    """The bench's ``Progress`` port on a Rich progress bar: one task per stage."""

    def __init__(self, bar: Progress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def stage(self, description: str, total: int) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[-1].total)
        self._task = self._bar.add_task(description, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
    )


def _print(result: dict[str, Any], as_json: bool) -> None:
    """One JSON object on stdout, or one figure per line."""
    if as_json:
        typer.echo(json.dumps(result))
        return
    width = max(map(len, result))
    for key, value in result.items():
        typer.echo(f"{key:>{width}}: {value}")


@bench_app.command("fanout")
def fanout(
    followers: int = typer.Option(10_000, min=1, help="Followers copying the one provider."),
    repeat: int = typer.Option(10, min=1, help="Timed opening fills (closed every 10)."),
    synchronous: SqliteSync = typer.Option(
        SqliteSync.FULL, case_sensitive=False, help="SQLite synchronous pragma."
    ),
    naive_sample: int = typer.Option(
        1_000, min=1, help="Followers the naive one-by-one loop is timed on (scaled to N)."
    ),
    naive_repeat: int = typer.Option(1, min=1, help="Timed naive opening fills."),
    floor_repeat: int = typer.Option(5, min=1, help="Rounds of the storage floor."),
    database: str | None = typer.Option(
        None,
        help="Run on PostgreSQL at this URL (fresh schemas, dropped after) instead of a "
        "fresh SQLite file.",
    ),
    bus: str = typer.Option(
        "inprocess", help="inprocess (one process), or nats: JetStream and --workers processes."
    ),
    workers: int = typer.Option(1, min=1, help="With --bus nats: worker processes, a shard each."),
    nats: str = typer.Option("nats://127.0.0.1:4222", help="With --bus nats: the NATS server."),
    as_json: bool = JSON,
) -> None:
    """One provider opening fill copied to N followers, end to end (docs/benchmarks.md)."""
    try:
        check_database_url(database)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--database") from error
    if bus not in ("inprocess", "nats"):
        raise typer.BadParameter("--bus is inprocess or nats", param_hint="--bus")
    if bus == "nats":
        if database is None:
            raise typer.BadParameter(
                "--bus nats needs --database postgresql+psycopg://...", param_hint="--database"
            )
        from copytrade.bench.fanout_cluster import ClusterFanoutConfig, run_cluster_fanout

        cluster = ClusterFanoutConfig(database, nats, followers, repeat, workers)
        _print(run_cluster_fanout(cluster).to_json(), as_json)
        return
    config = FanoutConfig(
        followers=followers,
        repeat=repeat,
        synchronous=synchronous,
        naive_sample=naive_sample,
        naive_repeat=naive_repeat,
        floor_repeat=floor_repeat,
        database=database,
    )
    with _progress_bar() as bar:
        result = run_fanout(config, RichStages(bar)).to_json()
    _print(result, as_json)


@bench_app.command("live")
def live(
    followers: int = typer.Option(
        1_000, min=1, help="Followers, each on its own exchange account."
    ),
    fills: int = typer.Option(10, min=1, help="Timed provider fills (opening, closing, ...)."),
    concurrency: int = typer.Option(32, min=1, help="Orders in flight at once."),
    processes: int = typer.Option(
        2, min=0, help="Order worker processes of the venue (0: its threads only; "
        "docs/venues.md, \"Order worker processes\")."
    ),
    exchange_url: str | None = typer.Option(
        None, "--exchange-url", metavar="URL",
        help="A running exchange emulator (python -m tests.exchange_emulator); default: "
        "start one on 127.0.0.1.",
    ),
    as_json: bool = JSON,
) -> None:
    """A provider fill copied to N followers' own (emulated) exchange accounts through
    ccxt: fill seen → every follower order answered, p50/p99, calls/s (docs/benchmarks.md)."""
    from copytrade.bench.live import LiveBenchConfig, LiveBenchError, run_live

    config = LiveBenchConfig(followers, fills, concurrency, exchange_url, processes)
    with _progress_bar() as bar:
        task = bar.add_task(f"live: {followers} followers, {fills} fills", total=None)
        try:
            result = run_live(config).to_json()
        except LiveBenchError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=2) from None
        bar.update(task, total=1, completed=1)
    _print(result, as_json)


@bench_app.command("sweep")
def sweep(
    followers: int = typer.Option(10_000, min=1, help="Relationships, each holding a position."),
    repeat: int = typer.Option(10, min=1, help="Timed price updates that stop no one."),
    as_json: bool = JSON,
) -> None:
    """A price update's max-loss check over N relationships (docs/benchmarks.md)."""
    from copytrade.bench.sweep import run_sweep

    with _progress_bar() as bar:
        task = bar.add_task(f"sweep: {followers} relationships", total=None)
        result = run_sweep(followers, repeat).to_json()
        bar.update(task, total=1, completed=1)
    _print(result, as_json)


@bench_app.command("stats")
def stats(
    providers: int = typer.Option(2_000, min=1, help="Providers, each with its own record."),
    trades: int = typer.Option(500, min=1, help="Closed trades per provider (over 180 days)."),
    no_postgres: bool = typer.Option(
        False, "--no-postgres", help="SQLite only, even when PostgreSQL is reachable."
    ),
    refresh_repeat: int = typer.Option(3, min=1, help="Timed full refreshes (median)."),
    workers: int = typer.Option(2, min=1, help="Processes a full refresh computes in."),
    incremental: int = typer.Option(200, min=1, help="Timed single closed trades."),
    requests: int = typer.Option(500, min=1, help="Timed leaderboard pages."),
    as_json: bool = JSON,
) -> None:
    """Provider statistics and the leaderboard at scale (docs/benchmarks.md)."""
    # Imported here: it pulls in the stats service, which the other verbs do not need.
    from copytrade.bench.stats import StatsBenchConfig, run_stats_bench

    config = StatsBenchConfig(
        providers=providers,
        trades=trades,
        postgres=not no_postgres,
        refresh_repeat=refresh_repeat,
        workers=workers,
        incremental=incremental,
        leaderboard_requests=requests,
    )
    with _progress_bar() as bar:
        result = run_stats_bench(config, RichStages(bar)).to_json()
    _print(result, as_json)


@bench_app.command("settle")
def settle(
    relationships: int = typer.Option(100_000, min=1, help="Relationships to settle."),
    batch_size: int = typer.Option(1_000, min=1, help="Relationships per transaction."),
    postgres_url: str | None = typer.Option(
        None, help="Run on PostgreSQL at this URL (a fresh schema) instead of SQLite."
    ),
    as_json: bool = JSON,
) -> None:
    """One weekly settlement run over N relationships (docs/settlement.md)."""
    from copytrade.bench.settle import SettleBenchConfig, run_settle_bench

    config = SettleBenchConfig(relationships, batch_size, postgres_url)
    with _progress_bar() as bar:
        result = run_settle_bench(config, RichStages(bar))
    _print(result, as_json)


@bench_app.command("whatif")
def whatif(
    fills: int = typer.Option(5_000, min=2, help="Provider fills recorded over the year."),
    as_json: bool = JSON,
) -> None:
    """A one-year what-if on a provider with N recorded fills (docs/whatif.md, "Speed")."""
    from copytrade.bench.whatif import WhatIfBenchConfig, run_whatif_bench

    err_console.print(f"recording a year of {fills} provider fills, then the what-if ...")
    _print(run_whatif_bench(WhatIfBenchConfig(fills)), as_json)


@bench_app.command("alerts")
def alerts(
    rules: int = typer.Option(100_000, min=1, help="Alert rules, spread over symbols and "
                              "the 1m, 15m and 1h timeframes."),
    symbols: int = typer.Option(200, min=1, help="Synthetic symbols."),
    hours: int = typer.Option(4, min=1, max=48, help="Timed hours of 15-second ticks."),
    postgres_url: str | None = typer.Option(
        None, help="Run on PostgreSQL at this URL (a fresh schema) instead of SQLite."
    ),
    as_json: bool = JSON,
) -> None:
    """Candle close to every firing's notification durably queued: p50/p99, cost per
    rule, memory (docs/benchmarks.md, "Alerts")."""
    from copytrade.bench.alerts import AlertsBenchConfig, run_alerts_bench

    config = AlertsBenchConfig(rules=rules, symbols=symbols, hours=hours,
                               postgres_url=postgres_url)
    with _progress_bar() as bar:
        result = run_alerts_bench(config, RichStages(bar))
    _print(result, as_json)


@bench_app.command("api")
def api(
    providers: int = typer.Option(2_000, min=1, help="Providers with precomputed stats."),
    trades: int = typer.Option(20, min=1, help="Closed trades per provider in the set-up."),
    concurrency: int = typer.Option(8, min=1, help="Keep-alive connections of the generator."),
    duration: float = typer.Option(10.0, min=0.1, help="Timed seconds of load."),
    warmup: float = typer.Option(2.0, min=0, help="Untimed seconds of load first."),
    cache_ttl: float = typer.Option(1.0, min=0, help="Leaderboard page cache TTL (seconds)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Serve every page uncached."),
    queries: int = typer.Option(200, min=1, help="Distinct leaderboard requests in the mix."),
    orders_duration: float = typer.Option(
        10.0, min=0, help="Timed seconds of orders during full stats refreshes (0: skip)."
    ),
    as_json: bool = JSON,
) -> None:
    """Leaderboard pages per second and p99 under concurrent load, then an order's
    latency while full stats refreshes run (docs/benchmarks.md)."""
    from copytrade.bench.api import ApiBenchConfig, run_api_bench

    config = ApiBenchConfig(
        providers=providers,
        trades=trades,
        concurrency=concurrency,
        duration_s=duration,
        warmup_s=warmup,
        cache_ttl_s=0.0 if no_cache else cache_ttl,
        queries=queries,
        orders_s=orders_duration,
    )
    with _progress_bar() as bar:
        result = run_api_bench(config, RichStages(bar))
    _print(result, as_json)
