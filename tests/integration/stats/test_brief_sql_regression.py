"""The original brief's provider_stats SQL multiplied trades; ours counts each once.

The brief joined trades with followers and drawdown rows in one GROUP BY, so a
provider's every trade appeared once per (follower × drawdown row). Our stats
are computed per provider from its trades alone; followers and equity rows are
read separately and never joined to trades.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, text

from copytrade.domain.statistics import Period

from .world import DAYS, refreshed_world

# The brief's join shape on our tables: equity snapshots stand in for "drawdowns".
BRIEF_JOIN = text(
    """
    SELECT COUNT(*) FROM trades t
    LEFT JOIN equity_snapshots dd ON dd.book = t.book
    LEFT JOIN relationships f ON f.provider_id = t.book AND f.status = 'active'
    WHERE t.book = :provider
    """
)


def test_trades_are_not_multiplied_by_followers_or_equity_rows(db_engine: Engine) -> None:
    h, ids = refreshed_world(db_engine)
    with h.platform.uow() as uow:
        trades = uow.trades.for_book(ids["pro"])
        rows = uow.provider_stats.of_provider(ids["pro"])
        equity_rows = len(uow.equity.series(ids["pro"]))
        joined = uow.session.execute(BRIEF_JOIN, {"provider": ids["pro"]}).scalar_one()
    # The data has the trap: 6 trades, 3 active followers, 9 equity rows (days 0-8 closed).
    assert (len(trades), rows[Period.ALL].active_followers, equity_rows) == (6, 3, DAYS - 1)
    assert joined == 6 * 3 * (DAYS - 1)  # what the brief's GROUP BY would have counted
    whole = rows[Period.ALL]
    assert whole.total_trades == 6
    assert whole.pnl == sum(t.pnl for t in trades)
    assert sum(t.pnl > 0 for t in trades) == 4
    assert whole.win_rate == Decimal("66.6667")  # 4 / 6, not 4·27 / 6·27
