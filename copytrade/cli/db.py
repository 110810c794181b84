"""``copytrade db``: database maintenance."""

from __future__ import annotations

import typer

from copytrade.cli.common import DATABASE, checked_container, load_settings, with_database

db_app = typer.Typer(help="Database maintenance (migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(database: str | None = DATABASE) -> None:
    """Create or migrate the configured database (or --database) to the newest schema."""
    settings = with_database(load_settings(), database)
    container = checked_container(settings, writing=True)
    try:
        container.migrate()
    finally:
        container.close()
    typer.echo(f"database is at the newest schema: {settings.database_url}")
