"""Alembic environment: uses the connection handed in by ``upgrade_database``."""

from __future__ import annotations

from alembic import context

from copytrade.adapters.db.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need batch mode
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
