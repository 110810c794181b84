"""The unit of work the copy pipeline needs: its port (docs/engine.md, "The unit of work port").

The pipeline (ingest, fan-out, plan, execute, book, the outbox relay, the day
close) opens a unit of work, reads and writes through the repositories below,
and commits once; leaving the ``with`` block without ``commit()`` discards
everything. Each repository is its own small protocol listing only what the
pipeline calls, so two implementations satisfy it: ``SqlUnitOfWork`` (the
database adapter) structurally, and the in-memory fake of the unit tests
(``copytrade/adapters/memory/uow.py``). The repositories are read-only properties
here, so an implementation may hold any subtype of them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol, Self

from copytrade.adapters.db.repositories.orders import BookingTerms, OrderIntent, StoredOrder
from copytrade.adapters.db.repositories.outbox import OutboxMessage
from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.copying import CopyRelationship, RelationshipStatus
from copytrade.domain.copying.exposure import Exposure
from copytrade.domain.copying.plan import CopyOrder, PlannedDecision
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.ledger import LedgerAccount, Transfer
from copytrade.domain.order_events import Fill
from copytrade.domain.trades import Trade


class ProcessedPort(Protocol):
    def first_time(self, consumer: str, message_id: str, now: datetime) -> bool:
        """Record the message; False when this consumer has processed it before."""
        ...


class OutboxPort(Protocol):
    def add(
        self, topic: str, message_id: str, payload: Mapping[str, Any], now: datetime
    ) -> None: ...

    def add_many(
        self, topic: str, messages: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
    ) -> None: ...

    def pending(self, limit: int, topics: Collection[str] | None = None) -> list[OutboxMessage]:
        """Undelivered messages in the order they were written."""
        ...

    def mark_delivered(self, ids: Sequence[int], now: datetime) -> None: ...

    def mark_delivered_by_message_id(self, message_id: str, now: datetime) -> None: ...

    def record_attempt(self, ids: Sequence[int]) -> None: ...


class LedgerPort(Protocol):
    def balances_of(self, accounts: Sequence[LedgerAccount]) -> Mapping[str, Decimal]:
        """Balances by account key (absent means zero)."""
        ...

    def post_all(self, transfers: Iterable[Transfer]) -> object:
        """Post in order with the domain's rules; a refusal raises (the pipeline only
        posts facts that already happened, venue fills)."""
        ...


class PositionsPort(Protocol):
    def for_books(self, books: Sequence[str]) -> dict[tuple[str, str], StoredPosition]:
        """Open (and detached) positions of many books by (book, symbol)."""
        ...

    def save_many(self, positions: Iterable[StoredPosition]) -> None: ...

    def clear_triggers(self, keys: Sequence[tuple[str, str]]) -> None:
        """Forget the trigger prices of these (book, symbol) positions (they flipped)."""
        ...


class RelationshipsPort(Protocol):
    def get(self, rel_id: str, for_update: bool = False) -> CopyRelationship:
        """The relationship; ``for_update`` holds it against concurrent writers until
        the unit of work ends."""
        ...

    def save(self, rel: CopyRelationship, now: datetime) -> None: ...

    def for_provider(
        self, provider: str, statuses: Sequence[RelationshipStatus] | None = None
    ) -> list[CopyRelationship]:
        """A provider's relationships (of these statuses) in id order."""
        ...

    def all(self) -> list[CopyRelationship]: ...

    def exposures(
        self,
        symbols: Collection[str] | None = None,
        mirrored: Mapping[tuple[str, str], PositionTriggers] | None = None,
    ) -> list[Exposure]:
        """What the max-loss sweep needs of the copying relationships holding ``symbols``;
        each position with ``mirrored[(provider, symbol)]`` set, where given."""
        ...

    def symbol_holdings(self, followers: Sequence[str], symbol: str) -> dict[str, Decimal]:
        """Each follower's quantity in ``symbol`` over its relationships not stopped."""
        ...


class OrdersPort(Protocol):
    def add_intents(self, intents: Sequence[OrderIntent]) -> None: ...

    def add_copy_orders(self, orders: Sequence[CopyOrder]) -> None: ...

    def record_venue_results(self, results: Sequence[VenueOrder], now: datetime) -> None: ...

    def get(self, client_order_id: str) -> StoredOrder | None: ...

    def awaiting_triggers(self, symbols: Collection[str]) -> list[tuple[str, str]]:
        """(book, client order id) of the orders on ``symbols`` whose trigger is still
        ``pending`` on our records, oldest first."""
        ...

    def booking_terms(self, client_order_ids: Sequence[str]) -> dict[str, BookingTerms]:
        """The leverage and margin mode each of these orders asked for."""
        ...

    def add_liquidations(self, fills: Sequence[Fill], now: datetime) -> None:
        """The orders of the venue's liquidation fills, stored ``filled`` under their
        client order ids (each once)."""
        ...

    def unconfirmed(self) -> list[StoredOrder]:
        """Intents whose venue answer was never recorded: the crash-recovery work list."""
        ...


class FillsPort(Protocol):
    def add_new(self, fills: Sequence[Fill], venue: str) -> list[Fill]:
        """Store the fills not seen before and return them."""
        ...


class DecisionsPort(Protocol):
    def add_planned(self, decisions: Sequence[PlannedDecision]) -> None: ...

    def mark_rejected(self, reasons: dict[str, str | None]) -> None:
        """A placed copy the venue refused becomes a skip with the venue's reason."""
        ...


class TradesPort(Protocol):
    def add_many(self, trades: Sequence[Trade]) -> None: ...


class TradeTalliesPort(Protocol):
    def add_trades(self, trades: Sequence[Trade]) -> None: ...


class FeesPort(Protocol):
    def commission_books(self, books: Sequence[str]) -> set[str]:
        """The books among ``books`` whose provider charges a per-copy commission."""
        ...


class CursorsPort(Protocol):
    def get(self, name: str) -> int: ...

    def locked(self, name: str) -> int:
        """The position, locked until the unit of work ends (several engines, one stream)."""
        ...

    def set(self, name: str, position: int) -> None: ...


class AccountsPort(Protocol):
    def provider_ids(self) -> set[str]: ...


class EquityPort(Protocol):
    def record_closes(self, day: date, closes: Mapping[str, Decimal]) -> None: ...


class PipelineUnitOfWork(Protocol):
    """One transaction: ``with`` opens it, ``commit`` makes it visible, leaving discards."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    @property
    def processed(self) -> ProcessedPort: ...

    @property
    def outbox(self) -> OutboxPort: ...

    @property
    def ledger(self) -> LedgerPort: ...

    @property
    def positions(self) -> PositionsPort: ...

    @property
    def relationships(self) -> RelationshipsPort: ...

    @property
    def orders(self) -> OrdersPort: ...

    @property
    def fills(self) -> FillsPort: ...

    @property
    def decisions(self) -> DecisionsPort: ...

    @property
    def trades(self) -> TradesPort: ...

    @property
    def trade_tallies(self) -> TradeTalliesPort: ...

    @property
    def fees(self) -> FeesPort: ...

    @property
    def cursors(self) -> CursorsPort: ...

    @property
    def accounts(self) -> AccountsPort: ...

    @property
    def equity(self) -> EquityPort: ...
