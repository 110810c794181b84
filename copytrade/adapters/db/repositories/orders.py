"""The platform's orders (provider orders and copy orders) and the fills it recorded."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.repositories.order_terms_columns import TERM_FIELDS
from copytrade.adapters.db.repositories.order_triggers import record_trigger_statuses
from copytrade.adapters.db.schema import FillRow, OrderRow
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.copying.plan import CopyOrder
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import OrderStatus
from copytrade.domain.trigger_status import TriggerStatus

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order the platform decided to send, recorded before it is sent (docs/domain.md,
    Copying)."""

    client_order_id: str
    book: str
    symbol: str
    side: str
    type: str
    qty: Decimal
    leverage: Decimal
    created_at: datetime
    limit_price: Decimal | None = None
    reduce_only: bool = False
    relationship_id: str | None = None
    provider_id: str | None = None
    copy_of: str | None = None
    venue: str = "paper"
    # The margin mode a position this order opens from flat takes (docs/domain.md "Margin").
    margin_mode: str = MarginMode.ISOLATED.value
    # Its terms (docs/venues.md "Order terms", "Trigger orders"; order_terms_columns.py).
    trigger_kind: str | None = None
    trigger_price: Decimal | None = None
    trail_distance: Decimal | None = None
    trail_percent: Decimal | None = None
    time_in_force: str = "gtc"
    post_only: bool = False


@dataclass(frozen=True, slots=True)
class StoredOrder:
    client_order_id: str
    book: str
    symbol: str
    side: str
    type: str
    qty: Decimal
    limit_price: Decimal | None
    leverage: Decimal
    reduce_only: bool
    status: str
    filled_qty: Decimal
    avg_fill_price: Decimal | None
    fees: Decimal
    reason: str | None
    relationship_id: str | None
    provider_id: str | None
    copy_of: str | None
    created_at: datetime
    margin_mode: str = MarginMode.ISOLATED.value
    # Its terms (docs/venues.md "Order terms", "Trigger orders"; order_terms_columns.py).
    trigger_kind: str | None = None
    trigger_price: Decimal | None = None
    trail_distance: Decimal | None = None
    trail_percent: Decimal | None = None
    time_in_force: str = "gtc"
    post_only: bool = False
    # A trigger order's trigger: pending / triggered / cancelled (domain/trigger_status.py).
    trigger_status: str | None = None


class OrderTerms(NamedTuple):
    """What booking a fill needs of its order: the leverage and the margin mode a
    position opened from flat takes (docs/domain.md "Margin")."""

    leverage: Decimal
    margin_mode: MarginMode


class RecordedFill(NamedTuple):
    """A fill as we recorded it, under our order's client order id."""

    fill_id: str
    order_id: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    liquidity: str
    ts: datetime


_STORED_FIELDS = tuple(StoredOrder.__dataclass_fields__)
_ORDERS = cast(Table, OrderRow.__table__)
_FILLS = cast(Table, FillRow.__table__)
_INTENT_COLUMNS = (
    "id", "client_order_id", "venue", "book", "relationship_id", "provider_id", "copy_of",
    "symbol", "side", "type", "qty", "limit_price", "leverage", "reduce_only", "status",
    "filled_qty", "fees", "created_at", "updated_at", "margin_mode",
)  # fmt: skip
# A copy order is a plain order: its terms are the columns' defaults (order_terms_columns.py).
_INSERT_COPIES = BulkStatement(insert(_ORDERS), _INTENT_COLUMNS)
_INSERT_INTENTS = BulkStatement(insert(_ORDERS), (*_INTENT_COLUMNS, *TERM_FIELDS))
_RESULT_COLUMNS = ("status", "filled_qty", "avg_fill_price", "fees", "reason", "updated_at")
_RECORD_RESULTS = BulkStatement(
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"))
    .values({name: bindparam(f"new_{name}") for name in _RESULT_COLUMNS}),
    ("order_id", *(f"new_{name}" for name in _RESULT_COLUMNS)),
)
_TERMS = KeyedSelect(
    select(OrderRow.client_order_id, OrderRow.leverage, OrderRow.margin_mode).where(
        OrderRow.client_order_id.in_(keys_param())
    )
)


