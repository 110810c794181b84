"""What the max-loss sweep reads: every copying relationship holding a symbol, in one query.

One row per (relationship, position): the relationship's net allocation, max
loss % and own protections (docs/domain.md, "Follower protections"), its book's
allocation cash (the ledger balance, absent meaning 0) and
the position's quantity, cost and leverage, as plain values
(domain/copying/exposure.py). Stopped relationships are left out; a book's
positions are its open rows (a flat one values nothing and triggers nothing). The
decimals are read as the driver gives them and parsed only where used: the sweep runs
on every price moment (docs/benchmarks.md, "`copytrade bench sweep`").
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import and_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from copytrade.adapters.db.schema import LedgerBalanceRow, PositionRow, RelationshipRow
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.copying.exposure import Exposure, HeldPosition, Peak, Protections
from copytrade.domain.ledger import LedgerAccountKind
from copytrade.domain.values import USDT, ZERO

_R, _P, _B = RelationshipRow, PositionRow, LedgerBalanceRow


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


def exposures_holding(session: Session, symbols: Collection[str] | None) -> list[Exposure]:
    """Copying relationships whose book has a position (in one of ``symbols``, or any),
    by relationship id. A flat position (quantity 0) is left out of ``positions``: it
    adds nothing to the book's value and no protection applies to it."""
    query = _QUERY
    if symbols is not None:
        holders = select(_P.book).where(_P.symbol.in_(sorted(symbols))).distinct()
        query = query.where(_R.id.in_(holders))
    rows = session.execute(query).all()
    return [_exposure(rel_id, list(group)) for rel_id, group in groupby(rows, key=itemgetter(0))]


def _decimal(value: Any) -> Decimal:
    """A stored exact decimal as ``ExactDecimal`` reads it back."""
    if type(value) is Decimal:
        return value
    return Decimal(value if type(value) is str else str(value))


def _optional(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


def _exposure(rel_id: str, rows: list[Any]) -> Exposure:
    _, net_allocated, max_loss_pct, cash, *_ = rows[0]
    positions = []
    for row in rows:
        qty = _decimal(row[5])
        if qty:
            positions.append(
                HeldPosition(row[4], qty, _decimal(row[6]), _decimal(row[7]), bool(row[8]))
            )
    return Exposure(
        relationship_id=rel_id,
        net_allocated=_decimal(net_allocated),
        max_loss_pct=_decimal(max_loss_pct),
        cash=ZERO if cash is None else _decimal(cash),
        positions=tuple(positions),
        protections=_protections(rows[0][9:]),
    )


def _protections(values: Any) -> Protections | None:
    """The relationship's protections; None when it set none (the sweep skips it)."""
    copy_sl, copy_tp, take_profit, trailing, peak_equity, peak_net = map(_optional, values)
    if copy_sl is None and copy_tp is None and take_profit is None and trailing is None:
        return None
    peak = None if peak_equity is None or peak_net is None else Peak(peak_equity, peak_net)
    return Protections(copy_sl, copy_tp, take_profit, trailing, peak)
