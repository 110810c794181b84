"""Instruments: stored exchange rules, loaded back as domain ``Instrument``s."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import InstrumentRow
from copytrade.domain.depth import BookDepth
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument, MarginTier, parse_kind
from copytrade.domain.values import Currency


class UnknownInstrumentError(InvalidValueError):
    """A symbol that no stored instrument has."""


def instrument_from_row(row: InstrumentRow) -> Instrument:
    return Instrument(
        symbol=row.symbol,
        kind=parse_kind(row.kind),
        base=row.base,
        quote=Currency(row.quote, row.quote_precision),
        tick=row.tick,
        lot_step=row.lot_step,
        min_qty=row.min_qty,
        min_notional=row.min_notional,
        max_qty=row.max_qty,
        maker_fee=row.maker_fee,
        taker_fee=row.taker_fee,
        max_leverage=row.max_leverage,
        maintenance_margin_rate=row.maintenance_margin_rate,
        liquidation_fee=row.liquidation_fee,
        margin_tiers=tiers_from_text(row.margin_tiers),
        depth=BookDepth.from_text(row.depth),
    )


def tiers_from_text(text: str) -> tuple[MarginTier, ...]:
    """Stored tiers: a JSON list of [floor, rate, max leverage or null], as strings."""
    if not text:
        return ()
    return tuple(
        MarginTier(Decimal(floor), Decimal(rate), None if cap is None else Decimal(cap))
        for floor, rate, cap in json.loads(text)
    )


def tiers_to_text(tiers: Iterable[MarginTier]) -> str:
    rows = [
        [
            str(t.floor),
            str(t.maintenance_rate),
            None if t.max_leverage is None else str(t.max_leverage),
        ]
        for t in tiers
    ]
    return json.dumps(rows) if rows else ""


def _row_values(instrument: Instrument) -> dict[str, object]:
    return {
        "symbol": instrument.symbol,
        "kind": instrument.kind.value,
        "base": instrument.base,
        "quote": instrument.quote.code,
        "quote_precision": instrument.quote.precision,
        "tick": instrument.tick,
        "lot_step": instrument.lot_step,
        "min_qty": instrument.min_qty,
        "min_notional": instrument.min_notional,
        "max_qty": instrument.max_qty,
        "maker_fee": instrument.maker_fee,
        "taker_fee": instrument.taker_fee,
        "max_leverage": instrument.max_leverage,
        "maintenance_margin_rate": instrument.maintenance_margin_rate,
        "liquidation_fee": instrument.liquidation_fee,
        "margin_tiers": tiers_to_text(instrument.margin_tiers),
        "depth": instrument.depth.to_text() if instrument.depth is not None else "",
    }


class InstrumentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, instruments: Iterable[Instrument]) -> None:
        """Insert or replace instruments (exchange rules change: tick, fees...).

        One upsert, not select-then-insert: several servers starting at once on a new
        PostgreSQL database each save the same instruments (docs/deploy.md), and the
        loser of a select-then-insert race would fail with a duplicate key."""
        rows = [_row_values(instrument) for instrument in instruments]
        if not rows:
            return
        self._session.flush()
        table = cast(Table, InstrumentRow.__table__)
        dialect = self._session.get_bind().dialect.name
        statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        replaced = {name: statement.excluded[name] for name in rows[0] if name != "symbol"}
        self._session.execute(
            statement.on_conflict_do_update(index_elements=[table.c.symbol], set_=replaced),
            rows,
        )
        for loaded in list(self._session.identity_map.values()):
            if isinstance(loaded, InstrumentRow):  # read again after the upsert
                self._session.expire(loaded)

    def get(self, symbol: str) -> Instrument:
        row = self._session.get(InstrumentRow, symbol)
        if row is None:
            raise UnknownInstrumentError(f"unknown symbol {symbol!r}: no such instrument")
        return instrument_from_row(row)

    def all(self) -> dict[str, Instrument]:
        rows = self._session.scalars(select(InstrumentRow).order_by(InstrumentRow.symbol))
        return {row.symbol: instrument_from_row(row) for row in rows}