def _intent_row(intent: OrderIntent) -> dict[str, object]:
    return {
        "id": intent.client_order_id,
        "client_order_id": intent.client_order_id,
        "venue": intent.venue,
        "book": intent.book,
        "relationship_id": intent.relationship_id,
        "provider_id": intent.provider_id,
        "copy_of": intent.copy_of,
        "symbol": intent.symbol,
        "side": intent.side,
        "type": intent.type,
        "qty": intent.qty,
        "limit_price": intent.limit_price,
        "leverage": intent.leverage,
        "reduce_only": intent.reduce_only,
        "status": OrderStatus.NEW.value,
        "filled_qty": Decimal(0),
        "fees": Decimal(0),
        "created_at": intent.created_at,
        "updated_at": intent.created_at,
        "margin_mode": intent.margin_mode,
        **{name: getattr(intent, name) for name in TERM_FIELDS},
    }


def _copy_order_row(order: CopyOrder, venue: str) -> dict[str, object]:
    return {
        "id": order.client_order_id,
        "client_order_id": order.client_order_id,
        "venue": venue,
        "book": order.book,
        "relationship_id": order.relationship_id,
        "provider_id": order.provider_id,
        "copy_of": order.copy_of,
        "symbol": order.symbol,
        "side": order.side.value,
        "type": order.type.value,
        "qty": order.qty,
        "limit_price": order.limit_price,
        "leverage": order.leverage,
        "reduce_only": order.reduce_only,
        "status": _NEW,
        "filled_qty": _ZERO,
        "fees": _ZERO,
        "created_at": order.created_at,
        "updated_at": order.created_at,
        "margin_mode": order.margin_mode.value,
    }


