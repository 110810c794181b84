"""The ingestor skips, without a query, the fills this process booked and committed:
the venue's stream leaves them out (docs/engine.md "The lean path")."""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.bookkeeping import BookedFills, BookKeeper

from ..domain.fills_factory import PERP, fill


def _keeper() -> BookKeeper:
    return BookKeeper(
        {PERP.symbol: PERP}, lambda _uow, book: LedgerAccount.allocation_cash(book), "paper"
    )


def test_only_committed_fills_are_skipped_and_each_only_once() -> None:
    keeper = _keeper()
    booked, other = fill("buy", "0.01", "50000"), fill("buy", "0.01", "50000")
    assert not keeper.remembers_any
    assert not keeper.booked_here(str(booked.fill_id))

    keeper.committed(BookedFills(fills=[booked]))
    assert keeper.remembers_any
    assert not keeper.booked_here(str(other.fill_id))
    assert keeper.booked_here(str(booked.fill_id))
    # The stream shows a fill once: seen, it is forgotten (a re-read then queries).
    assert not keeper.booked_here(str(booked.fill_id))
    assert not keeper.remembers_any


def test_nothing_booked_keeps_every_fill() -> None:
    keeper = _keeper()
    keeper.committed(BookedFills(commissions=[("r1", Decimal(1))]))
    assert not keeper.remembers_any
