"""A provider's closed trades, read forward from a cursor: the public stream behind
``GET /api/v1/providers/{id}/events`` (docs/api.md, Live events).

Only what the public provider page already shows (each closed trade's symbol,
side, size, prices, PnL and times): never a follower, an open position or an
order. The cursor is the id of the last trade sent, a plain number. With several writers
it reads only up to the stream's horizon (``EventHorizon`` over the provider's last trade
id), like the user's own stream: docs/api.md "Live events".
"""

from __future__ import annotations

from collections.abc import Callable

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.trades import Trade
from copytrade.service_layer.event_horizon import EventHorizon
from copytrade.service_layer.events import Event
from copytrade.service_layer.following.service import UnknownProviderError

TRADE = "trade"


class ProviderTradeFeed:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork], batch: int = 200) -> None:
        self._uow_factory = uow_factory
        self._batch = batch
        self._horizons: dict[str, EventHorizon] = {}  # per provider: docs/api.md "Live events"

    def now(self, provider_id: str) -> int:
        """The cursor of this moment (a page showing the trades so far listens from it).
        Final when the transactions in progress finish within 2 s (``EventHorizon``);
        else the last id as read (one of them may be missed)."""
        with self._uow_factory() as uow:
            self._check(uow, provider_id)
            last = uow.trades.last_id(provider_id)
        final, reached = self._horizon(provider_id).settled(2.0)
        return final[0] if reached and final is not None else last

    def after(
        self, provider_id: str, cursor: int, settle_s: float = 0.0
    ) -> tuple[list[Event], int]:
        """The provider's trades closed after ``cursor`` (a batch at most), oldest first;
        only up to the horizon, below which no transaction in progress can still commit
        one. ``settle_s``: how long to wait for the transactions in progress now."""
        self.check(provider_id)
        horizon, _reached = self._horizon(provider_id).settled(settle_s)
        if horizon is None:
            return [], cursor
        with self._uow_factory() as uow:
            rows = uow.trades.after_id(provider_id, cursor, self._batch, horizon[0])
        events = [Event(str(i), TRADE, t.closed_at, public_trade(t)) for i, t in rows]
        return events, rows[-1][0] if rows else cursor

    def _horizon(self, provider_id: str) -> EventHorizon:
        if provider_id not in self._horizons:
            self._horizons[provider_id] = EventHorizon(
                self._uow_factory, lambda uow: uow.trades.observed_last_id(provider_id)
            )
        return self._horizons[provider_id]

    def check(self, provider_id: str) -> None:
        """An unknown provider raises ``UnknownProviderError``."""
        with self._uow_factory() as uow:
            self._check(uow, provider_id)

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