_NEW = OrderStatus.NEW.value
_PENDING = TriggerStatus.PENDING.value
_ZERO = Decimal(0)


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_intents(self, intents: Sequence[OrderIntent]) -> None:
        _INSERT_INTENTS.execute(self._session, [_intent_row(i) for i in intents])

    def add_copy_orders(self, orders: Sequence[CopyOrder], venue: str = "paper") -> None:
        """The copy pipeline's planned orders, as intents (status ``new``), in one statement."""
        _INSERT_COPIES.execute(self._session, [_copy_order_row(o, venue) for o in orders])

    def add_external(self, fills: Sequence[Fill], venue: str, now: datetime) -> None:
        """The orders of fills made outside copytrade (a provider trading on its own
        exchange account), known only through their fills: each order not stored yet is
        stored ``filled`` with the quantity of its fills here, under its exchange order
        id (docs/venues.md, "Watching a provider's account")."""
        self._add_filled(fills, venue, now, lambda f: str(f.order_id), provider=True)

    def add_liquidations(self, fills: Sequence[Fill], now: datetime, venue: str = "paper") -> None:
        """The venue's liquidation orders, known only through their fills, stored
        ``filled`` under their client order ids (docs/venues.md "Liquidation")."""
        self._add_filled(
            fills, venue, now, lambda f: str(f.client_order_id or f.order_id), provider=False
        )

    def _add_filled(
        self,
        fills: Sequence[Fill],
        venue: str,
        now: datetime,
        key: Callable[[Fill], str],
        *,
        provider: bool,
    ) -> None:
        by_order: dict[str, list[Fill]] = {}
        for fill in fills:
            by_order.setdefault(key(fill), []).append(fill)
        known = self.existing_ids(list(by_order))
        rows = []
        for order_id, own in by_order.items():
            if order_id in known:
                continue
            first, qty = own[0], sum((f.qty for f in own), _ZERO)
            row = _intent_row(
                OrderIntent(
                    client_order_id=order_id, book=str(first.account), symbol=first.symbol,
                    side=first.side.value, type="market", qty=qty, leverage=Decimal(1),
                    created_at=first.ts, venue=venue, reduce_only=not provider,
                    provider_id=str(first.account) if provider else None,
                )
            )
            notional = sum((f.qty * f.price for f in own), _ZERO)
            row |= {"status": OrderStatus.FILLED.value, "filled_qty": qty, "updated_at": now,
                    "fees": sum((f.fee for f in own), _ZERO)}
            rows.append(row | {"avg_fill_price": notional / qty})
        if rows:
            self._session.execute(insert(_ORDERS), rows)

    def existing_ids(self, client_order_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(client_order_ids), _CHUNK):
            chunk = client_order_ids[start : start + _CHUNK]
            found.update(
                self._session.scalars(
                    select(OrderRow.client_order_id).where(OrderRow.client_order_id.in_(chunk))
                )
            )
        return found

    def record_venue_results(self, results: Sequence[VenueOrder], now: datetime) -> None:
        """Copy the venue's answer (status, fills so far, reject reason) onto our orders."""
        rows = [
            {
                "order_id": str(r.client_order_id),
                "new_status": r.status.value,
                "new_filled_qty": r.filled_qty,
                "new_avg_fill_price": r.avg_fill_price,
                "new_fees": r.fees,
                "new_reason": (r.reject_reason.value if r.reject_reason else r.reason),
                "new_updated_at": now,
            }
            for r in results
        ]
        _RECORD_RESULTS.execute(self._session, rows)
        record_trigger_statuses(self._session, results)

    def awaiting_triggers(self, symbols: Collection[str]) -> list[tuple[str, str]]:
        """(book, client order id) of the orders on ``symbols`` whose trigger is still
        ``pending`` on our records (migration 0044's partial index), oldest first."""
        rows = self._session.execute(self.awaiting_triggers_query(symbols)).tuples()
        return [(book, cid) for book, cid in rows]

    @staticmethod
    def awaiting_triggers_query(symbols: Collection[str]) -> Select[str, str]:
        return (
            select(OrderRow.book, OrderRow.client_order_id)
            .where(OrderRow.trigger_status == _PENDING, OrderRow.symbol.in_(list(symbols)))
            .order_by(OrderRow.created_at, OrderRow.id)
        )

    def get(self, client_order_id: str) -> StoredOrder | None:
        found = self._query(OrderRow.client_order_id == client_order_id)
        return found[0] if found else None

    def terms(self, client_order_ids: Sequence[str]) -> dict[str, OrderTerms]:
        """The leverage and margin mode each of these orders asked for (orders we did not
        place are absent)."""
        return {
            cid: OrderTerms(leverage, MarginMode.parse(mode))
            for cid, leverage, mode in _TERMS.rows(self._session, client_order_ids)
        }

    def unconfirmed(self) -> list[StoredOrder]:
        """Intents whose venue answer was never recorded: the crash-recovery work list."""
        return self._query(OrderRow.status == OrderStatus.NEW.value)

    def unconfirmed_of_book(self, book: str) -> list[StoredOrder]:
        """A book's intents still waiting for the venue's answer."""
        return self._query(OrderRow.book == book, OrderRow.status == OrderStatus.NEW.value)

    def for_book(self, book: str) -> list[StoredOrder]:
        return self._query(OrderRow.book == book)

    def all(self) -> list[StoredOrder]:
        return self._query()

    def latest_of_book(self, book: str, limit: int, offset: int = 0) -> list[StoredOrder]:
        """A page of a book's orders, newest first."""
        query = (
            select(OrderRow)
            .where(OrderRow.book == book)
            .order_by(OrderRow.created_at.desc(), OrderRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_stored(row) for row in self._session.scalars(query)]

    def count_of_book(self, book: str) -> int:
        query = select(func.count()).select_from(OrderRow).where(OrderRow.book == book)
        return int(self._session.scalar(query) or 0)

    def _query(self, *conditions: object) -> list[StoredOrder]:
        query = select(OrderRow).where(*conditions).order_by(OrderRow.created_at, OrderRow.id)  # type: ignore[arg-type]
        return [_stored(row) for row in self._session.scalars(query)]


def _stored(row: OrderRow) -> StoredOrder:
    return StoredOrder(**{name: getattr(row, name) for name in _STORED_FIELDS})


_FILL_AS_IS = ("symbol", "qty", "price", "fee", "ts")  # stored as the fill has them


def _fill_row(venue: str, fill: Fill) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(fill, name) for name in _FILL_AS_IS}
    row.update(
        venue=venue, fill_id=str(fill.fill_id), order_id=str(fill.client_order_id or fill.order_id),
        book=str(fill.account), side=fill.side.value, liquidity=fill.liquidity.value,
    )  # fmt: skip
    return row


