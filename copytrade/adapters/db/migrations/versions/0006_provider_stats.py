"""Precomputed provider statistics per period, with REAL sort keys for the leaderboard.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from copytrade.adapters.db.types import ExactDecimal, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

EXACT = (
    "roi",
    "roi_30d",
    "pnl",
    "max_drawdown",
    "aum",
    "copier_pnl",
    "share_pct",
    "gross_profit",
    "gross_loss",
    "leverage_sum",
)
EXACT_NULLABLE = (
    "win_rate",
    "sharpe",
    "sortino",
    "profit_factor",
    "max_loss_single_trade",
    "volatility",
    "leverage_max",
)
INTS = ("total_trades", "track_record_days", "active_followers", "wins", "spot_trades")
KEYS = ("roi_key", "pnl_key", "drawdown_key", "aum_key", "copier_pnl_key")
KEYS_NULLABLE = ("win_rate_key", "sharpe_key")
INDEXED = (*KEYS, *KEYS_NULLABLE, "active_followers")


def upgrade() -> None:
    op.create_table(
        "provider_stats",
        sa.Column("provider_id", sa.String(length=128), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.Column("ranked", sa.Boolean(), nullable=False),
        *(sa.Column(name, ExactDecimal(), nullable=False) for name in EXACT),
        *(sa.Column(name, ExactDecimal(), nullable=True) for name in EXACT_NULLABLE),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in INTS),
        sa.Column("avg_holding_s", sa.BigInteger(), nullable=True),
        sa.Column("holding_us", sa.BigInteger(), nullable=False),
        sa.Column("risk_level", sa.String(length=8), nullable=True),
        sa.Column("strategy", sa.String(length=8), nullable=True),
        sa.Column("sparkline", sa.Text(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=False) for name in KEYS),
        *(sa.Column(name, sa.Float(), nullable=True) for name in KEYS_NULLABLE),
        sa.PrimaryKeyConstraint("provider_id", "period", name=op.f("pk_provider_stats")),
    )
    for column in INDEXED:
        op.create_index(f"ix_provider_stats_period_{column}", "provider_stats", ["period", column])


def downgrade() -> None:
    op.drop_table("provider_stats")
