"""A provider's own block-execution setting (docs/engine.md "Block execution"): on, off,
or NULL, the platform's setting.

Revision ID: 0045
Revises: 0043
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("block_execution", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_column("block_execution")
