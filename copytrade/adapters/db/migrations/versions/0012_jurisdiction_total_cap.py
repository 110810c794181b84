"""Jurisdictions: the most a follower may hold across all its copy relationships.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jurisdictions", sa.Column("max_total_allocation", ExactDecimal(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jurisdictions") as batch:
        batch.drop_column("max_total_allocation")
