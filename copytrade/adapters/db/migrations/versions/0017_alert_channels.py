"""Notification channels and their deliveries (docs/alerts.md, "Channels").

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_channels",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(512), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("healthy", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_channels"),
    )
    op.create_index("ix_alert_channels_owner", "alert_channels", ["owner"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.String(400), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )
    op.create_index("ix_alert_deliveries_channel_id", "alert_deliveries", ["channel_id"])
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["status", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_channels")
