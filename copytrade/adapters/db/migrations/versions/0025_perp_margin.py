"""Perpetuals' margin (docs/domain.md "Margin", "Liquidation"): instruments get their
maintenance rate, liquidation fee and margin tiers; positions (platform and paper) and
relationships their margin mode; fill liquidity widens for ``liquidation``; a platform
position keeps whether the venue liquidated it (a flat copy kept for its flag); the paper
venue's funding payments (docs/domain.md "Funding") get their table.

Revision ID: 0025
Revises: 0028
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0025"
down_revision = "0028"
branch_labels = None
depends_on = None

_MODE_TABLES = ("positions", "paper_positions", "relationships")
_FILL_TABLES = ("fills", "paper_fills")


def upgrade() -> None:
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maintenance_margin_rate", ExactDecimal(),
                                      nullable=True))
        batch_op.add_column(sa.Column("liquidation_fee", ExactDecimal(),
                                      nullable=False, server_default=sa.text("'0.005'")))
        batch_op.add_column(sa.Column("margin_tiers", sa.Text(), nullable=False,
                                      server_default=""))
    for table in _MODE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("margin_mode", sa.String(8), nullable=False,
                                          server_default="isolated"))
    for table in _FILL_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("liquidity", existing_type=sa.String(8), type_=sa.String(16),
                                  existing_nullable=False)
    op.create_table(
        "paper_funding",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("account", sa.String(128), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(16), nullable=False),
        *(sa.Column(name, ExactDecimal(), nullable=False)
          for name in ("rate", "mark", "qty", "owed", "amount")),
        sa.Column("ts", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_paper_funding_symbol_ts", "paper_funding", ["symbol", "ts"])
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liquidated", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    op.drop_index("ix_paper_funding_symbol_ts", table_name="paper_funding")
    op.drop_table("paper_funding")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_column("liquidated")
    for table in _FILL_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("liquidity", existing_type=sa.String(16), type_=sa.String(8),
                                  existing_nullable=False)
    for table in _MODE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("margin_mode")
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.drop_column("margin_tiers")
        batch_op.drop_column("liquidation_fee")
        batch_op.drop_column("maintenance_margin_rate")