def _insert_new_fills(dialect: str) -> ReturningInsert[tuple[str]]:
    """The dialect's ``INSERT … ON CONFLICT DO NOTHING RETURNING fill_id`` into fills."""
    keys = ["venue", "fill_id"]
    if dialect == "sqlite":
        return (
            sqlite_insert(_FILLS)
            .on_conflict_do_nothing(index_elements=keys)
            .returning(_FILLS.c.fill_id)
        )
    return pg_insert(_FILLS).on_conflict_do_nothing(index_elements=keys).returning(_FILLS.c.fill_id)


_FILL_COLUMNS = (*_FILL_AS_IS, "venue", "fill_id", "order_id", "book", "side", "liquidity")
# SQLite's fast path: the same insert without RETURNING, as one driver executemany.
_INSERT_FILLS_QUIETLY = BulkStatement(
    sqlite_insert(_FILLS).on_conflict_do_nothing(index_elements=["venue", "fill_id"]),
    _FILL_COLUMNS,
)


class FillRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_new(self, fills: Sequence[Fill], venue: str = "paper") -> list[Fill]:
        """Store the fills not seen before and return them, in order (a re-delivered fill
        is a no-op).

        One ``INSERT … ON CONFLICT (venue, fill_id) DO NOTHING RETURNING fill_id``: two
        processes booking the same fill at once (the relay reading the venue's stream and
        a worker booking its copy's answer, docs/deploy.md) never fail on the unique key.
        On PostgreSQL the second insert waits for the first's transaction; once it
        commits, the fill is not returned to the second, which so books only what it
        stored itself. Rows go in fill id order, so two overlapping batches take their
        row locks in one order and cannot deadlock on each other."""
        unique: dict[str, Fill] = {}
        for fill in fills:
            unique.setdefault(str(fill.fill_id), fill)
        if not unique:
            return []
        rows = [_fill_row(venue, unique[key]) for key in sorted(unique)]
        dialect = self._session.get_bind().dialect.name
        if dialect == "sqlite" and self._all_stored_quietly(rows):
            return list(unique.values())
        statement = _insert_new_fills(dialect)
        stored: set[str] = set()
        for start in range(0, len(rows), _CHUNK):
            result = self._session.execute(statement, rows[start : start + _CHUNK])
            stored.update(str(fill_id) for fill_id in result.scalars())
        return [fill for key, fill in unique.items() if key in stored]

    def _all_stored_quietly(self, rows: Sequence[dict[str, object]]) -> bool:
        """SQLite (one writer, so no race): insert ``rows`` as one executemany in a
        SAVEPOINT and keep them if every one was new (the usual case: the executor's
        fresh fills); else roll the savepoint back and say so, for the RETURNING insert
        to tell which were new (docs/engine.md "The lean path")."""
        self._session.flush()  # the caller's pending changes fail as theirs
        savepoint = self._session.begin_nested()
        if _INSERT_FILLS_QUIETLY.execute(self._session, rows) == len(rows):
            savepoint.commit()
            return True
        savepoint.rollback()
        return False

    def of_orders(self, order_ids: Sequence[str]) -> dict[str, list[RecordedFill]]:
        """The fills recorded for each of these orders (by our client order id), in order."""
        found: dict[str, list[RecordedFill]] = {}
        for start in range(0, len(order_ids), _CHUNK):
            query = (
                select(*(getattr(FillRow, name) for name in RecordedFill._fields))
                .where(FillRow.order_id.in_(order_ids[start : start + _CHUNK]))
                .order_by(FillRow.id)
            )
            for row in self._session.execute(query):
                found.setdefault(row.order_id, []).append(RecordedFill(*row))
        return found
