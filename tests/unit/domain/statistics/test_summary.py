from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.statistics import (
    Period,
    PeriodStats,
    RiskLevel,
    Strategy,
    compute_stats,
    equity_curve,
)
from tests.unit.domain.statistics.factories import DAY0, T0, series, trade

AS_OF = DAY0 + timedelta(days=9)

# Daily returns: day0 0 (funding), day1 +0.1, day2 -0.1, days 3..8 0 (gap), day9 +0.1
POINTS = series((0, "1000", "1000"), (1, "1100", "0"), (2, "990", "0"), (9, "1089", "0"))
TRADES = [
    trade("100", cost="1000", closed=T0 + timedelta(days=1)),  # +10 %
    trade("-110", cost="1100", closed=T0 + timedelta(days=2)),  # -10 %
    trade("99", cost="990", closed=T0 + timedelta(days=9)),  # +10 %
]


def test_worked_record() -> None:
    stats = compute_stats(TRADES, POINTS, AS_OF)
    assert stats.track_record_days == 10
    assert stats.total_trades == 3
    assert stats.win_rate == Decimal("66.6667")  # 2 / 3
    assert stats.total_pnl == Decimal("89")
    assert stats.max_loss_single_trade == Decimal("-10.0000")
    assert stats.profit_factor == Decimal("1.8091")  # 199 / 110 = 1.80909
    assert stats.avg_holding_time == timedelta(hours=1)
    # 1.1 × 0.9 × 1.1 − 1 = 8.9 %; the per-trade percents sum to 10 %
    assert stats.roi_all == Decimal("8.9000")
    assert stats.roi_30d == stats.roi_90d == stats.roi_all  # record younger than 30 days
    assert stats.roi_7d == Decimal("10.0000")  # days 3..9: only day 9's +10 %
    assert stats.max_drawdown == Decimal("10.0000")  # 1.1 → 0.99
    # mean 0.01, Σ(r − mean)² = 7 × 0.0001 + 2 × 0.0081 + 0.0121 = 0.029:
    # sharpe = 0.01 / √(0.029 / 9) × √365 = √(0.3285 / 0.029) = 3.36565
    assert stats.sharpe == Decimal("3.3656")
    # downside √(0.01 / 10) = 0.0316228: sortino = 0.01 / 0.0316228 × √365 = √36.5
    assert stats.sortino == Decimal("6.0415")
    # volatility 0.0567646 × √365 = 108.4 % > 100 %
    assert stats.risk_level is RiskLevel.HIGH
    assert stats.strategy is Strategy.FUTURES


def test_periods_shorter_than_the_record() -> None:
    stats = compute_stats(TRADES, POINTS, AS_OF)
    assert [p.period for p in stats.periods] == list(Period)
    # 7d = days 3..9: returns 0 × 6 then 0.1; only the day-9 trade closed inside
    # sharpe: mean 0.1/7, stdev = mean × √7 → √(365 / 7) = 7.22100; no loss → sortino None
    assert stats.period(Period.D7) == PeriodStats(
        period=Period.D7,
        roi=Decimal("10.0000"),
        pnl=Decimal("99"),
        win_rate=Decimal("100.0000"),
        max_drawdown=Decimal("0.0000"),
        sharpe=Decimal("7.2210"),
        sortino=None,
        trades=1,
    )
    everything = stats.period(Period.ALL)
    assert (everything.roi, everything.pnl, everything.trades) == (stats.roi_all, Decimal(89), 3)
    # a 10-day record: the 30-day window is the whole record
    assert stats.period(Period.D30) == replace(everything, period=Period.D30)


def test_roi_is_not_a_sum_of_trade_percents() -> None:
    # regression on the original brief: all-in +50 % then all-in −50 % is −25 %, not 0 %
    points = series((0, "1000", "1000"), (1, "1500", "0"), (2, "750", "0"))
    trades = [
        trade("500", cost="1000", closed=T0 + timedelta(days=1)),
        trade("-750", cost="1500", closed=T0 + timedelta(days=2)),
    ]
    stats = compute_stats(trades, points, DAY0 + timedelta(days=2))
    assert sum(t.pnl_pct for t in trades) == 0
    assert stats.roi_all == Decimal("-25.0000")


def test_later_trades_and_points_do_not_count() -> None:
    later_points = [*POINTS, *series((10, "5000", "0"))]
    later_trades = [*TRADES, trade("1000", closed=T0 + timedelta(days=10))]
    assert compute_stats(later_trades, later_points, AS_OF) == compute_stats(TRADES, POINTS, AS_OF)


def test_as_of_after_the_last_point_carries_equity_forward() -> None:
    stats = compute_stats(TRADES, POINTS, AS_OF + timedelta(days=7))
    assert stats.track_record_days == 17
    assert stats.roi_7d == Decimal("0.0000")  # seven carried-forward days
    assert stats.roi_all == Decimal("8.9000")


def test_empty_record_gives_zeros_and_nones() -> None:
    stats = compute_stats([], [], AS_OF)
    assert (stats.total_trades, stats.total_pnl, stats.roi_all, stats.max_drawdown) == (
        0,
        0,
        0,
        0,
    )
    assert stats.win_rate is stats.sharpe is stats.sortino is stats.profit_factor is None
    assert stats.risk_level is None and stats.strategy is None
    assert all(p.trades == 0 and p.roi == 0 and p.sharpe is None for p in stats.periods)


def test_trades_without_equity_still_rate_leverage() -> None:
    stats = compute_stats([trade("1", leverage=50)], [], AS_OF)
    assert stats.risk_level is RiskLevel.HIGH
    assert stats.roi_all == 0


def test_curve_ends_at_roi_all() -> None:
    stats = compute_stats(TRADES, POINTS, AS_OF)
    curve = equity_curve(POINTS, through=AS_OF)
    assert curve[-1].value == Decimal(10_000) * (1 + stats.roi_all / 100)  # 10890.00


def test_as_of_must_be_a_day() -> None:
    with pytest.raises(InvalidValueError, match="as_of"):
        compute_stats([], [], datetime(2024, 1, 1, tzinfo=UTC))
