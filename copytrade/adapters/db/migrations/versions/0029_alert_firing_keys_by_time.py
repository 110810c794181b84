"""Firings keyed by close time first, and by owner for reading (docs/alerts.md, "Storage").

The unique key (rule, fired at) and the owner index put each batch's keys at random
places in their indexes: at an hour boundary thousands of firings rewrote a page of
each index apiece, and the batch grew slower as the table grew. (fired at, rule) takes
a batch's keys at the index's end; (owner, rule, fired at) answers an owner's firings
and its rules' counts without the rows. The fired-at index is the unique key's prefix.

Revision ID: 0029
Revises: 0027
Create Date: 2026-12-03 17:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_alert_firings_owner", table_name="alert_firings")
    op.drop_index("ix_alert_firings_fired_at", table_name="alert_firings")
    with op.batch_alter_table("alert_firings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alert_firings_rule_id_fired_at", type_="unique")
        batch_op.create_unique_constraint(
            "uq_alert_firings_fired_at_rule_id", ["fired_at", "rule_id"]
        )
    op.create_index(
        "ix_alert_firings_owner_rule_id_fired_at", "alert_firings",
        ["owner", "rule_id", "fired_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_alert_firings_owner_rule_id_fired_at", table_name="alert_firings")
    with op.batch_alter_table("alert_firings", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alert_firings_fired_at_rule_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_alert_firings_rule_id_fired_at", ["rule_id", "fired_at"]
        )
    op.create_index("ix_alert_firings_owner", "alert_firings", ["owner"])
    op.create_index("ix_alert_firings_fired_at", "alert_firings", ["fired_at"])
