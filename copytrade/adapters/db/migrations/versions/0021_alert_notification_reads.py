"""Which in-app alert notifications their owner has read (docs/alerts.md, "Notifications"),
and a revision of each alert rule, bumped when it is edited in place ("Rules").

Revision ID: 0021
Revises: 0022
Create Date: 2026-12-03 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0021"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_notification_reads",
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("read_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("owner", "notification_id", name="pk_alert_notification_reads"),
    )
    with op.batch_alter_table("alert_rules") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.drop_column("revision")
    op.drop_table("alert_notification_reads")
