"""The terms of the platform's own orders: a trigger (stop, take-profit, trailing stop),
time in force and post-only, so an order re-sent by recovery goes out as it was asked
(docs/venues.md "Order terms", "Trigger orders"; docs/engine.md "Crash recovery").

Revision ID: 0039
Revises: 0030
Create Date: 2026-12-04 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal

revision = "0039"
down_revision = "0030"
branch_labels = None
depends_on = None

_AMOUNTS = ("trigger_price", "trail_distance", "trail_percent")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger_kind", sa.String(16), nullable=True))
        for name in _AMOUNTS:
            batch_op.add_column(sa.Column(name, ExactDecimal(), nullable=True))
        batch_op.add_column(sa.Column("time_in_force", sa.String(3), nullable=False,
                                      server_default="gtc"))
        batch_op.add_column(sa.Column("post_only", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name in ("post_only", "time_in_force", *reversed(_AMOUNTS), "trigger_kind"):
            batch_op.drop_column(name)
