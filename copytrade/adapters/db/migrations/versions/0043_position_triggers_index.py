"""A partial index of the positions with trigger prices in force (docs/domain.md, "The
provider's stop-loss and take-profit"): the sweep reads them at every price moment, and
without it that read scans every position although almost none has any
(docs/benchmarks.md, "`copytrade demo`").

Revision ID: 0043
Revises: 0039
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0043"
down_revision = "0040"
branch_labels = None
depends_on = None

_IN_FORCE = "stop_loss_price IS NOT NULL OR take_profit_price IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_positions_triggers", "positions", ["book", "symbol"],
        sqlite_where=sa.text(_IN_FORCE), postgresql_where=sa.text(_IN_FORCE),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_positions_triggers", table_name="positions")
