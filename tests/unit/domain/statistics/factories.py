"""Small builders for statistics tests: trades and equity series from plain numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from copytrade.domain.ids import AccountId
from copytrade.domain.statistics import EquityPoint
from copytrade.domain.trades import PositionSide, Trade

DAY0 = date(2024, 1, 1)
T0 = datetime(2024, 1, 1, 12, tzinfo=UTC)


def trade(
    pnl: str | int,
    *,
    cost: str | int = 100,
    closed: datetime = T0,
    held: timedelta = timedelta(hours=1),
    leverage: str | int = 1,
    is_spot: bool = False,
) -> Trade:
    """A closed long of qty 1 whose only figures that matter are pnl, cost and times."""
    return Trade(
        account=AccountId("provider-1"),
        symbol="BTC/USDT" if is_spot else "BTC/USDT:USDT",
        side=PositionSide.LONG,
        qty=Decimal(1),
        entry_price=Decimal(cost),
        exit_price=Decimal(cost),
        cost=Decimal(cost),
        pnl=Decimal(pnl),
        fees=Decimal(0),
        opened_at=closed - held,
        closed_at=closed,
        leverage=Decimal(leverage),
        is_spot=is_spot,
    )


def series(*rows: tuple[int, str, str]) -> list[EquityPoint]:
    """Points from (day offset from DAY0, equity, net flow) rows."""
    return [
        EquityPoint(DAY0 + timedelta(days=offset), Decimal(equity), Decimal(flow))
        for offset, equity, flow in rows
    ]


def decimals(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]
