"""The ingestor skips, without a query, the fills this process booked and committed."""

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
    assert keeper.not_booked_here([booked, other]) == [booked, other]

    keeper.committed(BookedFills(fills=[booked]))
    assert keeper.not_booked_here([booked, other]) == [other]
    # The stream shows a fill once: seen, it is forgotten (a re-read then queries).
    assert keeper.not_booked_here([booked]) == [booked]


def test_nothing_booked_keeps_every_fill() -> None:
    keeper = _keeper()
    keeper.committed(BookedFills(commissions=[("r1", Decimal(1))]))
    f = fill("sell", "0.01", "50000")
    assert keeper.not_booked_here([f]) == [f]
