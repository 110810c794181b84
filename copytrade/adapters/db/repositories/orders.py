"""The platform's orders (provider orders and copy orders); their fills are in fills.py."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, cast

from sqlalchemy import Select, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.repositories.order_terms_columns import (
    TERM_FIELDS,
    term_fields,
    terms_of,
)
from copytrade.adapters.db.repositories.order_triggers import record_trigger_statuses
from copytrade.adapters.db.schema import OrderRow
from copytrade.adapters.venues import order_terms as venue_terms
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
    # Its terms (docs/venues.md "Order terms", "Trigger orders"), stored as the flat
    # columns of order_terms_columns.py.
    terms: venue_terms.OrderTerms = venue_terms.PLAIN


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
    # Its terms (docs/venues.md "Order terms", "Trigger orders"), stored as the flat
    # columns of order_terms_columns.py.
    terms: venue_terms.OrderTerms = venue_terms.PLAIN
    # A trigger order's trigger: pending / triggered / cancelled (domain/trigger_status.py).
    trigger_status: str | None = None

    # The terms as their stored columns read (order_terms_columns.py), derived from ``terms``.
    @property
    def trigger_kind(self) -> str | None:
        return None if self.terms.trigger is None else self.terms.trigger.kind.value

    @property
    def trigger_price(self) -> Decimal | None:
        return None if self.terms.trigger is None else self.terms.trigger.price

    @property
    def time_in_force(self) -> str:
        return self.terms.time_in_force.value


class BookingTerms(NamedTuple):
    """What booking a fill needs of its order: the leverage and the margin mode a
    position opened from flat takes (docs/domain.md "Margin")."""

    leverage: Decimal
    margin_mode: MarginMode


_STORED_FIELDS = tuple(name for name in StoredOrder.__dataclass_fields__ if name != "terms")
_ORDERS = cast(Table, OrderRow.__table__)
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
_BOOKING_TERMS = KeyedSelect(
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
        **term_fields(intent.terms),
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
        rows = self._session.execute(self.awaiting_triggers_query(symbols))
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

    def booking_terms(self, client_order_ids: Sequence[str]) -> dict[str, BookingTerms]:
        """The leverage and margin mode each of these orders asked for (orders we did not
        place are absent)."""
        return {
            cid: BookingTerms(leverage, MarginMode.parse(mode))
            for cid, leverage, mode in _BOOKING_TERMS.rows(self._session, client_order_ids)
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
    return StoredOrder(
        **{name: getattr(row, name) for name in _STORED_FIELDS}, terms=terms_of(row)
    )
