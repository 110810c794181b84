"""Platform positions hold the domain position state (cost basis and trade accumulators).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:52:13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    "entry_cost",
    "fees_paid",
    "trade_qty",
    "trade_cost",
    "trade_exit_value",
    "trade_realized",
    "trade_fees",
)
OLD_COLUMNS = ("avg_entry", "fees", "opened_qty", "open_cost", "closed_qty", "close_value")


def _decimal_column(name: str) -> sa.Column[object]:
    # The server default lets the column be added to a table that already has rows.
    return sa.Column(name, ExactDecimal(), nullable=False, server_default=sa.text("'0'"))


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        for name in NEW_COLUMNS:
            batch_op.add_column(_decimal_column(name))
        for name in OLD_COLUMNS:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        for name in OLD_COLUMNS:
            batch_op.add_column(_decimal_column(name))
        for name in NEW_COLUMNS:
            batch_op.drop_column(name)
