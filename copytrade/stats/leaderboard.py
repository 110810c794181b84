"""Leaderboard and discovery (docs/statistics.md, Leaderboard), served from ``provider_stats``
alone.

One indexed query per page plus a count: the period's rows, ranked ones only
(the minimum track record), filtered and ordered on the REAL sort keys, ties
broken by provider id. Trades are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from copytrade.adapters.db.repositories.provider_stats import (
    FillFigures,
    ProviderStatsRecord,
    ProviderStatsRepository,
    SharpeSpread,
)
from copytrade.adapters.db.schema import ProviderStatsRow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.evidence import ReturnMoments, deflated_sharpe
from copytrade.domain.statistics import Period, RiskLevel, Strategy
from copytrade.domain.statistics.numeric import to_places

MAX_PAGE_SIZE = 200


class StatsReads(Protocol):
    """What the leaderboard reads through: any open unit of work with the stats rows."""

    provider_stats: ProviderStatsRepository


class LeaderboardSort(StrEnum):
    ROI = "roi"
    PNL = "pnl"
    WIN_RATE = "win_rate"
    DRAWDOWN = "drawdown"
    SHARPE = "sharpe"
    FOLLOWERS = "followers"
    AUM = "aum"
    COPIER_PNL = "copier_pnl"
    PSR = "psr"


# sort -> (key column, descending). A smaller drawdown ranks first; None sorts last.
_ORDER = {
    LeaderboardSort.ROI: ("roi_key", True),
    LeaderboardSort.PNL: ("pnl_key", True),
    LeaderboardSort.WIN_RATE: ("win_rate_key", True),
    LeaderboardSort.DRAWDOWN: ("drawdown_key", False),
    LeaderboardSort.SHARPE: ("sharpe_key", True),
    LeaderboardSort.FOLLOWERS: ("active_followers", True),
    LeaderboardSort.AUM: ("aum_key", True),
    LeaderboardSort.COPIER_PNL: ("copier_pnl_key", True),
    LeaderboardSort.PSR: ("psr_key", True),
}


@dataclass(frozen=True, slots=True)
class LeaderboardFilters:
    period: Period | str = Period.D30
    min_aum: Decimal | None = None
    min_followers: int | None = None
    max_drawdown: Decimal | None = None
    risk_level: RiskLevel | str | None = None
    strategy: Strategy | str | None = None
    min_track_record_days: int | None = None

    def conditions(self) -> list[Any]:
        row = ProviderStatsRow.__table__.c  # Core columns: no ORM context per page
        found: list[Any] = []
        if self.min_aum is not None:
            found.append(row.aum_key >= float(self.min_aum))
        if self.min_followers is not None:
            found.append(row.active_followers >= self.min_followers)
        if self.max_drawdown is not None:
            found.append(row.drawdown_key <= float(self.max_drawdown))
        if self.risk_level is not None:
            found.append(row.risk_level == RiskLevel(self.risk_level).value)
        if self.strategy is not None:
            found.append(row.strategy == Strategy(self.strategy).value)
        if self.min_track_record_days is not None:
            found.append(row.track_record_days >= self.min_track_record_days)
        return found


@dataclass(frozen=True, slots=True)
class ProviderCard:
    """What a leaderboard card shows (docs/statistics.md, Leaderboard), plus the sorted period's
    figures."""

    provider_id: str
    display_name: str
    avatar: str
    roi_30d: Decimal
    win_rate: Decimal | None
    max_drawdown: Decimal
    followers: int
    aum: Decimal
    share_pct: Decimal
    sparkline: tuple[Decimal, ...]
    risk_level: RiskLevel | None
    strategy: Strategy | None
    period: Period
    roi: Decimal
    pnl: Decimal
    sharpe: Decimal | None
    sortino: Decimal | None
    profit_factor: Decimal | None
    copier_pnl: Decimal
    total_trades: int
    track_record_days: int
    as_of: date
    # Ranking by evidence (docs/statistics.md): the period's probabilistic Sharpe ratio
    # (a probability), its deflated Sharpe ratio over the providers ranked in the period,
    # the minimum track record (days of returns) and whether the record is shorter.
    psr: Decimal | None = None
    dsr: Decimal | None = None
    min_trl_days: int | None = None
    return_days: int = 0
    short_record: bool = True
    # Fill quality (docs/statistics.md): "copiers kept N % of this provider's return" (the
    # median over its relationships) and the median copy slippage, as last refreshed.
    copiers_kept_pct: Decimal | None = None
    copy_slippage_bps: Decimal | None = None


@dataclass(frozen=True, slots=True)
class LeaderboardPage:
    cards: list[ProviderCard]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.page_size), 1)


def avatar_of(display_name: str) -> str:
    """The avatar placeholder: the name's first letter or digit, upper case."""
    return next((c.upper() for c in display_name if c.isalnum()), "?")


