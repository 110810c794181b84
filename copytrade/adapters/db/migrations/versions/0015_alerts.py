"""Alert rules and their firings (docs/alerts.md, "Storage").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("timeframe", sa.String(8), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("cooldown_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("last_fired_at", UtcDateTime(), nullable=True),
        sa.Column("fired_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_rules"),
    )
    op.create_index("ix_alert_rules_owner", "alert_rules", ["owner"])
    op.create_index("ix_alert_rules_symbol_timeframe", "alert_rules", ["symbol", "timeframe"])
    op.create_table(
        "alert_firings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("timeframe", sa.String(8), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("candle_open", UtcDateTime(), nullable=False),
        sa.Column("fired_at", UtcDateTime(), nullable=False),
        sa.Column("indicator_values", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_firings"),
        sa.UniqueConstraint(
            "rule_id", "fired_at", name="uq_alert_firings_rule_id_fired_at"
        ),
    )
    op.create_index("ix_alert_firings_owner", "alert_firings", ["owner"])
    op.create_index("ix_alert_firings_fired_at", "alert_firings", ["fired_at"])


def downgrade() -> None:
    op.drop_table("alert_firings")
    op.drop_table("alert_rules")
