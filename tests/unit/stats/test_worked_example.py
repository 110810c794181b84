"""The worked example of docs/statistics.md, figure by figure (hand computations there)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest

from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.domain.statistics import EquityPoint, Period
from copytrade.service_layer.provider_stats import CopierFigures
from copytrade.stats.inputs import ProviderInputs, TradeTallies
from copytrade.stats.records import add_trade, build_records
from tests.unit.domain.statistics.factories import trade

DAY0 = date(2026, 3, 1)


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, 1 + day, hour, tzinfo=UTC)


SERIES = [
    EquityPoint(DAY0, D(1000), D(1000)),  # funded: r = 0
    EquityPoint(DAY0 + timedelta(days=1), D(1050)),  # r = 50 / 1000 = +0.05
    EquityPoint(DAY0 + timedelta(days=2), D(1395), D(500)),  # (1395−500−1050)/1550 = −0.1
    EquityPoint(DAY0 + timedelta(days=3), D("1534.5")),  # 139.5 / 1395 = +0.1
]
TRADES = [
    trade(50, cost=1000, closed=at(1), held=timedelta(hours=2), leverage=2),  # +5 %
    trade(-150, cost=1500, closed=at(2), held=timedelta(hours=4), leverage=2),  # −10 %
    trade("139.5", cost=1395, closed=at(3), held=timedelta(minutes=30), is_spot=True),  # +10 %
]


def ana(as_of: date) -> ProviderInputs:
    tallies = TradeTallies.of(TRADES, as_of)
    return ProviderInputs(
        "ana", "Ana", D(20), tallies, [p.row for p in SERIES], CopierFigures(3, D(2500), D("-12.5"))
    )


def rows(as_of_day: int) -> dict[Period, ProviderStatsRecord]:
    as_of = DAY0 + timedelta(days=as_of_day)
    records = build_records(ana(as_of), as_of, at(as_of_day, 20), 7)
    return {r.period: r for r in records}


def figures(r: ProviderStatsRecord) -> tuple[object, ...]:
    return (r.roi, r.max_drawdown, r.sharpe, r.sortino, r.volatility, r.total_trades, r.pnl,
            r.win_rate, r.profit_factor, r.max_loss_single_trade, r.avg_holding_s)  # fmt: skip


def test_as_of_day_3_every_window_is_the_whole_record() -> None:
    found = rows(3)
    expected = (D("3.9500"), D("10.0000"), D("2.7967"), D("4.7762"), D("163.1398"), 3,
                D("39.5"), D("66.6667"), D("1.2633"), D("-10.0000"), 7800)  # fmt: skip
    assert {figures(r) for r in found.values()} == {expected}
    whole = found[Period.ALL]
    assert (whole.risk_level, whole.strategy) == ("high", "mixed")  # volatility > 100 %
    assert (whole.track_record_days, whole.ranked) == (4, False)  # < 7 days: not ranked
    assert whole.sparkline == (D("10000.00"), D("10500.00"), D("9450.00"), D("10395.00"))
    assert (whole.active_followers, whole.aum, whole.copier_pnl) == (3, 2500, D("-12.5"))


def test_as_of_day_9_the_7_day_window_holds_day_3_onward() -> None:
    found = rows(9)
    assert figures(found[Period.D7]) == (D("10.0000"), D("0.0000"), D("7.2210"), None,
        D("72.2100"), 1, D("139.5"), D("100.0000"), None, D("10.0000"), 1800)  # fmt: skip
    assert figures(found[Period.ALL]) == (D("3.9500"), D("10.0000"), D("1.9212"), D("3.0208"),
        D("94.9927"), 3, D("39.5"), D("66.6667"), D("1.2633"), D("-10.0000"), 7800)  # fmt: skip
    assert found[Period.ALL].risk_level == "medium" and found[Period.ALL].ranked


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # T3 and T4: 139.5 − 20; profit factor 139.5 / 20; hold (0.5 h + 1 h) / 2.
        (Period.D7, (2, D("119.5"), D("50.0000"), D("6.9750"), D("-5.0000"), 2700)),
        # all four: 189.5 − 170; 189.5 / 170; hold 7.5 h / 4.
        (Period.ALL, (4, D("19.5"), D("50.0000"), D("1.1147"), D("-10.0000"), 6750)),
    ],
)
def test_a_closing_trade_updates_the_rows(period: Period, expected: tuple[object, ...]) -> None:
    extra = trade(-20, cost=400, closed=at(9, 15), leverage=30, is_spot=True)  # −5 %, 30×
    after = {r.period: r for r in add_trade(rows(9), extra, at(9, 20))}
    r = after[period]
    got = (r.total_trades, r.pnl, r.win_rate, r.profit_factor, r.max_loss_single_trade,
           r.avg_holding_s)  # fmt: skip
    assert got == expected
    assert (r.risk_level, r.strategy) == ("high", "mixed")  # a 30× trade; 2 of 4 on spot
