"""``copytrade providers block-execution PROVIDER [on|off|default]``: see or set a
provider's block-execution setting (docs/engine.md "Block execution")."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from copytrade.cli.common import DATABASE, err_console, open_container
from copytrade.domain.errors import DomainError
from copytrade.service_layer.block_execution import BlockSetting, BlockSettings

providers_app = typer.Typer(help="Providers' platform settings.", no_args_is_help=True)


class Choice(StrEnum):
    ON = "on"
    OFF = "off"
    DEFAULT = "default"  # the platform's setting (block_execution) applies


_VALUES = {Choice.ON: True, Choice.OFF: False, Choice.DEFAULT: None}


@providers_app.command("block-execution")
def block_execution(
    provider: str = typer.Argument(..., help="The provider's account id."),
    choice: Choice | None = typer.Argument(
        None, help="on, off, or default (the platform's setting); none: show it."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    database: str | None = DATABASE,
) -> None:
    """Whether PROVIDER's orders and their copies execute as one block at one price on
    the paper venue; refused for a provider trading on its own exchange account."""
    with open_container(database) as container:
        container.migrate()
        s = container.settings
        settings = BlockSettings(
            container.uow_factory, s.block_execution, offered=s.nats_url is None
        )
        try:
            setting = (
                settings.of(provider) if choice is None else settings.set(provider, _VALUES[choice])
            )
        except DomainError as error:
            err_console.print(f"[red]cannot set block execution:[/red] {error}")
            raise typer.Exit(code=1) from None
    typer.echo(json.dumps(setting.as_json(), sort_keys=True) if as_json else _line(setting))


def _line(setting: BlockSetting) -> str:
    state = "on" if setting.enabled else "off"
    source = (
        "its own setting" if setting.own is not None
        else f"the platform's setting ({'on' if setting.platform else 'off'})"
    )  # fmt: skip
    return f"block execution for {setting.provider}: {state}, by {source}"
