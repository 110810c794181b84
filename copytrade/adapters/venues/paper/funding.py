"""The paper venue's funding (docs/domain.md "Funding"): every open position of a
perpetual pays or receives −rate × signed qty × mark at a funding time.

Once per (symbol, funding time): the payments are stored (``paper_funding``) and a
repeated call returns them unchanged. A payer pays at most its cash (the ledger books
the rest to the insurance fund). The cash moved is realized PnL of the position. A
cross book that paid may then be at its maintenance margin: liquidation runs after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import PaperFundingRow
from copytrade.adapters.venues.paper import liquidation, matching, store
from copytrade.adapters.venues.port import FundingPayment
from copytrade.domain.instruments import Instrument
from copytrade.domain.margin import funding_payment
from copytrade.domain.values import ZERO

_TABLE = cast(Table, PaperFundingRow.__table__)
_COLUMNS = ("key", "account", "symbol", "currency", "rate", "mark", "qty", "owed", "amount", "ts")


def funding_key(symbol: str, ts: datetime, account: str) -> str:
    return f"funding:{symbol}:{ts.isoformat()}:{account}"


def apply(
    session: Session,
    instruments: Mapping[str, Instrument],
    symbol: str,
    rate: Decimal,
    ts: datetime,
) -> list[FundingPayment]:
    """Pay the funding of ``symbol`` at ``ts`` (or return what was paid then)."""
    paid = _paid(session, symbol, ts)
    if paid:
        return paid
    prices = store.load_prices(session)
    mark = prices.get(symbol)
    if mark is None:
        return []
    books = store.load_books(session, store.holders_of(session, symbol), instruments)
    payments: list[FundingPayment] = []
    for account in sorted(books):
        book = books[account]
        position = book.positions.get(symbol)
        if position is None or position.is_flat:
            continue
        owed = funding_payment(position, rate, mark)
        if not owed:
            continue
        currency = position.instrument.quote.code
        amount = owed if owed > ZERO else -min(-owed, max(ZERO, book.cash.get(currency, ZERO)))
        book.add_cash(currency, amount)
        position.apply_funding(amount)
        book.changed_positions.add(symbol)
        key = funding_key(symbol, ts, account)
        payment = FundingPayment(
            key, account, symbol, currency, rate, mark, position.qty, owed, amount, ts
        )
        payments.append(payment)
    if payments:
        session.execute(insert(_TABLE), [_values(p) for p in payments])
    work = matching.WorkingSet(instruments, prices, books, {})
    liquidation.liquidate(work, ts)
    store.save(session, work)
    return payments


def _values(payment: FundingPayment) -> dict[str, object]:
    return {name: getattr(payment, name) for name in _COLUMNS}


def _paid(session: Session, symbol: str, ts: datetime) -> list[FundingPayment]:
    query = (
        select(*(_TABLE.c[name] for name in _COLUMNS))
        .where(_TABLE.c.symbol == symbol, _TABLE.c.ts == ts)
        .order_by(_TABLE.c.account)
    )
    return [FundingPayment(*row) for row in session.execute(query)]


__all__ = ["apply", "funding_key"]
