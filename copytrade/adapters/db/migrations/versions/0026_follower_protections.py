"""The follower's protections and edits of copy settings (docs/domain.md, "Follower
protections" and "Editing copy settings"); a provider's minimum allocation.

Revision ID: 0026
Revises: 0029
Create Date: 2026-12-03 17:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0026"
down_revision = "0029"
branch_labels = None
depends_on = None

_RELATIONSHIP_COLUMNS = (
    "copy_stop_loss_pct",
    "copy_take_profit_pct",
    "take_profit_pct",
    "trailing_stop_pct",
    "peak_equity",
    "peak_net_allocated",
)


def upgrade() -> None:
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        for name in _RELATIONSHIP_COLUMNS:
            batch_op.add_column(sa.Column(name, ExactDecimal(), nullable=True))
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_allocation", ExactDecimal(), nullable=True))
    op.create_table(
        "settings_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "relationship_id", sa.String(128), sa.ForeignKey("relationships.id"), nullable=False
        ),
        sa.Column("follower_id", sa.String(128), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_settings_changes_relationship_id", "settings_changes", ["relationship_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_settings_changes_relationship_id", table_name="settings_changes")
    op.drop_table("settings_changes")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("min_allocation")
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        for name in reversed(_RELATIONSHIP_COLUMNS):
            batch_op.drop_column(name)
