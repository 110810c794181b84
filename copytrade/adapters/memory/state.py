"""The in-memory unit of work's state: the committed tables, written in place through
an undo log (undo.py).

See uow.py for how the fake keeps commit-or-nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.orders import StoredOrder
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import InMemoryLedger
from copytrade.domain.order_events import Fill
from copytrade.domain.positions import Position, PositionState
from copytrade.domain.trades import Trade


class MemoryStoreError(Exception):
    """A misuse of the in-memory unit of work (the base of its errors)."""


class DuplicateKeyError(MemoryStoreError):
    """A second row under a key the schema keeps unique."""


class NotOpenError(MemoryStoreError):
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
    # Indexes, so that no write scans a table: message id -> outbox id; the undelivered
    # ids; the (fill, relationship, leg) key of every decision; a decision's place by the
    # client order id it placed.
    outbox_ids: dict[str, int] = field(default_factory=dict)
    undelivered: set[int] = field(default_factory=set)
    decision_keys: set[tuple[str, str, str]] = field(default_factory=set)
    decision_of_order: dict[str, int] = field(default_factory=dict)
    ledger: InMemoryLedger = field(default_factory=InMemoryLedger)
    # (book, symbol) -> (state, detached)
    positions: dict[tuple[str, str], tuple[PositionState, bool]] = field(default_factory=dict)
    liquidated: set[tuple[str, str]] = field(default_factory=set)  # flat copies kept, flagged
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
            outbox_ids=dict(self.outbox_ids),
            undelivered=set(self.undelivered),
            decision_keys=set(self.decision_keys),
            decision_of_order=dict(self.decision_of_order),
            ledger=copy.deepcopy(self.ledger),
            positions=dict(self.positions),
            liquidated=set(self.liquidated),
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


def restore(
    instruments: Mapping[str, Instrument], key: tuple[str, str], state: PositionState
) -> Position:
    book, symbol = key
    return Position.restore(AccountId(book), instruments[symbol], state)
