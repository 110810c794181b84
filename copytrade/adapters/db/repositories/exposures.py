"""What the max-loss sweep reads: every copying relationship holding a symbol, in one query.

One row per (relationship, position): the relationship's net allocation, max
loss % and own protections (docs/domain.md, "Follower protections"), its book's
allocation cash (the ledger balance, absent meaning 0) and
the position's quantity, cost and leverage, as plain values
(domain/copying/exposure.py). Stopped relationships are left out; a book's
positions are its open rows (a flat one values nothing and triggers nothing). Each
position carries the trigger prices in force on the provider's own position in its
symbol (docs/domain.md, "The provider's stop-loss and take-profit"), which the copy
mirrors: given by the caller from its one read of the providers' trigger prices
(``PositionRepository.triggered``), by (provider, symbol), so the query joins no
provider position. The decimals are read as the driver gives them
and parsed only where used: the sweep runs on every price moment (docs/benchmarks.md,
"`copytrade bench sweep`").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from copytrade.adapters.db.schema import LedgerBalanceRow, PositionRow, RelationshipRow
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.copying.exposure import Exposure, HeldPosition, Peak, Protections
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.ledger import LedgerAccountKind
from copytrade.domain.values import USDT, ZERO

_R, _P, _B = RelationshipRow, PositionRow, LedgerBalanceRow
Mirrored = Mapping[tuple[str, str], PositionTriggers]  # (provider, symbol) → its prices


def _raw(column: Any) -> Any:
    """The column's value as the driver gives it (text on SQLite, NUMERIC's Decimal on
    PostgreSQL): parsed here only where the sweep uses it (``_decimal``)."""
    return type_coerce(column, NullType()).label(column.key)


_QUERY = (
    select(
        _R.id,
        _raw(_R.net_allocated),
        _raw(_R.max_loss_pct),
        _raw(_B.balance),
        _P.symbol,
        _raw(_P.qty),
        _raw(_P.entry_cost),
        _raw(_P.leverage),
        _P.detached,
        _raw(_R.copy_stop_loss_pct),
        _raw(_R.copy_take_profit_pct),
        _raw(_R.take_profit_pct),
        _raw(_R.trailing_stop_pct),
        _raw(_R.peak_equity),
        _raw(_R.peak_net_allocated),
        _R.provider_id,
    )
    .join(_P, _P.book == _R.id)
    .outerjoin(
        _B,
        and_(
            _B.owner == _R.id,
            _B.kind == LedgerAccountKind.ALLOCATION_CASH.value,
            _B.currency == USDT.code,
        ),
    )
    .where(_R.status != RelationshipStatus.STOPPED.value)
    .order_by(_R.id, _P.symbol)
)


def exposures_holding(
    session: Session, symbols: Collection[str] | None, mirrored: Mirrored
) -> list[Exposure]:
    """Copying relationships whose book has a position (in one of ``symbols``, or any),
    by relationship id. A flat position (quantity 0) is left out of ``positions``: it
    adds nothing to the book's value and no protection applies to it. ``mirrored``: the
    trigger prices in force on the providers' own positions, by (provider, symbol)."""
    query = _QUERY
    if symbols is not None:
        holders = select(_P.book).where(_P.symbol.in_(sorted(symbols))).distinct()
        query = query.where(_R.id.in_(holders))
    found: list[Exposure] = []
    first: Any = None
    held: list[HeldPosition] = []
    # Core, not the ORM's execute: plain rows, and no ORM loading per row.
    for row in session.connection().execute(query):
        if first is None or row[0] != first[0]:
            if first is not None:
                found.append(_exposure(first, held))
            first, held = row, []
        qty = Decimal(row[5])  # the driver's text (SQLite) or Decimal (PostgreSQL), exact
        if qty:
            held.append(HeldPosition(
                row[4], qty, Decimal(row[6]), Decimal(row[7]), bool(row[8]),
                mirrored.get((row[15], row[4])) if mirrored else None,
            ))  # fmt: skip
    if first is not None:
        found.append(_exposure(first, held))
    return found


def _exposure(row: Any, held: list[HeldPosition]) -> Exposure:
    cash = row[3]
    return Exposure(
        relationship_id=row[0],
        net_allocated=Decimal(row[1]),
        max_loss_pct=Decimal(row[2]),
        cash=ZERO if cash is None else Decimal(cash),
        positions=tuple(held),
        protections=_protections(row[9:15]),
    )


def _protections(values: Any) -> Protections | None:
    """The relationship's protections; None when it set none (the sweep skips it)."""
    copy_sl, copy_tp, take_profit, trailing, peak_equity, peak_net = values
    if copy_sl is None and copy_tp is None and take_profit is None and trailing is None:
        return None
    peak = None if peak_equity is None or peak_net is None else Peak(
        Decimal(peak_equity), Decimal(peak_net)
    )
    return Protections(
        _optional(copy_sl), _optional(copy_tp), _optional(take_profit), _optional(trailing), peak
    )


def _optional(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
