"""A trade: one position from open (from flat) to flat again (docs/statistics.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId
from copytrade.domain.values import HUNDRED, ONE, ZERO


class PositionSide(StrEnum):
    LONG = "long"
    SHORT = "short"


@dataclass(frozen=True, slots=True)
class Trade:
    """A closed round trip, the unit every per-trade statistic is computed over.

    ``cost`` is the total cost of the opening fills (sum of qty × price), so
    ``pnl_pct`` is the return on what was put in, independent of leverage.
    ``pnl`` is realized PnL net of every fee paid by the trade's fills.
    """

    account: AccountId
    symbol: str
    side: PositionSide
    qty: Decimal
    entry_price: Decimal
    exit_price: Decimal
    cost: Decimal
    pnl: Decimal
    fees: Decimal
    opened_at: datetime
    closed_at: datetime
    leverage: Decimal = ONE
    is_spot: bool = False

    def __post_init__(self) -> None:
        if self.qty <= 0 or self.cost <= 0:
            raise InvalidValueError(
                f"trade on {self.symbol} needs a positive quantity and cost, "
                f"got qty={self.qty} cost={self.cost}"
            )
        if self.fees < 0:
            raise InvalidValueError(f"trade fees must not be negative, got {self.fees}")
        if self.closed_at < self.opened_at:
            raise InvalidValueError(
                f"trade on {self.symbol} closes ({self.closed_at}) before it opens "
                f"({self.opened_at})"
            )

    @property
    def pnl_pct(self) -> Decimal:
        return self.pnl / self.cost * HUNDRED

    @property
    def holding_time(self) -> timedelta:
        return self.closed_at - self.opened_at

    @property
    def is_win(self) -> bool:
        """Breakeven is not a win (docs/statistics.md)."""
        return self.pnl > ZERO
