"""The state of many relationship books at once, loaded in a few queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import ZERO
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.engine.valuation import BookValue, value_book


@dataclass(slots=True)
class BookState:
    """One relationship's allocation: quote cash and positions by symbol."""

    cash: Decimal
    positions: dict[str, StoredPosition] = field(default_factory=dict)

    def value(self, prices: Mapping[str, Decimal]) -> BookValue:
        return value_book(self.cash, (p.position for p in self.positions.values()), prices)

    def open_positions(self) -> list[StoredPosition]:
        return [p for p in self.positions.values() if not p.position.is_flat]

    def holding(self, symbol: str) -> Decimal:
        stored = self.positions.get(symbol)
        return stored.position.qty if stored is not None else ZERO


def load_books(uow: PipelineUnitOfWork, rels: Sequence[CopyRelationship]) -> dict[str, BookState]:
    """Cash and positions of every relationship's book, keyed by relationship id."""
    return load_book_states(uow, [rel.book for rel in rels])


def load_book_states(uow: PipelineUnitOfWork, books: Sequence[str]) -> dict[str, BookState]:
    """Cash and positions of these books (relationship ids), keyed by book."""
    accounts = [LedgerAccount.allocation_cash(book) for book in books]
    cash = uow.ledger.balances_of(accounts)
    states = {
        book: BookState(cash.get(account.key, ZERO))
        for book, account in zip(books, accounts, strict=True)
    }
    for (book, symbol), stored in uow.positions.for_books(books).items():
        states[book].positions[symbol] = stored
    return states
