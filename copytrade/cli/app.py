"""The ``copytrade`` console command: one Typer app, one verb per module later."""

from __future__ import annotations

import typer

from copytrade import __version__
from copytrade.cli.alerts import alerts_app
from copytrade.cli.bench import bench_app
from copytrade.cli.common import MappedErrors, load_settings
from copytrade.cli.db import db_app
from copytrade.cli.demo import demo
from copytrade.cli.orders import orders_app
from copytrade.cli.positions import positions_app
from copytrade.cli.reconcile import reconcile_books
from copytrade.cli.report import report_app
from copytrade.cli.serve import serve
from copytrade.cli.settle import settle, statement
from copytrade.cli.simulate import simulate
from copytrade.cli.stats import show_leaderboard, stats_app
from copytrade.cli.subscriptions import subscriptions_app
from copytrade.cli.users import users_app
from copytrade.cli.venues import keys_app, venues_app
from copytrade.cli.whatif import whatif
from copytrade.cli.worker import cluster, relay, worker

app = typer.Typer(
    name="copytrade",
    help="copytrade: copy trading for crypto markets (providers, followers, fair copies).",
    no_args_is_help=True,
    cls=MappedErrors,
)


app.add_typer(db_app, name="db")
app.command()(simulate)
app.command()(whatif)
app.command()(demo)
app.add_typer(bench_app, name="bench")
app.add_typer(stats_app, name="stats")
app.add_typer(report_app, name="report")
app.command("leaderboard")(show_leaderboard)
app.command()(settle)
app.command()(statement)
app.command("reconcile")(reconcile_books)
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(positions_app, name="positions")
app.add_typer(orders_app, name="orders")
app.command()(serve)
app.command()(worker)
app.command()(relay)
app.command()(cluster)
app.add_typer(users_app, name="users")
app.add_typer(alerts_app, name="alerts")
app.add_typer(venues_app, name="venues")
app.add_typer(keys_app, name="keys")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def root(
    _version: bool = typer.Option(
        False,
        "--version",
        metavar="",
        is_eager=True,
        callback=_print_version,
        help="Print the installed copytrade version and exit.",
    ),
) -> None:
    """copytrade: copy trading for crypto markets."""
    # Before any verb touches anything: invalid settings stop every one of them here.
    load_settings()


@app.command()
def version() -> None:
    """Print the installed copytrade version."""
    typer.echo(__version__)


def main() -> None:
    app()
