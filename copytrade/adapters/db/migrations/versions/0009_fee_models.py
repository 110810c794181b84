"""Provider fee models, pause reasons and subscription charges (docs/fees.md).

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-24 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

AMOUNTS = ("price", "provider_part", "platform_part")


def upgrade() -> None:
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "fee_model", sa.String(length=16), nullable=False, server_default="profit_share"
            )
        )
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pause_reason", sa.String(length=32), nullable=True))
    op.create_table(
        "subscription_charges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("relationship_id", sa.String(length=128), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("follower_id", sa.String(length=128), nullable=False),
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        *(sa.Column(name, ExactDecimal(), nullable=False) for name in AMOUNTS),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["relationship_id"],
            ["relationships.id"],
            name=op.f("fk_subscription_charges_relationship_id_relationships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_charges")),
        sa.UniqueConstraint(
            "relationship_id",
            "period",
            name=op.f("uq_subscription_charges_relationship_id_period"),
        ),
    )
    with op.batch_alter_table("subscription_charges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_charges_relationship_id"), ["relationship_id"]
        )
        batch_op.create_index(batch_op.f("ix_subscription_charges_provider_id"), ["provider_id"])
        batch_op.create_index(batch_op.f("ix_subscription_charges_period"), ["period"])


def downgrade() -> None:
    op.drop_table("subscription_charges")
    with op.batch_alter_table("relationships", schema=None) as batch_op:
        batch_op.drop_column("pause_reason")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("fee_model")
