"""A partial index of the platform's order records whose trigger is still ``pending``
(docs/venues.md "Trigger orders", "On the platform's order records"): after every price
moment the engine asks the venue about the ones on the moment's symbols, so that a
trigger that fired into a refusal ends; without it that read scans every order.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

_PENDING = "trigger_status = 'pending'"


def upgrade() -> None:
    op.create_index(
        "ix_orders_pending_triggers", "orders", ["symbol"],
        sqlite_where=sa.text(_PENDING), postgresql_where=sa.text(_PENDING),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_orders_pending_triggers", table_name="orders")
