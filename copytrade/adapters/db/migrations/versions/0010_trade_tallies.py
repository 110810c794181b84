"""Providers' trade tallies per close day and in total, backfilled from their trades.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 00:45:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.trade_tallies import TradeTallyRepository
from copytrade.adapters.db.repositories.trades import TradeRepository
from copytrade.adapters.db.types import ExactDecimal

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = {"trade_day_tallies": ("book", "day"), "trade_total_tallies": ("book",)}


def _columns(keys: tuple[str, ...]) -> list[sa.Column[Any]]:
    key_columns: dict[str, sa.Column[Any]] = {
        "book": sa.Column("book", sa.String(length=128), nullable=False),
        "day": sa.Column("day", sa.Date(), nullable=False),
    }
    return [
        *(key_columns[k] for k in keys),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("wins", sa.Integer(), nullable=False),
        sa.Column("gross_profit", ExactDecimal(), nullable=False),
        sa.Column("gross_loss", ExactDecimal(), nullable=False),
        sa.Column("worst", ExactDecimal(), nullable=True),
        sa.Column("holding_us", sa.BigInteger(), nullable=False),
        sa.Column("spot", sa.Integer(), nullable=False),
        sa.Column("leverage_sum", ExactDecimal(), nullable=False),
        sa.Column("leverage_max", ExactDecimal(), nullable=True),
    ]


def upgrade() -> None:
    for table, keys in TABLES.items():
        op.create_table(table, *_columns(keys), sa.PrimaryKeyConstraint(*keys))
    _backfill()


def _backfill() -> None:
    """Tally every provider's recorded trades, through the repositories the engine uses."""
    session = Session(bind=op.get_bind())
    providers = session.execute(sa.text("SELECT account_id FROM providers")).scalars().all()
    trades, tallies = TradeRepository(session), TradeTallyRepository(session)
    for provider in sorted(providers):
        tallies.add_trades(trades.for_book(provider))
    session.flush()


def downgrade() -> None:
    for table in reversed(list(TABLES)):
        op.drop_table(table)
