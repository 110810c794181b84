"""An in-memory unit of work implementing exactly the copy pipeline's port.

``MemoryStore`` holds the committed state in plain dicts and lists; each
``MemoryUnitOfWork`` works on its own copy of it (copy-on-open), and ``commit``
makes that copy the committed state. Leaving the ``with`` block without a
commit discards the copy, so a change is visible to the next unit of work only
once committed, as with the SQL one. Values are stored immutable (positions as
their ``PositionState``) and rebuilt on every read, so nothing read in one unit
of work aliases another's.

The ledger is the domain's ``InMemoryLedger``: the same posting rules as the SQL
ledger, so balances and "every currency sums to zero" hold here as there.
Unique keys the schema enforces (outbox message ids, client order ids, one
decision per fill, relationship and leg) raise ``DuplicateKeyError`` here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.orders import OrderIntent, StoredOrder
from copytrade.adapters.db.repositories.outbox import OutboxMessage
from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.copying import CopyRelationship, RelationshipStatus
from copytrade.domain.copying.exposure import Exposure, HeldPosition
from copytrade.domain.copying.plan import CopyOrder, PlannedDecision
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import InMemoryLedger, LedgerAccount, Transfer
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import OrderStatus
from copytrade.domain.positions import Position, PositionState
from copytrade.domain.trades import Trade
from copytrade.domain.values import ZERO
from copytrade.engine.unit_of_work import PipelineUnitOfWork


class DuplicateKeyError(Exception):
    """A second row under a key the schema keeps unique."""


class NotOpenError(Exception):
    """The unit of work was used outside its ``with`` block."""


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: int
    message_id: str
    topic: str
    payload: Mapping[str, Any]
    delivered_at: datetime | None = None
    attempts: int = 0


@dataclass(slots=True)
class MemoryState:
    """Everything the pipeline stores, as plain values."""

    processed: set[tuple[str, str]] = field(default_factory=set)
    outbox: list[OutboxEntry] = field(default_factory=list)
    ledger: InMemoryLedger = field(default_factory=InMemoryLedger)
    # (book, symbol) -> (state, detached)
    positions: dict[tuple[str, str], tuple[PositionState, bool]] = field(default_factory=dict)
    relationships: dict[str, CopyRelationship] = field(default_factory=dict)
    orders: dict[str, StoredOrder] = field(default_factory=dict)
    fills: dict[tuple[str, str], Fill] = field(default_factory=dict)
    decisions: list[DecisionRecord] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    tallied: list[Trade] = field(default_factory=list)
    cursors: dict[str, int] = field(default_factory=dict)
    providers: set[str] = field(default_factory=set)
    commission_books: set[str] = field(default_factory=set)
    equity: dict[tuple[str, date], Decimal] = field(default_factory=dict)

    def copy(self) -> MemoryState:
        """A copy a unit of work may change freely (the stored values are immutable;
        only the ledger holds mutable state of its own)."""
        return MemoryState(
            processed=set(self.processed),
            outbox=list(self.outbox),
            ledger=copy.deepcopy(self.ledger),
            positions=dict(self.positions),
            relationships=dict(self.relationships),
            orders=dict(self.orders),
            fills=dict(self.fills),
            decisions=list(self.decisions),
            trades=list(self.trades),
            tallied=list(self.tallied),
            cursors=dict(self.cursors),
            providers=set(self.providers),
            commission_books=set(self.commission_books),
            equity=dict(self.equity),
        )


class MemoryStore:
    """The committed state, and a factory of units of work over it."""

    def __init__(self, instruments: Mapping[str, Instrument]) -> None:
        self.instruments = instruments
        self.state = MemoryState()
        self.commits = 0

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    # --- for tests: seeding and reading the committed state, outside the port --------

    def add_relationship(self, rel: CopyRelationship) -> None:
        self.state.relationships[str(rel.id)] = rel

    def post(self, transfer: Transfer) -> None:
        self.state.ledger.post(transfer)

    def balance(self, account: LedgerAccount) -> Decimal:
        return self.state.ledger.balance(account)

    def positions(self) -> dict[tuple[str, str], Position]:
        """The committed positions, rebuilt (for assertions)."""
        return {
            key: _restore(self.instruments, key, state)
            for key, (state, _) in self.state.positions.items()
        }


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._state: MemoryState | None = None

    def __enter__(self) -> Self:
        if self._state is not None:
            raise NotOpenError("this unit of work is already open; make a new one")
        state = self._state = self._store.state.copy()
        instruments = self._store.instruments
        self.processed = MemoryProcessed(state)
        self.outbox = MemoryOutbox(state)
        self.ledger = MemoryLedger(state)
        self.positions = MemoryPositions(state, instruments)
        self.relationships = MemoryRelationships(state, instruments)
        self.orders = MemoryOrders(state)
        self.fills = MemoryFills(state)
        self.decisions = MemoryDecisions(state)
        self.trades = MemoryTrades(state)
        self.trade_tallies = MemoryTradeTallies(state)
        self.fees = MemoryFees(state)
        self.cursors = MemoryCursors(state)
        self.accounts = MemoryAccounts(state)
        self.equity = MemoryEquity(state)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._state = None  # whatever was not committed is gone

    def commit(self) -> None:
        if self._state is None:
            raise NotOpenError("the unit of work is not open: use it in a `with` block")
        self._store.state = self._state.copy()
        self._store.commits += 1


class MemoryProcessed:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def first_time(self, consumer: str, message_id: str, now: datetime) -> bool:
        key = (consumer, message_id)
        if key in self._state.processed:
            return False
        self._state.processed.add(key)
        return True


class MemoryOutbox:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add(self, topic: str, message_id: str, payload: Mapping[str, Any], now: datetime) -> None:
        self.add_many(topic, [(message_id, payload)], now)

    def add_many(
        self, topic: str, messages: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
    ) -> None:
        outbox = self._state.outbox
        taken = {entry.message_id for entry in outbox}
        for message_id, payload in messages:
            if message_id in taken:
                raise DuplicateKeyError(f"outbox message {message_id!r} exists")
            taken.add(message_id)
            # Stored as JSON text, as the SQL outbox does: what a consumer reads back.
            stored = json.loads(json.dumps(payload, sort_keys=True, default=str))
            outbox.append(OutboxEntry(len(outbox) + 1, message_id, topic, stored))

    def pending(self, limit: int, topics: Collection[str] | None = None) -> list[OutboxMessage]:
        found = [
            OutboxMessage(e.id, e.message_id, e.topic, e.payload)
            for e in self._state.outbox
            if e.delivered_at is None and (topics is None or e.topic in topics)
        ]
        return found[:limit]

    def mark_delivered(self, ids: Sequence[int], now: datetime) -> None:
        self._update(lambda e: e.id in ids, lambda e: replace(e, delivered_at=now))

    def mark_delivered_by_message_id(self, message_id: str, now: datetime) -> None:
        self._update(
            lambda e: e.message_id == message_id and e.delivered_at is None,
            lambda e: replace(e, delivered_at=now),
        )

    def record_attempt(self, ids: Sequence[int]) -> None:
        self._update(lambda e: e.id in ids, lambda e: replace(e, attempts=e.attempts + 1))

    def _update(self, which: Any, change: Any) -> None:
        self._state.outbox = [change(e) if which(e) else e for e in self._state.outbox]


class MemoryLedger:
    """The domain's in-memory ledger behind the pipeline's ledger port."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def balances_of(self, accounts: Sequence[LedgerAccount]) -> dict[str, Decimal]:
        ledger = self._state.ledger
        return {account.key: ledger.balance(account) for account in accounts}

    def post_all(self, transfers: Iterable[Transfer]) -> list[Transfer]:
        """Each posted with the domain's rules; a refusal raises, and the unit of work
        (left uncommitted) discards the transfers posted before it."""
        return [self._state.ledger.post(t).transfer for t in transfers]


