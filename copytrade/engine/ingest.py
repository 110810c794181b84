"""Read the venue's fill stream into the platform's books.

Every fill is booked exactly once (fills are deduplicated by id), in stream
order, with the stream cursor committed in the same transaction. A provider's
fill additionally becomes a ``ProviderFilled`` message in the outbox, carrying
the provider's position and equity *before* the fill, which is what sizing
needs (docs/domain.md, Copying: usage = fill notional / equity before the fill).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.orders import BookingTerms
from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.venues.port import Venue
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.orders import OrderStatus
from copytrade.domain.trades import Trade
from copytrade.domain.values import ONE, ZERO
from copytrade.engine.bookkeeping import BookKeeper
from copytrade.engine.messages import PROVIDER_FILLED, ProviderFilled
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.engine.valuation import value_book

STREAM = "venue-fills"


class FillIngestor:
    def __init__(
        self,
        venue: Venue,
        uow_factory: Callable[[], PipelineUnitOfWork],
        bookkeeper: BookKeeper,
        providers: Callable[[PipelineUnitOfWork], Collection[str]],
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        batch_size: int = 2000,
        on_provider_trades: Callable[[list[Trade]], None] | None = None,
    ) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._bookkeeper = bookkeeper
        self._providers = providers
        self._prices = prices
        self._now = now
        self._batch_size = batch_size
        # Provider trades closed in the open transaction, announced once it commits.
        self._on_provider_trades = on_provider_trades
        self._closed: list[Trade] = []
        # The stream's cursor as this reader last committed or saw it: the stored one is never
        # behind it (a cursor only grows), so nothing after it means nothing to book, and
        # an idle pump reads only the venue. Checked against the stored one before booking.
        self._cursor: int | None = None

    def pump(self) -> int:
        """Book every fill the stream has; returns how many fills were read (those the
        venue left out as booked by this process not counted: nothing is left to do).

        The venue is read outside our transaction: on SQLite our write lock
        would otherwise block the venue's own connection. It is read from the cursor
        this reader last knew (docs/engine.md, "Idle pumps").
        """
        total = 0
        while True:
            cursor = self._cursor
            if cursor is None:
                with self._uow_factory() as uow:
                    cursor = uow.cursors.get(STREAM)
            # The executor booked its copies' fills from the venue's answers: the venue
            # leaves them out, and the cursor moves past them (docs/engine.md "The lean path").
            skip = self._bookkeeper.booked_here if self._bookkeeper.remembers_any else None
            fills, next_cursor = self._venue.fills_since(cursor, self._batch_size, skip)
            if next_cursor == cursor:
                return total
            with self._uow_factory() as uow:
                if (stored := uow.cursors.locked(STREAM)) != cursor:
                    # Another reader got there first; read again from its cursor.
                    self._cursor = stored
                    continue
                self._closed = []
                resting = self._book(uow, fills)
                uow.cursors.set(STREAM, next_cursor)
                uow.commit()
            self._cursor = next_cursor
            self.announce_closed()
            self._refresh(resting)
            total += len(fills)
            if next_cursor - cursor < self._batch_size:
                # Fewer rows than asked for: the stream was read to its end (the cursor grows
                # by at least one a row, docs/venues.md "Fill stream"), so reading it again
                # finds nothing; every caller pumps again while anything moved.
                return total

    def _refresh(self, orders: list[tuple[str, ClientOrderId]]) -> None:
        """Resting limit orders filled by a later price: take the venue's word for them."""
        answers = [a for book, cid in orders if (a := self._venue.get_order(book, cid))]
        if answers:
            with self._uow_factory() as uow:
                uow.orders.record_venue_results(answers, self._now())
                uow.commit()

    def _book(self, uow: PipelineUnitOfWork, fills: list[Fill]) -> list[tuple[str, ClientOrderId]]:
        providers = self._providers(uow)
        liquidations = [f for f in fills if f.liquidity is Liquidity.LIQUIDATION]
        if liquidations:  # the venue's own orders: recorded as they come (docs/venues.md)
            uow.orders.add_liquidations(liquidations, self._now())
        pending: list[Fill] = []
        resting: list[tuple[str, ClientOrderId]] = []
        for fill in fills:
            if str(fill.account) not in providers:
                pending.append(fill)
                continue
            self._flush(uow, pending)
            pending = []
            booked, may_rest = self._book_provider_fill(uow, fill)
            if booked and may_rest and fill.client_order_id is not None:
                resting.append((str(fill.account), fill.client_order_id))
        self._flush(uow, pending)
        return resting

    def _flush(self, uow: PipelineUnitOfWork, fills: list[Fill]) -> None:
        if fills:
            terms = uow.orders.booking_terms([str(f.client_order_id) for f in fills])
            self._bookkeeper.record(uow, fills, terms, self._now())

    def book_provider_fills(self, uow: PipelineUnitOfWork, fills: Sequence[Fill]) -> int:
        """Book fills a provider made on its own exchange account (read by the provider
        watcher, not from the venue's stream) inside ``uow``, each once by fill id, each
        announced as a ``ProviderFilled``; how many were new. After the commit, call
        ``announce_closed`` (docs/venues.md, "Watching a provider's account")."""
        self._closed = []
        return sum(self._book_provider_fill(uow, fill)[0] for fill in fills)

    def announce_closed(self) -> None:
        """Tell the listener of the provider trades the last committed booking closed."""
        closed, self._closed = self._closed, []
        if closed and self._on_provider_trades is not None:
            self._on_provider_trades(closed)

    def _book_provider_fill(self, uow: PipelineUnitOfWork, fill: Fill) -> tuple[bool, bool]:
        """Book one provider fill and announce it: (booked now, its order may still rest)."""
        book = str(fill.account)
        held, equity = provider_before(uow, book, fill.symbol, self._prices())
        order = uow.orders.get(str(fill.client_order_id)) if fill.client_order_id else None
        leverage = order.leverage if order is not None else ONE
        mode = MarginMode.parse(order.margin_mode) if order is not None else MarginMode.ISOLATED
        booked = self._bookkeeper.record(
            uow, [fill], {str(fill.client_order_id): BookingTerms(leverage, mode)}, self._now()
        )
        if not booked.changes:
            return False, False  # booked before (a re-read): already announced
        # The provider's trade tallies, which a full stats refresh reads, move with it.
        uow.trade_tallies.add_trades(booked.trades)
        self._closed.extend(booked.trades)
        event = ProviderFilled(
            provider=ProviderId(book),
            fill=fill,
            order_qty=order.qty if order is not None else fill.qty,
            position_before=held,
            equity_before=equity,
            leverage=leverage,
        )
        uow.outbox.add(PROVIDER_FILLED, event.message_id, event.to_payload(), self._now())
        return True, order is not None and order.status != OrderStatus.FILLED.value


def provider_before(
    uow: PipelineUnitOfWork, book: str, symbol: str, prices: Mapping[str, Decimal]
) -> tuple[Decimal, Decimal]:
    """A provider's signed position in ``symbol`` and its equity (cash plus positions
    marked), as they stand before its next fill: what sizing its copies needs."""
    positions = uow.positions.for_books([book])
    held = positions.get((book, symbol))
    equity = provider_equity(uow, book, positions, prices)
    return (held.position.qty if held is not None else ZERO), equity


def provider_equity(
    uow: PipelineUnitOfWork,
    book: str,
    positions: Mapping[tuple[str, str], StoredPosition],
    prices: Mapping[str, Decimal],
) -> Decimal:
    """A provider's equity: its free cash plus its ``positions`` marked at ``prices``."""
    cash = uow.ledger.balances_of([LedgerAccount.follower_free(book)])
    return value_book(
        cash.get(LedgerAccount.follower_free(book).key, ZERO),
        (p.position for p in positions.values()),
        prices,
    ).equity
