"""What takers have taken of the paper book's depth in the price moment in force
(docs/venues.md "Depth": the book depletes until the next price), and the trigger status
of the platform's own order records (docs/venues.md "Trigger orders": ``pending`` while
its trigger waits, ``triggered`` once it fired).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

_TAKEN = ("taken_buy", "taken_sell")


def upgrade() -> None:
    with op.batch_alter_table("paper_prices", schema=None) as batch_op:
        for name in _TAKEN:
            batch_op.add_column(sa.Column(name, ExactDecimal(), nullable=False, server_default="0"))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger_status", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("trigger_status")
    with op.batch_alter_table("paper_prices", schema=None) as batch_op:
        for name in reversed(_TAKEN):
            batch_op.drop_column(name)
