"""Keyed paper-venue cash movements (settlement debits applied once) and a
settlements index for statements by period.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_cash_moves",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("currency", sa.String(length=16), nullable=False),
        sa.Column("amount", ExactDecimal(precision=38, scale=18), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_paper_cash_moves")),
    )
    op.create_index(op.f("ix_settlements_period"), "settlements", ["period"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_settlements_period"), table_name="settlements")
    op.drop_table("paper_cash_moves")
