"""Everything the record alone says about a provider, as of one UTC day (docs/statistics.md).

Followers, AUM and copier PnL come from the copy relationships and are
joined in by the caller; this module only reads trades and the equity series.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from copytrade.domain.positions import Position
from copytrade.domain.statistics.periods import Period
from copytrade.domain.statistics.profile import (
    DEFAULT_PROFILE_RULE,
    OpenKinds,
    ProfileRule,
    RiskLevel,
    Strategy,
    risk_level,
    strategy,
)
from copytrade.domain.statistics.returns import DailyReturns, daily_returns, roi
from copytrade.domain.statistics.risk import annualised_volatility, max_drawdown, sharpe, sortino
from copytrade.domain.statistics.series import EquityPoint, check_day
from copytrade.domain.statistics.trade_stats import TradeStats, closed_between, trade_stats
from copytrade.domain.trades import Trade


@dataclass(frozen=True, slots=True)
class PeriodStats:
    """Figures over one window: returns of its days, trades closed in it."""

    period: Period
    roi: Decimal
    pnl: Decimal
    win_rate: Decimal | None
    max_drawdown: Decimal
    sharpe: Decimal | None
    sortino: Decimal | None
    trades: int


@dataclass(frozen=True, slots=True)
class ProviderStats(TradeStats):
    """docs/statistics.md keys the record determines; keys without a period cover the whole record.

    The per-trade keys are those of ``TradeStats`` over every trade closed by
    ``as_of``; the rest come from the daily returns and the trades' kinds.
    """

    as_of: date
    track_record_days: int
    roi_7d: Decimal
    roi_30d: Decimal
    roi_90d: Decimal
    roi_all: Decimal
    max_drawdown: Decimal
    sharpe: Decimal | None
    sortino: Decimal | None
    risk_level: RiskLevel | None
    strategy: Strategy | None
    periods: tuple[PeriodStats, ...]

    def period(self, period: Period) -> PeriodStats:
        for stats in self.periods:
            if stats.period is period:
                return stats
        raise KeyError(period)


def _period_stats(
    period: Period, returns: DailyReturns, trades: list[Trade], as_of: date
) -> tuple[PeriodStats, TradeStats]:
    window = returns.last(period.days)
    inside = closed_between(trades, period.first_day(as_of), as_of)
    figures = trade_stats(inside)
    stats = PeriodStats(
        period=period,
        roi=roi(window),
        pnl=figures.total_pnl,
        win_rate=figures.win_rate,
        max_drawdown=max_drawdown(window),
        sharpe=sharpe(window),
        sortino=sortino(window),
        trades=figures.total_trades,
    )
    return stats, figures


def compute_stats(
    trades: Iterable[Trade],
    points: Sequence[EquityPoint],
    as_of: date,
    rule: ProfileRule = DEFAULT_PROFILE_RULE,
    positions: Iterable[Position] = (),
) -> ProviderStats:
    """Statistics as of the close of UTC day ``as_of``.

    Only trades closed on or before ``as_of`` and points up to ``as_of`` count,
    so a recomputation for a past day gives the figures published that day.
    ``positions`` (the provider's open positions) only decide the strategy of
    a record with no closed trade. An empty record gives zeros and Nones, never
    an error.
    """
    check_day(as_of, "as_of")
    returns = daily_returns(points, through=as_of)
    closed = closed_between(trades, None, as_of)
    by_period = {period: _period_stats(period, returns, closed, as_of) for period in Period}
    everything, overall = by_period[Period.ALL]
    has_record = bool(returns.values) or bool(closed)
    return ProviderStats(
        as_of=as_of,
        track_record_days=len(returns.values),
        total_trades=overall.total_trades,
        win_rate=overall.win_rate,
        total_pnl=overall.total_pnl,
        max_loss_single_trade=overall.max_loss_single_trade,
        profit_factor=overall.profit_factor,
        avg_holding_time=overall.avg_holding_time,
        roi_7d=by_period[Period.D7][0].roi,
        roi_30d=by_period[Period.D30][0].roi,
        roi_90d=by_period[Period.D90][0].roi,
        roi_all=everything.roi,
        max_drawdown=everything.max_drawdown,
        sharpe=everything.sharpe,
        sortino=everything.sortino,
        risk_level=risk_level(
            annualised_volatility(returns.values), everything.max_drawdown, closed, rule
        )
        if has_record
        else None,
        strategy=strategy(closed, rule, OpenKinds.of(positions, as_of)),
        periods=tuple(stats for stats, _ in by_period.values()),
    )
