"""The UTC day close: every book's equity marked at the day's last prices (docs/statistics.md).

Deposits and withdrawals were recorded as the day's flows when they happened,
so the daily series gives time-weighted returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal

from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.books import BookState
from copytrade.engine.unit_of_work import PipelineUnitOfWork


def close_day(
    uow: PipelineUnitOfWork,
    day: date,
    prices: Mapping[str, Decimal],
    provider_ids: Callable[[PipelineUnitOfWork], set[str]],
) -> int:
    """Record the closing equity of every provider and relationship book; returns how many."""
    providers = sorted(provider_ids(uow))
    rels = [r for r in uow.relationships.all() if r.state.mirrors_closes]
    books = {p: LedgerAccount.follower_free(p) for p in providers}
    books.update({rel.book: LedgerAccount.allocation_cash(rel.book) for rel in rels})
    cash = uow.ledger.balances_of(list(books.values()))
    states = {book: BookState(cash.get(account.key, Decimal(0))) for book, account in books.items()}
    for (book, symbol), stored in uow.positions.for_books(list(books)).items():
        states[book].positions[symbol] = stored
    uow.equity.record_closes(
        day, {book: state.value(prices).equity for book, state in states.items()}
    )
    return len(states)