def card_of(
    record: ProviderStatsRecord, dsr: Decimal | None = None, fills: FillFigures | None = None
) -> ProviderCard:
    return ProviderCard(
        provider_id=record.provider_id,
        display_name=record.display_name,
        avatar=avatar_of(record.display_name),
        roi_30d=record.roi_30d,
        win_rate=record.win_rate,
        max_drawdown=record.max_drawdown,
        followers=record.active_followers,
        aum=record.aum,
        share_pct=record.share_pct,
        sparkline=record.sparkline,
        risk_level=record.risk_level,
        strategy=record.strategy,
        period=record.period,
        roi=record.roi,
        pnl=record.pnl,
        sharpe=record.sharpe,
        sortino=record.sortino,
        profit_factor=record.profit_factor,
        copier_pnl=record.copier_pnl,
        total_trades=record.total_trades,
        track_record_days=record.track_record_days,
        as_of=record.as_of,
        psr=record.psr,
        dsr=dsr,
        min_trl_days=record.min_trl_days,
        return_days=record.return_days,
        short_record=is_short(record),
        copiers_kept_pct=None if fills is None else fills.kept_pct,
        copy_slippage_bps=None if fills is None else fills.median_slippage_bps,
    )


def is_short(record: ProviderStatsRecord) -> bool:
    """Too short to tell skill from luck: fewer returns than the minimum track record, or
    no length would do (the Sharpe does not beat the benchmark)."""
    return record.min_trl_days is None or record.return_days < record.min_trl_days


def deflated(record: ProviderStatsRecord, spread: SharpeSpread) -> Decimal | None:
    """The record's DSR over the period's ranked providers (``spread``), 4 dp."""
    if record.sharpe_daily is None or record.skewness is None or record.kurtosis is None:
        return None
    moments = ReturnMoments(record.return_days, float(record.sharpe_daily),
                            float(record.skewness), float(record.kurtosis))  # fmt: skip
    value = deflated_sharpe(moments, spread.variance, spread.count)
    return to_places(Decimal(repr(value)))


def leaderboard(
    uow: StatsReads,
    filters: LeaderboardFilters = LeaderboardFilters(),
    sort: LeaderboardSort | str = LeaderboardSort.ROI,
    page: int = 1,
    page_size: int = 20,
) -> LeaderboardPage:
    """One page of ranked providers; page 1 is the best."""
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidValueError(
            f"page must be ≥ 1 and page_size 1…{MAX_PAGE_SIZE}, got page={page} "
            f"page_size={page_size}"
        )
    key, descending = _ORDER[LeaderboardSort(sort)]
    records, total = uow.provider_stats.page(
        Period(filters.period),
        filters.conditions(),
        key,
        descending,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    spread = uow.provider_stats.sharpe_spread(Period(filters.period))
    fills = uow.provider_stats.fill_figures_of([r.provider_id for r in records])
    cards = [card_of(r, deflated(r, spread), fills.get(r.provider_id)) for r in records]
    return LeaderboardPage(cards, total, page, page_size)
