"""Users, sign-in sessions, jurisdictions and risk acknowledgements (the HTTP API).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("jurisdiction", sa.String(length=8), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["accounts.id"], name="fk_users_id_accounts"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "api_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_api_sessions"),
    )
    op.create_index("ix_api_sessions_user_id", "api_sessions", ["user_id"])
    op.create_table(
        "jurisdictions",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("copying_offered", sa.Boolean(), nullable=False),
        sa.Column("max_allocation", ExactDecimal(), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_jurisdictions"),
    )
    op.create_table(
        "risk_acknowledgements",
        sa.Column("relationship_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("disclosure_version", sa.String(length=32), nullable=False),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["relationship_id"],
            ["relationships.id"],
            name="fk_risk_acknowledgements_relationship_id_relationships",
        ),
        sa.PrimaryKeyConstraint("relationship_id", name="pk_risk_acknowledgements"),
    )


def downgrade() -> None:
    op.drop_table("risk_acknowledgements")
    op.drop_table("jurisdictions")
    op.drop_index("ix_api_sessions_user_id", table_name="api_sessions")
    op.drop_table("api_sessions")
    op.drop_table("users")
