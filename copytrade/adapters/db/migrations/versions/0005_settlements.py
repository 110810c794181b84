"""Profit-share settlements, one per (relationship, period).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

AMOUNTS = (
    "equity",
    "hwm_before",
    "hwm_after",
    "gross",
    "platform_fee",
    "provider_credit",
    "debit",
    "owed_before",
    "owed_after",
)


def upgrade() -> None:
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("relationship_id", sa.String(length=128), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("follower_id", sa.String(length=128), nullable=False),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        *(sa.Column(name, ExactDecimal(), nullable=False) for name in AMOUNTS),
        sa.Column("settled_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["relationship_id"],
            ["relationships.id"],
            name=op.f("fk_settlements_relationship_id_relationships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
        sa.UniqueConstraint(
            "relationship_id", "period", name=op.f("uq_settlements_relationship_id_period")
        ),
    )
    with op.batch_alter_table("settlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlements_relationship_id"), ["relationship_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_settlements_provider_id"), ["provider_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("settlements")
