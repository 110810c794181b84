"""``copytrade db``: database maintenance."""

from __future__ import annotations

import typer

from copytrade.cli.common import checked_container, load_settings

db_app = typer.Typer(help="Database maintenance (migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Create or migrate the configured database to the newest schema."""
    settings = load_settings()
    container = checked_container(settings, writing=True)
    try:
        container.migrate()
    finally:
        container.close()
    typer.echo(f"database is at the newest schema: {settings.database_url}")
