"""Per-trade statistics: counts, win rate, PnL, worst trade, profit factor, holding time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.statistics.series import utc_day
from copytrade.domain.trades import Trade
from copytrade.domain.values import HUNDRED, ZERO


@dataclass(frozen=True, slots=True)
class TradeStats:
    """Figures over a set of closed trades; None where a figure is undefined.

    ``total_pnl`` is an exact sum (each pnl is already at currency precision);
    the percentages and the profit factor are rounded to 4 dp.
    """

    total_trades: int
    win_rate: Decimal | None
    total_pnl: Decimal
    max_loss_single_trade: Decimal | None
    profit_factor: Decimal | None
    avg_holding_time: timedelta | None


def trade_stats(trades: Iterable[Trade]) -> TradeStats:
    """Aggregate closed trades in one pass.

    - win_rate = trades with pnl > 0 / all trades × 100 (breakeven is not a
      win); None with no trades, as 0/0 is not "never wins".
    - max_loss_single_trade = the lowest pnl_pct (positive if every trade won).
    - profit_factor = gross profit / |gross loss|; None when nothing lost
      (the ratio is unbounded) or there are no trades.
    - avg_holding_time = mean of (closed_at − opened_at), whole microseconds.
    """
    count = wins = 0
    gross_profit = gross_loss = ZERO
    worst: Decimal | None = None
    holding = timedelta(0)
    with localcontext(STATS_CONTEXT):
        for trade in trades:
            count += 1
            holding += trade.holding_time
            pct = trade.pnl_pct
            worst = pct if worst is None or pct < worst else worst
            if trade.pnl > 0:
                wins += 1
                gross_profit += trade.pnl
            else:
                gross_loss -= trade.pnl
        if count == 0:
            return TradeStats(0, None, ZERO, None, None, None)
        return TradeStats(
            total_trades=count,
            win_rate=to_places(Decimal(wins) / count * HUNDRED),
            total_pnl=gross_profit - gross_loss,
            max_loss_single_trade=None if worst is None else to_places(worst),
            profit_factor=to_places(gross_profit / gross_loss) if gross_loss > 0 else None,
            avg_holding_time=holding // count,
        )


def closed_between(trades: Iterable[Trade], first_day: date | None, last_day: date) -> list[Trade]:
    """Trades whose UTC close day is in [first_day, last_day] (no lower bound if None)."""
    return [
        trade
        for trade in trades
        if (day := utc_day(trade.closed_at)) <= last_day and (first_day is None or day >= first_day)
    ]
