"""A rule's fire count and last firing come from its firings, not from columns updated
on every firing (docs/alerts.md, "Storage").

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-03 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import UtcDateTime

revision = "0022"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_rules", schema=None) as batch_op:
        batch_op.drop_column("last_fired_at")
        batch_op.drop_column("fired_count")


def downgrade() -> None:
    with op.batch_alter_table("alert_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fired_count", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("last_fired_at", UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE alert_rules SET "
        "fired_count = (SELECT COUNT(*) FROM alert_firings f WHERE f.rule_id = alert_rules.id), "
        "last_fired_at = (SELECT MAX(f.fired_at) FROM alert_firings f "
        "WHERE f.rule_id = alert_rules.id)"
    )