def _restore(
    instruments: Mapping[str, Instrument], key: tuple[str, str], state: PositionState
) -> Position:
    book, symbol = key
    return Position.restore(AccountId(book), instruments[symbol], state)


class MemoryPositions:
    def __init__(self, state: MemoryState, instruments: Mapping[str, Instrument]) -> None:
        self._state = state
        self._instruments = instruments

    def for_books(self, books: Sequence[str]) -> dict[tuple[str, str], StoredPosition]:
        wanted = set(books)
        return {
            key: StoredPosition(_restore(self._instruments, key, state), True, detached)
            for key, (state, detached) in sorted(self._state.positions.items())
            if key[0] in wanted
        }

    def save_many(self, positions: Iterable[StoredPosition]) -> None:
        """As the SQL repository: flat positions are deleted unless detached."""
        for item in positions:
            key = (str(item.position.account), item.position.instrument.symbol)
            if item.position.is_flat and not item.detached:
                self._state.positions.pop(key, None)
                item.stored = False
                continue
            self._state.positions[key] = (item.position.state(), item.detached)
            item.stored = True


class MemoryRelationships:
    def __init__(self, state: MemoryState, instruments: Mapping[str, Instrument]) -> None:
        self._state = state
        self._instruments = instruments

    def get(self, rel_id: str, for_update: bool = False) -> CopyRelationship:
        """``for_update`` locks nothing: the fake serves one thread, so each unit of work
        already reads the state as the last commit left it."""
        found = self._state.relationships.get(rel_id)
        if found is None:
            raise UnknownRelationshipError(f"no copy relationship {rel_id!r}")
        return found

    def save(self, rel: CopyRelationship, now: datetime) -> None:
        self.get(str(rel.id))
        self._state.relationships[str(rel.id)] = rel

    def for_provider(
        self, provider: str, statuses: Sequence[RelationshipStatus] | None = None
    ) -> list[CopyRelationship]:
        return [
            rel
            for _, rel in sorted(self._state.relationships.items())
            if str(rel.provider) == provider and (statuses is None or rel.state.status in statuses)
        ]

    def all(self) -> list[CopyRelationship]:
        return [rel for _, rel in sorted(self._state.relationships.items())]

    def exposures(self, symbols: Collection[str] | None = None) -> list[Exposure]:
        """As the SQL query: copying relationships holding a position (in ``symbols``)."""
        held: dict[str, list[HeldPosition]] = {}
        for (book, symbol), (state, _) in sorted(self._state.positions.items()):
            held.setdefault(book, []).append(
                HeldPosition(symbol, state.qty, state.entry_cost, state.leverage)
            )
        found = []
        for rel in self.all():
            positions = held.get(rel.book, [])
            if rel.state.status is RelationshipStatus.STOPPED or not positions:
                continue
            if symbols is not None and not any(p.symbol in symbols for p in positions):
                continue
            cash = self._state.ledger.balance(LedgerAccount.allocation_cash(rel.book))
            found.append(
                Exposure(
                    relationship_id=str(rel.id),
                    net_allocated=rel.net_allocated,
                    max_loss_pct=rel.settings.max_loss_pct,
                    cash=cash,
                    positions=tuple(positions),
                )
            )
        return found


