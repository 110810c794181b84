"""Daily equity snapshots, and the provider statistics precomputed from them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class EquitySnapshotRow(Base):
    """A book's equity at a UTC day's close, with that day's deposits and withdrawals."""

    __tablename__ = "equity_snapshots"

    book: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    equity: Mapped[Decimal] = money()
    net_flow: Mapped[Decimal] = money(default=Decimal(0))


# The leaderboard's sort orders; each has a REAL key column and an index on (period, key).
SORT_KEYS = (
    "roi_key",
    "pnl_key",
    "win_rate_key",
    "drawdown_key",
    "sharpe_key",
    "aum_key",
    "copier_pnl_key",
    "psr_key",
)


class ProviderStatsRow(Base):
    """A provider's published statistics for one period, precomputed for the leaderboard.

    Figures are exact decimals (text on SQLite). The ``*_key`` columns are REAL
    copies used only to filter and sort (SQLite cannot order decimal text
    numerically); nothing is ever shown or summed from them. The tally columns
    (wins … leverage_max) let a closing trade update the row in O(1).
    """

    __tablename__ = "provider_stats"
    __table_args__ = (
        *(Index(f"ix_provider_stats_period_{key}", "period", key) for key in SORT_KEYS),
        Index("ix_provider_stats_period_active_followers", "period", "active_followers"),
    )

    provider_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ranked: Mapped[bool] = mapped_column(Boolean)
    # figures
    roi: Mapped[Decimal] = money()
    roi_30d: Mapped[Decimal] = money()
    pnl: Mapped[Decimal] = money()
    win_rate: Mapped[Decimal | None] = money(nullable=True)
    max_drawdown: Mapped[Decimal] = money()
    sharpe: Mapped[Decimal | None] = money(nullable=True)
    sortino: Mapped[Decimal | None] = money(nullable=True)
    profit_factor: Mapped[Decimal | None] = money(nullable=True)
    max_loss_single_trade: Mapped[Decimal | None] = money(nullable=True)
    volatility: Mapped[Decimal | None] = money(nullable=True)
    total_trades: Mapped[int] = mapped_column(Integer)
    track_record_days: Mapped[int] = mapped_column(Integer)
    avg_holding_s: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    active_followers: Mapped[int] = mapped_column(Integer)
    aum: Mapped[Decimal] = money()
    copier_pnl: Mapped[Decimal] = money()
    share_pct: Mapped[Decimal] = money()
    risk_level: Mapped[str | None] = mapped_column(String(8), nullable=True)
    strategy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    sparkline: Mapped[str] = mapped_column(Text)
    # the trade tally (TradeTally) behind the trade figures
    wins: Mapped[int] = mapped_column(Integer)
    gross_profit: Mapped[Decimal] = money()
    gross_loss: Mapped[Decimal] = money()
    holding_us: Mapped[int] = mapped_column(BigInteger)
    spot_trades: Mapped[int] = mapped_column(Integer)
    leverage_sum: Mapped[Decimal] = money()
    leverage_max: Mapped[Decimal | None] = money(nullable=True)
    # derived sort keys (REAL): filtering and ORDER BY only
    roi_key: Mapped[float] = mapped_column(Float)
    pnl_key: Mapped[float] = mapped_column(Float)
    win_rate_key: Mapped[float | None] = mapped_column(Float, nullable=True)
    drawdown_key: Mapped[float] = mapped_column(Float)
    sharpe_key: Mapped[float | None] = mapped_column(Float, nullable=True)
    aum_key: Mapped[float] = mapped_column(Float)
    copier_pnl_key: Mapped[float] = mapped_column(Float)
    # ranking by evidence (migration 0028; docs/statistics.md, "Ranking by evidence")
    psr: Mapped[Decimal | None] = money(nullable=True)
    min_trl_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sharpe_daily: Mapped[Decimal | None] = money(nullable=True)
    skewness: Mapped[Decimal | None] = money(nullable=True)
    kurtosis: Mapped[Decimal | None] = money(nullable=True)
    return_days: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unranked_reasons: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    psr_key: Mapped[float | None] = mapped_column(Float, nullable=True)
    sr_key: Mapped[float | None] = mapped_column(Float, nullable=True)


class ProviderFillFiguresRow(Base):
    """A provider's copiers' fill figures (docs/statistics.md, "Fill quality"), for its card."""

    __tablename__ = "provider_fill_figures"

    provider_id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    relationships: Mapped[int] = mapped_column(Integer)
    kept_pct: Mapped[Decimal | None] = money(nullable=True)
    median_slippage_bps: Mapped[Decimal | None] = money(nullable=True)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())
