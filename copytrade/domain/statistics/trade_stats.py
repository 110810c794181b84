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


@dataclass(slots=True)
class TradeTally:
    """The running sums every per-trade figure is derived from.

    ``trade_stats`` is one tally over a set of trades; a stored tally can take
    one more trade in O(1) (``add``) and give the same figures, which is how
    the stats service updates a provider when a trade closes. ``worst`` may be
    kept rounded: rounding is monotonic, so the rounded minimum is the same.
    ``spot`` and the leverages feed the strategy and risk rules (profile.py).
    """

    count: int = 0
    wins: int = 0
    gross_profit: Decimal = ZERO
    gross_loss: Decimal = ZERO
    worst: Decimal | None = None
    holding: timedelta = timedelta(0)
    spot: int = 0
    leverage_sum: Decimal = ZERO
    leverage_max: Decimal | None = None

    def add(self, trade: Trade) -> None:
        with localcontext(STATS_CONTEXT):
            self.add_figures(
                trade.pnl, trade.pnl_pct, trade.holding_time, trade.is_spot, trade.leverage
            )

    def add_figures(
        self, pnl: Decimal, pnl_pct: Decimal, holding: timedelta, is_spot: bool, leverage: Decimal
    ) -> None:
        """``add`` from a trade's figures, ``pnl_pct`` computed under ``STATS_CONTEXT``.

        A full refresh computes them once per trade and adds them to every
        window the trade falls in, without building ``Trade`` objects.
        """
        self.count += 1
        self.holding += holding
        self.worst = pnl_pct if self.worst is None or pnl_pct < self.worst else self.worst
        if pnl > 0:
            self.wins += 1
            self.gross_profit += pnl
        else:
            self.gross_loss -= pnl
        self.spot += is_spot
        self.leverage_sum += leverage
        if self.leverage_max is None or leverage > self.leverage_max:
            self.leverage_max = leverage

    def merge(self, other: TradeTally) -> None:
        """Add ``other``'s trades: sums add, the worst and the highest leverage compare.

        A day's tally merged into a window gives the same figures as adding the
        day's trades one by one (the stats service reads day tallies, not trades).
        """
        self.count += other.count
        self.wins += other.wins
        self.gross_profit += other.gross_profit
        self.gross_loss += other.gross_loss
        self.holding += other.holding
        self.spot += other.spot
        self.leverage_sum += other.leverage_sum
        if other.worst is not None and (self.worst is None or other.worst < self.worst):
            self.worst = other.worst
        if other.leverage_max is not None and (
            self.leverage_max is None or other.leverage_max > self.leverage_max
        ):
            self.leverage_max = other.leverage_max

    def stats(self) -> TradeStats:
        """The figures of the tallied trades (see ``trade_stats``)."""
        count = self.count
        if count == 0:
            return TradeStats(0, None, ZERO, None, None, None)
        with localcontext(STATS_CONTEXT):
            return TradeStats(
                total_trades=count,
                win_rate=to_places(Decimal(self.wins) / count * HUNDRED),
                total_pnl=self.gross_profit - self.gross_loss,
                max_loss_single_trade=None if self.worst is None else to_places(self.worst),
                profit_factor=to_places(self.gross_profit / self.gross_loss)
                if self.gross_loss > 0
                else None,
                avg_holding_time=self.holding // count,
            )


def trade_stats(trades: Iterable[Trade]) -> TradeStats:
    """Aggregate closed trades in one pass.

    - win_rate = trades with pnl > 0 / all trades × 100 (breakeven is not a
      win); None with no trades, as 0/0 is not "never wins".
    - max_loss_single_trade = the lowest pnl_pct (positive if every trade won).
    - profit_factor = gross profit / |gross loss|; None when nothing lost
      (the ratio is unbounded) or there are no trades.
    - avg_holding_time = mean of (closed_at − opened_at), whole microseconds.
    """
    tally = TradeTally()
    for trade in trades:
        tally.add(trade)
    return tally.stats()


def closed_between(trades: Iterable[Trade], first_day: date | None, last_day: date) -> list[Trade]:
    """Trades whose UTC close day is in [first_day, last_day] (no lower bound if None)."""
    return [
        trade
        for trade in trades
        if (day := utc_day(trade.closed_at)) <= last_day and (first_day is None or day >= first_day)
    ]
