"""Where a linked exchange account is reached (testnet, base URL), and how far its
trades have been read per market (the provider watcher's cursors).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "linked_exchange_accounts",
        sa.Column("sandbox", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "linked_exchange_accounts", sa.Column("api_base", sa.String(255), nullable=True)
    )
    op.create_table(
        "exchange_trade_cursors",
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("position", sa.String(64), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "symbol", name="pk_exchange_trade_cursors"),
    )


def downgrade() -> None:
    op.drop_table("exchange_trade_cursors")
    with op.batch_alter_table("linked_exchange_accounts") as batch:
        batch.drop_column("api_base")
        batch.drop_column("sandbox")
