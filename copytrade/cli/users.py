"""``copytrade users make-admin EMAIL``: grant a signed-up user the admin area."""

from __future__ import annotations

from datetime import timedelta

import typer

from copytrade.adapters.passwords import Argon2Passwords
from copytrade.cli.common import DATABASE, err_console, open_container
from copytrade.domain.errors import DomainError
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.identity import IdentityService

users_app = typer.Typer(help="Users of the HTTP API and web UI.", no_args_is_help=True)


@users_app.command("make-admin")
def make_admin(
    email: str = typer.Argument(..., help="E-mail the user signed up with."),
    database: str | None = DATABASE,
) -> None:
    """Make the user with EMAIL a platform administrator (idempotent)."""
    with open_container(database) as container:
        container.migrate()
        identity = IdentityService(
            container.uow_factory,
            Argon2Passwords(),
            SystemClock().now,
            timedelta(minutes=container.settings.api_session_minutes),
        )
        try:
            user = identity.make_admin(email)
        except DomainError as error:
            err_console.print(f"[red]cannot make an admin:[/red] {error}")
            raise typer.Exit(code=1) from None
    typer.echo(f"{user.email} ({user.id}) is an administrator")
