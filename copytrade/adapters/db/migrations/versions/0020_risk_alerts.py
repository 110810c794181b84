"""Copy-trading risk alerts: subscriptions and firings (docs/alerts.md, "Risk alerts").

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-03 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_rules",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", ExactDecimal(), nullable=True),
        sa.Column("provider", sa.String(128), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_rules"),
    )
    op.create_index("ix_risk_rules_owner", "risk_rules", ["owner"])
    op.create_table(
        "risk_firings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fired_at", UtcDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("alert_values", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_firings"),
        sa.UniqueConstraint("rule_id", "key", name="uq_risk_firings_rule_id_key"),
    )
    op.create_index("ix_risk_firings_owner", "risk_firings", ["owner"])


def downgrade() -> None:
    op.drop_table("risk_firings")
    op.drop_table("risk_rules")
