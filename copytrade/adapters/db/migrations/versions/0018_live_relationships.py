"""Live copy relationships on followers' linked exchange accounts, and the fees they
owe the platform (docs/venues.md "Followers on their own accounts", docs/settlement.md
"Live relationships").

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_relationships",
        sa.Column("relationship_id", sa.String(128), nullable=False),
        sa.Column("exchange_account", sa.String(128), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("relationship_id", name="pk_live_relationships"),
    )
    op.create_index(
        "ix_live_relationships_exchange_account", "live_relationships", ["exchange_account"]
    )
    op.create_table(
        "live_fees_owed",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("relationship_id", sa.String(128), nullable=False),
        sa.Column("follower", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("amount", ExactDecimal(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_live_fees_owed"),
    )
    op.create_index(
        "ix_live_fees_owed_relationship_id", "live_fees_owed", ["relationship_id"]
    )


def downgrade() -> None:
    op.drop_table("live_fees_owed")
    op.drop_table("live_relationships")
