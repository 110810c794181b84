"""Keyed cash movements: a deposit or withdrawal the venue applies once per key.

An exchange's transfer endpoint takes a client transfer id for the same reason:
the platform's outbox relay delivers at least once, so a settlement debit may
arrive twice (once right after the commit, once from the relay after a crash);
the key makes the second a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import PaperCashMoveRow
from copytrade.adapters.venues.errors import InsufficientFundsError
from copytrade.adapters.venues.paper import store
from copytrade.adapters.venues.port import CashMove
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ZERO

_MOVES = cast(Table, PaperCashMoveRow.__table__)
_INSERT = BulkStatement(insert(_MOVES), ("key", "account", "currency", "amount", "created_at"))
_APPLIED = KeyedSelect(select(_MOVES.c.key).where(_MOVES.c.key.in_(keys_param())))


def apply_once(
    session: Session,
    moves: Sequence[CashMove],
    instruments: Mapping[str, Instrument],
    now: datetime,
) -> list[str]:
    """Apply the moves whose key is new, all or none; returns the keys applied now."""
    done = {key for (key,) in _APPLIED.rows(session, [m.key for m in moves])}
    fresh = [m for m in dict((m.key, m) for m in moves).values() if m.key not in done]
    if not fresh:
        return []
    books = store.load_books(session, {m.account for m in fresh}, instruments)
    prices = store.load_prices(session) if any(m.amount < ZERO for m in fresh) else {}
    for move in fresh:
        book = books[move.account]
        if move.amount < ZERO:
            free = book.free_cash(move.currency, prices)
            if -move.amount > free:
                raise InsufficientFundsError(
                    f"cannot withdraw {-move.amount} {move.currency} ({move.key}): "
                    f"free cash of {move.account} is {free}"
                )
        book.add_cash(move.currency, move.amount)
    store.save_books(session, books.values())
    rows = [
        {"key": m.key, "account": m.account, "currency": m.currency, "amount": m.amount}
        | {"created_at": now}
        for m in fresh
    ]
    _INSERT.execute(session, rows)
    return [m.key for m in fresh]
