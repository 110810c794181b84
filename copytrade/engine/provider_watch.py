"""Watching a provider's own exchange account: its trades become provider fills.

A provider trades on its exchange account by hand or with its own tools; copytrade
reads that account's trades per market from a stored cursor and books each one as the
provider's fill, which the copy pipeline then fans out like a paper provider fill
(docs/venues.md, "Watching a provider's account"). The cursor is committed in the same
transaction as the fills it covers, and fills are deduplicated by the exchange's trade
id, so after a restart or an outage the watcher catches up from the cursor: no fill
missed, none booked twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from copytrade.domain.order_events import Fill
from copytrade.engine.ingest import FillIngestor
from copytrade.engine.unit_of_work import OrdersPort, PipelineUnitOfWork


class TradeSource(Protocol):
    """An exchange account's trade history (``CcxtVenue.trades_after``)."""

    def trades_after(
        self, account: str, symbol: str, position: str | None, since: datetime, limit: int
    ) -> tuple[list[Fill], str | None]: ...


class TradeCursorsPort(Protocol):
    def get(self, account: str, symbol: str) -> str | None: ...

    def set(self, account: str, symbol: str, position: str, now: datetime) -> None: ...


class WatchOrdersPort(OrdersPort, Protocol):
    def add_external(self, fills: Sequence[Fill], venue: str, now: datetime) -> None:
        """Store the orders of fills made outside copytrade, known only by their fills."""
        ...


class WatchUnitOfWork(PipelineUnitOfWork, Protocol):
    """The pipeline's unit of work with the watcher's cursors (``SqlUnitOfWork``)."""

    @property
    def orders(self) -> WatchOrdersPort: ...

    @property
    def trade_cursors(self) -> TradeCursorsPort: ...


class ProviderWatcher:
    """Polls one provider's linked account: ``poll`` books every trade made since the
    cursor, in every watched market, and returns how many fills were new.

    ``since`` is where an account never read before starts (when it was linked): its
    older trades are history, not trades to copy.
    """

    def __init__(
        self,
        source: TradeSource,
        exchange: str,
        uow_factory: Callable[[], WatchUnitOfWork],
        ingestor: FillIngestor,
        account: str,
        symbols: Sequence[str],
        since: datetime,
        now: Callable[[], datetime],
        page: int = 500,
    ) -> None:
        self._source = source
        self._exchange = exchange
        self._uow_factory = uow_factory
        self._ingestor = ingestor
        self.account = account
        self.symbols = tuple(symbols)
        self._since = since
        self._now = now
        self._page = page

    def poll(self) -> int:
        return sum(self._catch_up(symbol) for symbol in self.symbols)

    def _catch_up(self, symbol: str) -> int:
        new = 0
        while True:
            with self._uow_factory() as uow:
                position = uow.trade_cursors.get(self.account, symbol)
            # The exchange is read outside our transaction (it may be slow).
            fills, after = self._source.trades_after(
                self.account, symbol, position, self._since, self._page
            )
            if not fills or after is None:
                return new
            with self._uow_factory() as uow:
                if uow.trade_cursors.get(self.account, symbol) != position:
                    continue  # another watcher got there first: read again from its cursor
                uow.orders.add_external(fills, self._exchange, self._now())
                new += self._ingestor.book_provider_fills(uow, fills)
                uow.trade_cursors.set(self.account, symbol, after, self._now())
                uow.commit()
            self._ingestor.announce_closed()
            # A time cursor that did not move re-read its own millisecond (a trade may
            # have joined it: booked above, the others were known); a full page of one
            # instant cannot move on.
            if after == position or len(fills) < self._page:
                return new

    def book_pushed(self, symbol: str, fills: Sequence[Fill], position: str) -> int:
        """Book trades the exchange pushed (a websocket), the same way as a poll's page:
        the fills and the cursor in one transaction, each fill once. The cursor only
        moves forward: a pushed trade the poll already read moves nothing. Only called
        once the stream was caught up by a poll (docs/venues.md, "Watching a
        provider's account"), so nothing before ``position`` is unread."""
        if symbol not in self.symbols or not fills:
            return 0
        with self._uow_factory() as uow:
            uow.orders.add_external(fills, self._exchange, self._now())
            new = self._ingestor.book_provider_fills(uow, fills)
            current = uow.trade_cursors.get(self.account, symbol)
            if current is None or int(position) > int(current):
                uow.trade_cursors.set(self.account, symbol, position, self._now())
            uow.commit()
        self._ingestor.announce_closed()
        return new

