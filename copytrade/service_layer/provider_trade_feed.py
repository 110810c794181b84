"""A provider's closed trades, read forward from a cursor: the public stream behind
``GET /api/v1/providers/{id}/events`` (docs/api.md, Live events).

Only what the public provider page already shows (each closed trade's symbol,
side, size, prices, PnL and times): never a follower, an open position or an
order. The cursor is the id of the last trade sent, a plain number.
"""

from __future__ import annotations

from collections.abc import Callable

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.trades import Trade
from copytrade.service_layer.events import Event
from copytrade.service_layer.following.service import UnknownProviderError

TRADE = "trade"


class ProviderTradeFeed:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], batch: int = 200) -> None:
        self._uow_factory = uow_factory
        self._batch = batch

    def now(self, provider_id: str) -> int:
        """The cursor of this moment (a page showing the trades so far listens from it)."""
        with self._uow_factory() as uow:
            self._check(uow, provider_id)
            return uow.trades.last_id(provider_id)

    def after(self, provider_id: str, cursor: int) -> tuple[list[Event], int]:
        """The provider's trades closed after ``cursor`` (a batch at most), oldest first."""
        with self._uow_factory() as uow:
            self._check(uow, provider_id)
            rows = uow.trades.after_id(provider_id, cursor, self._batch)
        events = [Event(str(i), TRADE, t.closed_at, public_trade(t)) for i, t in rows]
        return events, rows[-1][0] if rows else cursor

    @staticmethod
    def _check(uow: SqlUnitOfWork, provider_id: str) -> None:
        if not uow.accounts.is_provider(provider_id):
            raise UnknownProviderError(f"no provider {provider_id!r}")


def public_trade(trade: Trade) -> dict[str, object]:
    """A closed trade as the public provider page and its stream show it."""
    return {
        "symbol": trade.symbol,
        "side": trade.side.value,
        "qty": decimal_text(trade.qty),
        "entry_price": decimal_text(trade.entry_price),
        "exit_price": decimal_text(trade.exit_price),
        "pnl": decimal_text(trade.pnl),
        "pnl_pct": decimal_text(trade.pnl_pct),
        "fees": decimal_text(trade.fees),
        "leverage": decimal_text(trade.leverage),
        "opened_at": trade.opened_at.isoformat(),
        "closed_at": trade.closed_at.isoformat(),
    }
