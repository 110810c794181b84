"""The ``copytrade`` console command: one Typer app, one verb per module later."""

from __future__ import annotations

import typer

from copytrade import __version__
from copytrade.cli.common import load_settings
from copytrade.cli.verbs import LazyVerbs

app = typer.Typer(
    name="copytrade",
    help="copytrade: copy trading for crypto markets (providers, followers, fair copies).",
    no_args_is_help=True,
    cls=LazyVerbs,  # each verb's module is imported when that verb runs
)


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
