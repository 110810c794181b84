"""An in-memory unit of work implementing exactly the copy pipeline's port
(docs/engine.md, "The unit of work port"; mypy checks it against the port in the
composition root, ``copytrade/bootstrap/platform.py``, since adapters never import the
pipeline). Part of the product so that the pipeline's
unit tests and any in-memory use share one implementation (docs/whatif.md, "Speed").

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
from .state import MemoryState, NotOpenError, restore


class MemoryStore:
    """The committed state, and a factory of units of work over it."""

    def __init__(self, instruments: Mapping[str, Instrument]) -> None:
        self.instruments = instruments
        self.state = MemoryState()
        self.commits = 0

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
