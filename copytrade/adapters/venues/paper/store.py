"""Every query of the paper venue: load a working set, write back what changed.

Reads go by chunks of keys (``IN`` lists stay under SQLite's parameter limit);
writes are one driver executemany per table (writes.py), so a batch of
thousands of orders is a handful of statements in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, literal_column, select, text, union, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import (
    PaperBalanceRow,
    PaperFillRow,
    PaperOrderRow,
    PaperPositionRow,
    PaperPriceRow,
)
from copytrade.adapters.db.schema.paper import PaperTriggerRow
from copytrade.adapters.venues.order_terms import TriggerStatus
from copytrade.adapters.venues.paper import writes
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.matching import OrderKey, WorkingSet
from copytrade.adapters.venues.paper.rows import (
    fill_from_row,
    fill_values,
    order_from_row,
    order_values,
    position_state,
    position_values,
)
from copytrade.adapters.venues.paper.rules import resting_hold
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import OrderStatus
from copytrade.domain.positions import Position
from copytrade.domain.values import ZERO

_LOCK_KEY = 0x7061706572  # "paper": one advisory lock serialises the venue's writers
_RESTING = (OrderStatus.ACCEPTED.value, OrderStatus.PARTIALLY_FILLED.value)
_BALANCE_TABLE = cast(Table, PaperBalanceRow.__table__)
_POSITION_TABLE = cast(Table, PaperPositionRow.__table__)
_BALANCES_OF = KeyedSelect(
    select(_BALANCE_TABLE.c.account, _BALANCE_TABLE.c.currency, _BALANCE_TABLE.c.amount).where(
        _BALANCE_TABLE.c.account.in_(keys_param())
    )
)
_POSITIONS_OF = KeyedSelect(
    select(*_POSITION_TABLE.c).where(_POSITION_TABLE.c.account.in_(keys_param()))
)
# Orders and fills as plain Core rows too: no ORM identity map for thousands of orders.
_ORDER_TABLE = cast(Table, PaperOrderRow.__table__)
_FILL_TABLE = cast(Table, PaperFillRow.__table__)
_ORDERS_OF = KeyedSelect(
    select(*_ORDER_TABLE.c).where(_ORDER_TABLE.c.client_order_id.in_(keys_param()))
)
_FILLS_OF = KeyedSelect(
    select(*_FILL_TABLE.c)
    .where(_FILL_TABLE.c.order_id.in_(keys_param()))
    .order_by(_FILL_TABLE.c.seq)
)
_RESTING_ON = (
    select(*_ORDER_TABLE.c)
    .where(_ORDER_TABLE.c.symbol == bindparam("symbol"), _ORDER_TABLE.c.status.in_(_RESTING))
    .order_by(_ORDER_TABLE.c.created_at, _ORDER_TABLE.c.id)
)
# Funds in orders (docs/venues.md): any resting order at all (by the symbol-status
# index), then the resting orders of the accounts loaded.
_ANY_RESTING = (
    select(_ORDER_TABLE.c.id)
    .where(
        _ORDER_TABLE.c.symbol.in_(bindparam("symbols", expanding=True)),
        _ORDER_TABLE.c.status.in_(_RESTING),
    )
    .limit(1)
)
_RESTING_OF = KeyedSelect(
    select(
        _ORDER_TABLE.c.id,
        _ORDER_TABLE.c.account,
        _ORDER_TABLE.c.symbol,
        _ORDER_TABLE.c.side,
        _ORDER_TABLE.c.qty,
        _ORDER_TABLE.c.filled_qty,
        _ORDER_TABLE.c.limit_price,
        _ORDER_TABLE.c.leverage,
        _ORDER_TABLE.c.reduce_only,
    ).where(  # the statuses inline: the keyed driver binds only the keys
        _ORDER_TABLE.c.status.in_([literal_column(f"'{status}'") for status in _RESTING]),
        _ORDER_TABLE.c.account.in_(keys_param()),
    )
)
_HOLDERS_OF = select(_POSITION_TABLE.c.account).where(
    _POSITION_TABLE.c.symbol == bindparam("symbol"), _POSITION_TABLE.c.qty != Decimal(0)
)
_TRIGGER_TABLE = cast(Table, PaperTriggerRow.__table__)
_PRICE_TABLE = cast(Table, PaperPriceRow.__table__)
_WAITING_ON = union(
    select(_ORDER_TABLE.c.symbol).where(
        _ORDER_TABLE.c.symbol.in_(bindparam("symbols", expanding=True)),
        _ORDER_TABLE.c.status.in_(_RESTING),
    ),
    select(_TRIGGER_TABLE.c.symbol).where(
        _TRIGGER_TABLE.c.symbol.in_(bindparam("symbols", expanding=True)),
        _TRIGGER_TABLE.c.status == TriggerStatus.PENDING.value,
    ),
)
_PRICES = select(
    _PRICE_TABLE.c.symbol, _PRICE_TABLE.c.price, _PRICE_TABLE.c.taken_buy,
    _PRICE_TABLE.c.taken_sell,
)
_PRICES_ONLY = select(_PRICE_TABLE.c.symbol, _PRICE_TABLE.c.price)
_PRICE_UPDATE = (  # a new moment refills the depth
    update(_PRICE_TABLE)
    .where(_PRICE_TABLE.c.symbol == bindparam("key_symbol"))
    .values(price=bindparam("price"), ts=bindparam("ts"), taken_buy=ZERO, taken_sell=ZERO)
)
_TAKEN_UPDATE = (
    update(_PRICE_TABLE)
    .where(_PRICE_TABLE.c.symbol == bindparam("key_symbol"))
    .values(taken_buy=bindparam("taken_buy"), taken_sell=bindparam("taken_sell"))
)
_FILLS_AFTER = (
    select(*_FILL_TABLE.c)
    .where(_FILL_TABLE.c.seq > bindparam("cursor"))
    .order_by(_FILL_TABLE.c.seq)
    .limit(bindparam("limit"))
)
_FILL_IDS_AFTER = (
    select(_FILL_TABLE.c.seq, _FILL_TABLE.c.fill_id)
    .where(_FILL_TABLE.c.seq > bindparam("cursor"))
    .order_by(_FILL_TABLE.c.seq)
    .limit(bindparam("limit"))
)
_FILLS_AT = KeyedSelect(select(*_FILL_TABLE.c).where(_FILL_TABLE.c.seq.in_(keys_param())))


def lock_venue(session: Session) -> None:
    """One writer at a time, like an exchange's matching engine.

    This keeps the fill sequence in commit order, so ``fills_since`` never skips
    a fill committed late. SQLite already serialises writers (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def load_prices(session: Session) -> dict[str, Decimal]:
    """The prices in force. Core rows, as ``save_price`` writes them: no ORM identity
    map to go stale."""
    return {symbol: price for symbol, price in session.connection().execute(_PRICES_ONLY)}


def load_market(
    session: Session, *, depth: bool
) -> tuple[dict[str, Decimal], dict[tuple[str, Side], Decimal]]:
    """The prices in force, and, when ``depth`` (some instrument models its book), what
    takers have taken of each symbol's depth on each side since (docs/venues.md "Depth":
    the book depletes within a price moment). Without depth nothing was taken: the
    prices alone are read."""
    if not depth:
        return load_prices(session), {}
    prices: dict[str, Decimal] = {}
    taken: dict[tuple[str, Side], Decimal] = {}
    for symbol, price, taken_buy, taken_sell in session.connection().execute(_PRICES):
        prices[symbol] = price
        taken[(symbol, Side.BUY)] = taken_buy or ZERO
        taken[(symbol, Side.SELL)] = taken_sell or ZERO
    return prices, taken


def save_price(session: Session, symbol: str, price: Decimal, ts: Any) -> None:
    """A new price moment: the price in force, and the whole depth again. One statement
    at every mark (an insert only for a symbol's first price)."""
    connection = session.connection()
    params = {"key_symbol": symbol, "price": price, "ts": ts}
    if not connection.execute(_PRICE_UPDATE, params).rowcount:
        connection.execute(
            _PRICE_TABLE.insert(),
            {"symbol": symbol, "price": price, "ts": ts, "taken_buy": ZERO, "taken_sell": ZERO},
        )


def _save_taken(session: Session, work: WorkingSet) -> None:
    connection = session.connection()
    for symbol in work.changed_taken:
        params = {
            "key_symbol": symbol,
            "taken_buy": work.taken.get((symbol, Side.BUY), ZERO),
            "taken_sell": work.taken.get((symbol, Side.SELL), ZERO),
        }
        updated = connection.execute(_TAKEN_UPDATE, params).rowcount
        assert updated == 1  # only an order at a price in force takes depth


def symbols_waiting(session: Session, symbols: Collection[str]) -> set[str]:
    """The ``symbols`` with a resting order or a pending trigger order: one indexed query
    a moment, so a mark with nothing waiting skips the per-symbol reads of both
    (docs/benchmarks.md, "`copytrade demo`"). From the database, so orders another
    process placed count too."""
    rows = session.connection().execute(_WAITING_ON, {"symbols": sorted(symbols)})
    return {symbol for (symbol,) in rows}


def load_books(
    session: Session, accounts: Iterable[str], instruments: Mapping[str, Instrument]
) -> dict[str, AccountBook]:
    """The cash and positions of ``accounts`` (positions of unlisted symbols are left out)."""
    books = {a: AccountBook(AccountId(a)) for a in set(accounts)}
    keys = list(books)
    for balance in _BALANCES_OF.rows(session, keys):  # plain rows: no ORM identity
        book = books[balance.account]
        book.cash[balance.currency] = balance.amount
        book.stored_cash.add(balance.currency)
    for row in _POSITIONS_OF.rows(session, keys):
        instrument = instruments.get(row.symbol)
        if instrument is None:
            continue
        book = books[row.account]
        book.positions[row.symbol] = Position.restore(book.account, instrument, position_state(row))
        book.stored_positions.add(row.symbol)
    _load_holds(session, books, instruments)
    return books


def _load_holds(
    session: Session, books: Mapping[str, AccountBook], instruments: Mapping[str, Instrument]
) -> None:
    """What the books' resting orders keep in orders. One indexed probe first: with no
    order resting anywhere (the copy fan-out's market orders never rest) nothing more
    is read."""
    connection = session.connection()
    if (
        not books
        or connection.execute(_ANY_RESTING, {"symbols": sorted(instruments)}).first() is None
    ):
        return
    for row in _RESTING_OF.rows(session, list(books)):
        instrument = instruments.get(row.symbol)
        if instrument is None or row.limit_price is None:
            continue
        book = books[row.account]
        hold = resting_hold(
            instrument,
            Side(row.side),
            row.qty - row.filled_qty,
            row.limit_price,
            row.leverage,
            row.reduce_only,
            book.positions.get(row.symbol),
        )
        book.reserve(row.id, instrument, hold)


def holders_of(session: Session, symbol: str) -> set[str]:
    """The accounts with an open position in ``symbol`` (liquidation candidates)."""
    return {row.account for row in session.connection().execute(_HOLDERS_OF, {"symbol": symbol})}


def load_orders(session: Session, keys: Collection[OrderKey]) -> dict[OrderKey, VenueOrder]:
    """The stored orders among ``keys``, with their fills."""
    wanted = set(keys)
    rows = [
        row
        for row in _ORDERS_OF.rows(session, sorted({cid for _, cid in wanted}))
        if (row.account, row.client_order_id) in wanted
    ]
    return {(o.account, o.client_order_id): o for o in _with_fills(session, rows)}


def load_resting(session: Session, symbol: str) -> list[VenueOrder]:
    """Orders resting on ``symbol``, oldest first (the order they fill in)."""
    rows = session.connection().execute(_RESTING_ON, {"symbol": symbol}).all()
    return _with_fills(session, rows)


def _with_fills(session: Session, rows: Sequence[Any]) -> list[VenueOrder]:
    filled = [row.id for row in rows if row.filled_qty]
    fills: dict[str, list[Fill]] = defaultdict(list)
    for fill_row in _FILLS_OF.rows(session, filled):
        fills[fill_row.order_id].append(fill_from_row(fill_row))
    return [order_from_row(row, tuple(fills.get(row.id, ()))) for row in rows]


def fills_since(
    session: Session, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
) -> tuple[list[Fill], int]:
    """The stream after ``cursor``; with ``skip``, the ids first and only the rows of the
    fills it does not skip read whole and made ``Fill``s (docs/venues.md "Fill stream")."""
    if skip is None:
        rows = session.connection().execute(_FILLS_AFTER, {"cursor": cursor, "limit": limit}).all()
        return [fill_from_row(row) for row in rows], (rows[-1].seq if rows else cursor)
    ids = session.connection().execute(_FILL_IDS_AFTER, {"cursor": cursor, "limit": limit}).all()
    wanted = [seq for seq, fill_id in ids if not skip(fill_id)]
    kept = sorted(_FILLS_AT.rows(session, wanted), key=lambda row: row.seq)
    return [fill_from_row(row) for row in kept], (ids[-1].seq if ids else cursor)


def save(session: Session, work: WorkingSet) -> None:
    """Write what ``work`` changed: orders before their fills (the foreign key)."""
    writes.INSERT_ORDERS.execute(session, [order_values(o) for o in work.new_orders])
    writes.UPDATE_ORDERS.execute(session, [order_values(o) for o in work.changed_orders])
    writes.INSERT_FILLS.execute(session, [fill_values(f) for f in work.new_fills])
    save_books(session, work.books.values())
    _save_taken(session, work)


def save_books(session: Session, books: Iterable[AccountBook]) -> None:
    """Write the cash and positions the books changed: update a stored row, insert a new one."""
    cash: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    positions: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for book in books:
        for currency in book.changed_cash:
            cash[currency in book.stored_cash].append(
                {"account": book.account, "currency": currency, "amount": book.cash[currency]}
            )
        for symbol in book.changed_positions:
            state = book.positions[symbol].state()
            positions[symbol in book.stored_positions].append(
                position_values(book.account, symbol, state)
            )
    writes.UPDATE_BALANCES.execute(session, cash[True])
    writes.INSERT_BALANCES.execute(session, cash[False])
    writes.UPDATE_POSITIONS.execute(session, positions[True])
    writes.INSERT_POSITIONS.execute(session, positions[False])
