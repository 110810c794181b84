"""Engine bookkeeping: reduce-only flag on orders, fill-stream cursors, longer reasons.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 20:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reduce_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("copy_decisions", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", existing_type=sa.String(length=40), type_=sa.String(length=200)
        )
    op.create_table(
        "stream_cursors",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stream_cursors")),
    )


def downgrade() -> None:
    op.drop_table("stream_cursors")
    with op.batch_alter_table("copy_decisions", schema=None) as batch_op:
        batch_op.alter_column(
            "reason", existing_type=sa.String(length=200), type_=sa.String(length=40)
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("reduce_only")
