"""The platform's positions per trading book, stored as the domain ``PositionState``."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import PositionRow
from copytrade.domain.copying.exposure import HeldPosition
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.ids import AccountId
from copytrade.domain.instruments import Instrument
from copytrade.domain.positions import Position, PositionState
from copytrade.domain.values import ZERO

_CHUNK = 500
_STATE_FIELDS = tuple(PositionState.__dataclass_fields__)
_FLAGS = ("detached", "liquidated")
# A state's fields in one C call, and their update parameters' names (save_many, per row).
_STATE_OF = attrgetter(*_STATE_FIELDS)
_NEW_STATE_NAMES = tuple(f"new_{name}" for name in _STATE_FIELDS)
_SELECT = select(
    PositionRow.book,
    PositionRow.symbol,
    PositionRow.detached,
    PositionRow.liquidated,
    *(getattr(PositionRow, name) for name in _STATE_FIELDS),
)
_OF_BOOKS = KeyedSelect(_SELECT.where(PositionRow.book.in_(keys_param())))
_TABLE = cast(Table, PositionRow.__table__)
_INSERT = BulkStatement(insert(_TABLE), ("book", "symbol", *_FLAGS, *_STATE_FIELDS))
_UPDATE = BulkStatement(
    update(_TABLE)
    .where(_TABLE.c.book == bindparam("key_book"), _TABLE.c.symbol == bindparam("key_symbol"))
    .values({name: bindparam(f"new_{name}") for name in _FLAGS + _STATE_FIELDS}),
    ("key_book", "key_symbol", *(f"new_{name}" for name in _FLAGS + _STATE_FIELDS)),
)
_OF_BOOKS_IN = KeyedSelect(  # in one symbol
    _SELECT.where(PositionRow.book.in_(keys_param()), PositionRow.symbol == bindparam("symbol"))
)


def triggers_in_force(rows: Any) -> Any:
    """The condition that a position has trigger prices (docs/domain.md, "The provider's
    stop-loss and take-profit"). ``rows``: ``PositionRow`` or an alias of it."""
    return or_(rows.stop_loss_price.is_not(None), rows.take_profit_price.is_not(None))


_TRIGGERED = select(
    PositionRow.book,
    PositionRow.symbol,
    PositionRow.qty,
    PositionRow.entry_cost,
    PositionRow.leverage,
    PositionRow.stop_loss_price,
    PositionRow.take_profit_price,
).where(triggers_in_force(PositionRow), PositionRow.qty != ZERO)


@dataclass(slots=True)
class StoredPosition:
    """A position as loaded, with whether it was stored (insert vs update), detached,
    and liquidated (a copy the venue liquidated, kept flat: docs/domain.md "Liquidation")."""

    position: Position
    stored: bool
    detached: bool = False
    liquidated: bool = False


class PositionRepository:
    def __init__(self, session: Session, instruments: Mapping[str, Instrument]) -> None:
        self._session = session
        self._instruments = instruments

    def _load(self, query: Select[Any]) -> dict[tuple[str, str], StoredPosition]:
        return self._restored(self._session.execute(query))

    def _restored(self, rows: Iterable[Any]) -> dict[tuple[str, str], StoredPosition]:
        # Plain rows, not ORM entities: the fan-out loads thousands at a time.
        loaded: dict[tuple[str, str], StoredPosition] = {}
        for row in rows:
            book, symbol, detached, liquidated, *state = row
            position = Position.restore(
                AccountId(book), self._instruments[symbol], PositionState(*state)
            )
            loaded[(book, symbol)] = StoredPosition(position, True, detached, liquidated)
        return loaded

    def for_books(
        self, books: Sequence[str], symbol: str | None = None
    ) -> dict[tuple[str, str], StoredPosition]:
        """Open positions of many books (optionally one symbol), loaded in chunks."""
        if symbol is None:
            return self._restored(_OF_BOOKS.rows(self._session, books))
        return self._restored(_OF_BOOKS_IN.rows(self._session, books, symbol=symbol))

    def for_book(self, book: str) -> list[StoredPosition]:
        query = _SELECT.where(PositionRow.book == book).order_by(PositionRow.symbol)
        return list(self._load(query).values())

    def save_many(self, positions: Iterable[StoredPosition]) -> None:
        """Write positions: flat ones are deleted, new ones inserted, others updated.

        A flat position the follower detached (closed by hand) is kept, flag and
        all, until the provider's own position closes: later provider closes of
        it are then skipped as ``detached`` (docs/domain.md, Copying); so is a flat copy
        the venue liquidated, whose later provider closes are skipped ``liquidated``.
        """
        inserts: list[dict[str, object]] = []
        updates: list[dict[str, object]] = []
        flat: list[tuple[str, str]] = []
        for item in positions:
            key = (str(item.position.account), item.position.instrument.symbol)
            if item.position.is_flat and not (item.detached or item.liquidated):
                if item.stored:
                    flat.append(key)
                    item.stored = False
                continue
            state = item.position.state()
            if item.stored:
                values = {"key_book": key[0], "key_symbol": key[1], "new_detached": item.detached,
                          "new_liquidated": item.liquidated}  # fmt: skip
                values.update(zip(_NEW_STATE_NAMES, _STATE_OF(state), strict=True))
                updates.append(values)
            else:
                values = {"book": key[0], "symbol": key[1], "detached": item.detached,
                          "liquidated": item.liquidated}  # fmt: skip
                values.update(zip(_STATE_FIELDS, _STATE_OF(state), strict=True))
                inserts.append(values)
            item.stored = True
        _INSERT.execute(self._session, inserts)
        _UPDATE.execute(self._session, updates)
        for start in range(0, len(flat), _CHUNK):
            chunk = flat[start : start + _CHUNK]
            self._session.execute(
                delete(PositionRow).where(tuple_(PositionRow.book, PositionRow.symbol).in_(chunk))
            )

    # --- a provider's trigger prices (docs/domain.md, "The provider's stop-loss and
    # take-profit") -------------------------------------------------------------------

    def set_triggers(self, book: str, symbol: str, triggers: PositionTriggers) -> bool:
        """Set (or, with both None, cancel) the trigger prices of the book's open position
        in ``symbol``, in force until it is flat or flips; False when there is none."""
        query = (
            update(PositionRow)
            .where(PositionRow.book == book, PositionRow.symbol == symbol, PositionRow.qty != ZERO)
            .values(stop_loss_price=triggers.stop_loss, take_profit_price=triggers.take_profit)
        )
        return bool(self._session.execute(query).rowcount)  # type: ignore[attr-defined]

    def clear_triggers(self, keys: Sequence[tuple[str, str]]) -> None:
        """Forget the trigger prices of these (book, symbol) positions: they flipped, and
        a price set for one side means nothing for the other."""
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            self._session.execute(
                update(PositionRow)
                .where(tuple_(PositionRow.book, PositionRow.symbol).in_(chunk))
                .values(stop_loss_price=None, take_profit_price=None)
            )

    def triggers_of(self, book: str) -> dict[str, PositionTriggers]:
        """The trigger prices in force on the book's positions, by symbol."""
        query = _TRIGGERED.where(PositionRow.book == book)
        rows = self._session.execute(query)
        return {row.symbol: PositionTriggers(row[5], row[6]) for row in rows}

    def triggered(self, symbols: Collection[str] | None = None) -> list[tuple[str, HeldPosition]]:
        """Every open position with trigger prices in force (in one of ``symbols``), as
        (book, position with ``mirrored`` set), by book and symbol."""
        query = _TRIGGERED.order_by(PositionRow.book, PositionRow.symbol)
        if symbols is not None:
            query = query.where(PositionRow.symbol.in_(sorted(symbols)))
        return [
            (book, HeldPosition(symbol, qty, cost, leverage, False, PositionTriggers(sl, tp)))
            for book, symbol, qty, cost, leverage, sl, tp in self._session.execute(query)
        ]
