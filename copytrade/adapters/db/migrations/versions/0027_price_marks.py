"""The prices the engine applied, kept in order for what-if replays (docs/whatif.md).

Revision ID: 0027
Revises: 0022
Create Date: 2026-12-03 17:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0027"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_marks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("price", ExactDecimal(), nullable=False),
        sa.Column("ts", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_price_marks"),
    )
    op.create_index("ix_price_marks_symbol_ts", "price_marks", ["symbol", "ts"])


def downgrade() -> None:
    op.drop_index("ix_price_marks_symbol_ts", table_name="price_marks")
    op.drop_table("price_marks")
