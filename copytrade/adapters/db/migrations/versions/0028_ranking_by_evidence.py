"""Ranking by evidence (docs/statistics.md, "Ranking by evidence"): each provider_stats row
keeps its probabilistic Sharpe ratio, minimum track record length, the moments the
deflated Sharpe ratio needs, the ranking rules it breaches, and a PSR sort key. And
``provider_fill_figures``: what each provider's copiers kept and their median slippage
(docs/statistics.md, "Fill quality"), for the leaderboard's cards.

Rows written before this revision have none of them until the next refresh (NULL, no
rule breached): a refresh rewrites every row, so nothing is backfilled here.

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-03 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None

EXACT = ("psr", "sharpe_daily", "skewness", "kurtosis")


def upgrade() -> None:
    with op.batch_alter_table("provider_stats", schema=None) as batch_op:
        for name in EXACT:
            batch_op.add_column(sa.Column(name, ExactDecimal(), nullable=True))
        batch_op.add_column(sa.Column("min_trl_days", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("return_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("unranked_reasons", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("psr_key", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("sr_key", sa.Float(), nullable=True))
    op.create_index("ix_provider_stats_period_psr_key", "provider_stats", ["period", "psr_key"])
    op.create_table(
        "provider_fill_figures",
        sa.Column("provider_id", sa.String(128), primary_key=True),
        sa.Column("relationships", sa.Integer(), nullable=False),
        sa.Column("kept_pct", ExactDecimal(), nullable=True),
        sa.Column("median_slippage_bps", ExactDecimal(), nullable=True),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("provider_fill_figures")
    op.drop_index("ix_provider_stats_period_psr_key", table_name="provider_stats")
    with op.batch_alter_table("provider_stats", schema=None) as batch_op:
        for name in ("sr_key", "psr_key", "unranked_reasons", "return_days", "min_trl_days",
                     *reversed(EXACT)):  # fmt: skip
            batch_op.drop_column(name)
