"""Linked exchange accounts with their API credentials sealed by AES-GCM.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "linked_exchange_accounts",
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("exchange", sa.String(32), nullable=False),
        sa.Column("api_key_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("password_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", name="pk_linked_exchange_accounts"),
    )


def downgrade() -> None:
    op.drop_table("linked_exchange_accounts")