def _new_order(intent: OrderIntent) -> StoredOrder:
    return StoredOrder(
        client_order_id=intent.client_order_id,
        book=intent.book,
        symbol=intent.symbol,
        side=intent.side,
        type=intent.type,
        qty=intent.qty,
        limit_price=intent.limit_price,
        leverage=intent.leverage,
        reduce_only=intent.reduce_only,
        status=OrderStatus.NEW.value,
        filled_qty=ZERO,
        avg_fill_price=None,
        fees=ZERO,
        reason=None,
        relationship_id=intent.relationship_id,
        provider_id=intent.provider_id,
        copy_of=intent.copy_of,
        created_at=intent.created_at,
    )


class MemoryOrders:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_intents(self, intents: Sequence[OrderIntent]) -> None:
        for intent in intents:
            if intent.client_order_id in self._state.orders:
                raise DuplicateKeyError(f"order {intent.client_order_id} exists")
            self._state.orders[intent.client_order_id] = _new_order(intent)

    def add_copy_orders(self, orders: Sequence[CopyOrder]) -> None:
        self.add_intents(
            [
                OrderIntent(
                    client_order_id=str(o.client_order_id),
                    book=str(o.book),
                    symbol=o.symbol,
                    side=o.side.value,
                    type=o.type.value,
                    qty=o.qty,
                    leverage=o.leverage,
                    created_at=o.created_at,
                    reduce_only=o.reduce_only,
                    relationship_id=str(o.relationship_id),
                    provider_id=str(o.provider_id),
                    copy_of=str(o.copy_of),
                )
                for o in orders
            ]
        )

    def record_venue_results(self, results: Sequence[VenueOrder], now: datetime) -> None:
        orders = self._state.orders
        for r in results:
            key = str(r.client_order_id)
            if key in orders:  # an update by key, as in SQL: unknown ids change nothing
                orders[key] = replace(
                    orders[key],
                    status=r.status.value,
                    filled_qty=r.filled_qty,
                    avg_fill_price=r.avg_fill_price,
                    fees=r.fees,
                    reason=r.reject_reason.value if r.reject_reason else r.reason,
                )

    def get(self, client_order_id: str) -> StoredOrder | None:
        return self._state.orders.get(client_order_id)

    def leverages(self, client_order_ids: Sequence[str]) -> dict[str, Decimal]:
        orders = self._state.orders
        return {cid: orders[cid].leverage for cid in client_order_ids if cid in orders}

    def unconfirmed(self) -> list[StoredOrder]:
        new = [o for o in self._state.orders.values() if o.status == OrderStatus.NEW.value]
        return sorted(new, key=lambda o: (o.created_at, o.client_order_id))


