from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from copytrade.domain.statistics import TradeStats, closed_between, trade_stats
from tests.unit.domain.statistics.factories import T0, trade

HOUR = timedelta(hours=1)


def test_mixed_record_by_hand() -> None:
    trades = [
        trade("10", held=1 * HOUR),  # +10 %  win
        trade("-5", held=2 * HOUR),  # -5 %   loss
        trade("0", held=3 * HOUR),  # 0 %    breakeven: not a win
        trade("20", cost="400", held=6 * HOUR),  # +5 %   win
    ]
    assert trade_stats(trades) == TradeStats(
        total_trades=4,
        win_rate=Decimal("50.0000"),  # 2 wins / 4 closed
        total_pnl=Decimal("25"),  # 10 - 5 + 0 + 20
        max_loss_single_trade=Decimal("-5.0000"),  # lowest pnl_pct
        profit_factor=Decimal("6.0000"),  # (10 + 20) / |-5|
        avg_holding_time=3 * HOUR,  # (1 + 2 + 3 + 6) / 4
    )


@pytest.mark.parametrize(
    ("pnls", "win_rate", "profit_factor", "max_loss"),
    [
        (["10", "0"], "50.0000", None, "0.0000"),  # no loss: profit factor unbounded → None
        (["0", "0", "0"], "0.0000", None, "0.0000"),  # breakevens only: no win, no loss
        (["-10"], "0.0000", "0.0000", "-10.0000"),  # no profit: factor 0
        (["1", "1", "-1"], "66.6667", "2.0000", "-1.0000"),  # 2/3 rounded half-even at 4 dp
        (["3", "4"], "100.0000", None, "3.0000"),  # every trade won: worst is still positive
    ],
)
def test_win_rate_and_profit_factor_edges(
    pnls: list[str], win_rate: str, profit_factor: str | None, max_loss: str
) -> None:
    stats = trade_stats(trade(pnl) for pnl in pnls)
    assert stats.win_rate == Decimal(win_rate)
    assert stats.profit_factor == (None if profit_factor is None else Decimal(profit_factor))
    assert stats.max_loss_single_trade == Decimal(max_loss)


def test_no_trades_gives_zeros_and_nones() -> None:
    assert trade_stats([]) == TradeStats(0, None, Decimal(0), None, None, None)


def test_closed_between_uses_the_utc_close_day() -> None:
    late_utc = trade("1", closed=datetime(2024, 1, 2, 23, 59, tzinfo=UTC))
    # 00:30 at UTC+2 on Jan 3rd is still Jan 2nd in UTC
    early_local = trade("2", closed=datetime(2024, 1, 3, 0, 30, tzinfo=timezone(2 * HOUR)))
    after = trade("3", closed=datetime(2024, 1, 3, 0, 0, tzinfo=UTC))
    before = trade("4", closed=T0)  # Jan 1st
    trades = [late_utc, early_local, after, before]
    jan2 = date(2024, 1, 2)
    assert closed_between(trades, jan2, jan2) == [late_utc, early_local]
    assert closed_between(trades, None, jan2) == [late_utc, early_local, before]
