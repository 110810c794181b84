"""What a paper account holds, as the venue reports it: free cash and open positions.

One definition serves ``PaperVenue.balances`` / ``positions`` (one account) and
``PaperVenue.holdings`` (every account at once, for reconciliation).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import PaperBalanceRow, PaperPositionRow
from copytrade.adapters.venues.paper import store
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.rules import locked_margin
from copytrade.adapters.venues.port import AccountHoldings, VenuePosition
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ZERO


def balances(book: AccountBook) -> dict[str, Decimal]:
    result = dict(book.cash)
    for position in book.positions.values():
        if position.instrument.is_spot and position.qty:
            base = position.instrument.base
            result[base] = result.get(base, ZERO) + position.qty
    return result


def in_orders(book: AccountBook) -> dict[str, Decimal]:
    """What resting orders keep in orders, per quote currency and per spot base asset
    (docs/venues.md "Funds in orders"); only what is not zero."""
    result: dict[str, Decimal] = {c: v for c, v in book.held.items() if v}
    for symbol, qty in book.held_base.items():
        instrument = book.positions[symbol].instrument if symbol in book.positions else None
        if qty and instrument is not None:
            result[instrument.base] = result.get(instrument.base, ZERO) + qty
    return result


def positions(book: AccountBook) -> list[VenuePosition]:
    return [
        VenuePosition(
            account=str(book.account),
            symbol=symbol,
            qty=p.qty,
            avg_entry_price=p.avg_entry_price,
            leverage=p.leverage,
            margin=locked_margin(p),
            realized_pnl=p.realized_pnl,
            fees_paid=p.fees_paid,
        )
        for symbol, p in sorted(book.positions.items())
        if p.qty
    ]


def all_holdings(
    session: Session, instruments: Mapping[str, Instrument]
) -> dict[str, AccountHoldings]:
    """Every account that has a balance or a position row, read in ``session``."""
    accounts = session.scalars(
        union(select(PaperBalanceRow.account), select(PaperPositionRow.account))
    ).all()
    books = store.load_books(session, accounts, instruments)
    return {a: AccountHoldings(balances(b), positions(b)) for a, b in sorted(books.items())}