class MemoryFills:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_new(self, fills: Sequence[Fill], venue: str) -> list[Fill]:
        new = []
        for fill in fills:
            key = (venue, str(fill.fill_id))
            if key not in self._state.fills:
                self._state.fills[key] = fill
                new.append(fill)
        return new


class MemoryDecisions:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_planned(self, decisions: Sequence[PlannedDecision]) -> None:
        taken = {(d.provider_fill_id, d.relationship_id, d.leg) for d in self._state.decisions}
        for d in decisions:
            key = (str(d.provider_fill_id), str(d.relationship_id), d.leg.value)
            if key in taken:
                raise DuplicateKeyError(f"decision {key} exists")
            taken.add(key)
            self._state.decisions.append(
                DecisionRecord(
                    provider_fill_id=key[0],
                    relationship_id=key[1],
                    leg=key[2],
                    follower_id=str(d.follower_id),
                    provider_id=str(d.provider_id),
                    symbol=d.symbol,
                    action=d.decision.action.value,
                    reason=d.decision.reason.value if d.decision.reason else None,
                    qty=d.decision.qty,
                    notional=d.decision.notional,
                    price=d.decision.price,
                    client_order_id=str(d.client_order_id) if d.client_order_id else None,
                    created_at=d.created_at,
                )
            )

    def mark_rejected(self, reasons: dict[str, str | None]) -> None:
        self._state.decisions = [
            replace(d, action="skipped", reason=f"venue:{reasons[d.client_order_id]}")
            if d.client_order_id in reasons
            else d
            for d in self._state.decisions
        ]


class MemoryTrades:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_many(self, trades: Sequence[Trade]) -> None:
        self._state.trades.extend(trades)


class MemoryTradeTallies:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def add_trades(self, trades: Sequence[Trade]) -> None:
        self._state.tallied.extend(trades)


class MemoryFees:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def commission_books(self, books: Sequence[str]) -> set[str]:
        return set(books) & self._state.commission_books


class MemoryCursors:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def get(self, name: str) -> int:
        return self._state.cursors.get(name, 0)

    def set(self, name: str, position: int) -> None:
        self._state.cursors[name] = position


class MemoryAccounts:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def provider_ids(self) -> set[str]:
        return set(self._state.providers)


class MemoryEquity:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def record_close(self, book: str, day: date, equity: Decimal) -> None:
        self._state.equity[(book, day)] = equity


# mypy checks here that the fake satisfies the pipeline's port (tests/fakes are type-checked
# with `mypy tests/fakes`).
PIPELINE_UNIT_OF_WORK: type[PipelineUnitOfWork] = MemoryUnitOfWork
