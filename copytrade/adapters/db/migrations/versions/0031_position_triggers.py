"""A provider's stop-loss and take-profit trigger prices on its positions (docs/domain.md,
"The provider's stop-loss and take-profit"), the margin mode of every order intent and of a
provider's own book (docs/domain.md "Margin").

Revision ID: 0031
Revises: 0024
Create Date: 2026-12-04 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal

revision = "0031"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stop_loss_price", ExactDecimal(), nullable=True))
        batch_op.add_column(sa.Column("take_profit_price", ExactDecimal(), nullable=True))
    for table in ("orders", "providers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("margin_mode", sa.String(8), nullable=False,
                                          server_default="isolated"))


def downgrade() -> None:
    for table in ("providers", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("margin_mode")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_column("take_profit_price")
        batch_op.drop_column("stop_loss_price")
