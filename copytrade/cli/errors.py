"""The root group's one error map: an error a user can act on is one line, exit code 2.

Every verb runs inside ``MappedErrors``: bad settings, a scenario file, a database that
cannot be used, a file that cannot be written print as one line on stderr, never as a
traceback. The error classes are imported when an error is caught, so that the root
group costs nothing at start-up (``copytrade.cli.verbs``).
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

USER_ERROR_EXIT = 2


def user_errors() -> tuple[type[Exception], ...]:
    """The areas whose errors carry a message a user can act on (each has one base class)."""
    from copytrade.adapters.db.errors import DatabaseUnusableError
    from copytrade.adapters.secrets import SecretsError
    from copytrade.config import SettingsError
    from copytrade.domain.errors import DomainError
    from copytrade.service_layer.exchange_accounts import ExchangeAccountError

    return (
        SettingsError,
        DatabaseUnusableError,
        DomainError,
        SecretsError,
        ExchangeAccountError,
        OSError,
    )


class MappedErrors(TyperGroup):
    """The root command group: runs the verb and maps ``user_errors()`` to one line, exit 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        plain_flags(self, ctx)  # before --help, which is parsed (and printed) here
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context type is private
        try:
            return super().invoke(ctx)
        except Exception as error:
            if not isinstance(error, user_errors()):
                raise
            # Plain echo, not Rich: it neither wraps the line nor reads [..] as markup.
            typer.echo(f"error: {one_line(error)}", err=True)
            raise typer.Exit(code=USER_ERROR_EXIT) from None


def plain_flags(command: Any, ctx: Any) -> None:
    """Give every flag of the command tree an empty metavar: Typer's help labels a flag,
    which takes no value, ``<bool>`` otherwise (Typer's own --help and completion too)."""
    help_option = command.get_help_option(ctx)
    for param in [*command.params, *([help_option] if help_option else [])]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        plain_flags(sub, ctx)


def one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return str(error) or type(error).__name__
