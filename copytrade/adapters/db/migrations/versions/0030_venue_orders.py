"""Venue order terms (docs/venues.md "Trigger orders", "Depth"): the paper venue's
trigger orders waiting for the mark get their table; instruments their depth model.

Revision ID: 0030
Revises: 0031
Create Date: 2026-12-04 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0030"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("depth", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "paper_triggers",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("client_order_id", sa.String(128), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("qty", ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("limit_price", ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("leverage", ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("reduce_only", sa.Boolean(), nullable=False),
        sa.Column("margin_mode", sa.String(8), nullable=False),
        sa.Column("time_in_force", sa.String(3), nullable=False),
        sa.Column("post_only", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("trigger_price", ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("trail_distance", ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("trail_percent", ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("best_mark", ExactDecimal(precision=38, scale=18), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_triggers")),
        sa.UniqueConstraint(
            "client_order_id", "account", name=op.f("uq_paper_triggers_client_order_id_account")
        ),
    )
    op.create_index("ix_paper_triggers_symbol_status", "paper_triggers", ["symbol", "status"])


def downgrade() -> None:
    op.drop_index("ix_paper_triggers_symbol_status", table_name="paper_triggers")
    op.drop_table("paper_triggers")
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.drop_column("depth")
