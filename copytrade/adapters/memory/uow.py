"""An in-memory unit of work implementing exactly the copy pipeline's port
(docs/engine.md, "The unit of work port"; mypy checks it against the port in the
composition root, ``copytrade/bootstrap/platform.py``, since adapters never import the
pipeline). Part of the product so that the pipeline's
unit tests and any in-memory use share one implementation (docs/whatif.md, "Speed").

``MemoryStore`` holds the committed state in plain dicts and lists. A
``MemoryUnitOfWork`` writes it in place and keeps an undo log (undo.py): ``commit``
forgets the log, leaving the ``with`` block without a commit takes the writes
back, so opening one costs nothing however much is stored. One opened while
another is open works on a copy of the committed state instead (the state with the
open one's writes taken back on the copy), so a change is visible to the next unit
of work only once committed, as with the SQL one; it may commit only while the
other has written nothing (one writer at a time, as SQLite's ``BEGIN IMMEDIATE``).
Values are stored immutable (positions as their ``PositionState``) and rebuilt on
every read, so nothing read in one unit of work aliases another's.

The ledger is the domain's ``InMemoryLedger``: the same posting rules as the SQL
ledger, so balances and "every currency sums to zero" hold here as there.
Unique keys the schema enforces (outbox message ids, client order ids, one
decision per fill, relationship and leg) raise ``DuplicateKeyError`` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import TracebackType
from typing import Self

from copytrade.domain.copying import CopyRelationship
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import LedgerAccount, Transfer
from copytrade.domain.positions import Position

from .books import MemoryLedger, MemoryPositions, MemoryRelationships
from .orders import MemoryDecisions, MemoryFills, MemoryOrders
from .records import (
    MemoryAccounts,
    MemoryCursors,
    MemoryEquity,
    MemoryFees,
    MemoryOutbox,
    MemoryProcessed,
    MemoryTrades,
    MemoryTradeTallies,
)
from .state import MemoryState, MemoryStoreError, NotOpenError, restore
from .undo import UndoLog, undo


class MemoryStore:
    """The committed state, and a factory of units of work over it."""

    def __init__(self, instruments: Mapping[str, Instrument]) -> None:
        self.instruments = instruments
        self.state = MemoryState()
        self.commits = 0
        self.writer: UndoLog | None = None  # the unit of work writing in place, if open

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    # --- seeding and reading the committed state, outside the port --------------------

    def add_relationship(self, rel: CopyRelationship) -> None:
        self.state.relationships[str(rel.id)] = rel

    def post(self, transfer: Transfer) -> None:
        self.state.ledger.post(transfer)

    def balance(self, account: LedgerAccount) -> Decimal:
        return self.state.ledger.balance(account)

    def positions(self) -> dict[tuple[str, str], Position]:
        """The committed positions, rebuilt (for assertions)."""
        return {
            key: restore(self.instruments, key, state)
            for key, (state, _) in self.state.positions.items()
        }


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._log: UndoLog | None = None

    def __enter__(self) -> Self:
        if self._log is not None:
            raise NotOpenError("this unit of work is already open; make a new one")
        store = self._store
        if store.writer is None:
            log = store.writer = UndoLog(store.state)
        else:  # inside another one: a copy of what is committed
            state = store.state.copy()
            undo(store.writer.entries, state)
            log = UndoLog(state)
        self._log = log
        instruments = store.instruments
        self.processed = MemoryProcessed(log)
        self.outbox = MemoryOutbox(log)
        self.ledger = MemoryLedger(log)
        self.positions = MemoryPositions(log, instruments)
        self.relationships = MemoryRelationships(log, instruments)
        self.orders = MemoryOrders(log)
        self.fills = MemoryFills(log)
        self.decisions = MemoryDecisions(log)
        self.trades = MemoryTrades(log)
        self.trade_tallies = MemoryTradeTallies(log)
        self.fees = MemoryFees(log)
        self.cursors = MemoryCursors(log)
        self.accounts = MemoryAccounts(log)
        self.equity = MemoryEquity(log)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        log, self._log = self._log, None
        if log is not None and log is self._store.writer:
            log.take_back()  # whatever was not committed is gone
            self._store.writer = None

    def commit(self) -> None:
        log, store = self._log, self._store
        if log is None:
            raise NotOpenError("the unit of work is not open: use it in a `with` block")
        if log is not store.writer:
            if store.writer is not None and store.writer.entries:
                raise MemoryStoreError("two units of work wrote at once: commit the open one first")
            _copy_into(store.state, log.state)  # in place: the open one reads it
            _copy_into(log.state, store.state.copy())  # this one's own copy again
        log.entries.clear()
        store.commits += 1


def _copy_into(target: MemoryState, source: MemoryState) -> None:
    for name in MemoryState.__slots__:
        setattr(target, name, getattr(source, name))
