"""What the max-loss sweep reads: every copying relationship holding a symbol, in one query.

One row per (relationship, position): the relationship's net allocation, max
loss % and own protections (docs/domain.md, "Follower protections"), its book's
allocation cash (the ledger balance, absent meaning 0) and
the position's quantity, cost and leverage, as plain values
(domain/copying/exposure.py). Stopped relationships are left out; a book's
positions are all of its rows, as ``PositionRepository.for_books`` loads them.
Each position carries the trigger prices in force on the provider's own position in
its symbol (docs/domain.md, "The provider's stop-loss and take-profit"), which the copy
mirrors: one outer join by primary key.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from copytrade.adapters.db.repositories.positions import triggers_in_force
from copytrade.adapters.db.schema import LedgerBalanceRow, PositionRow, RelationshipRow
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.copying.exposure import Exposure, HeldPosition, Peak, Protections
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.ledger import LedgerAccountKind
from copytrade.domain.values import USDT, ZERO

_R, _P, _B = RelationshipRow, PositionRow, LedgerBalanceRow
_PP = aliased(PositionRow, name="provider_position")
_QUERY = (
    select(
        _R.id,
        _R.net_allocated,
        _R.max_loss_pct,
        _B.balance,
        _P.symbol,
        _P.qty,
        _P.entry_cost,
        _P.leverage,
        _P.detached,
        _R.copy_stop_loss_pct,
        _R.copy_take_profit_pct,
        _R.take_profit_pct,
        _R.trailing_stop_pct,
        _R.peak_equity,
        _R.peak_net_allocated,
        _PP.stop_loss_price,
        _PP.take_profit_price,
    )
    .join(_P, _P.book == _R.id)
    .outerjoin(
        _PP,
        and_(
            _PP.book == _R.provider_id,
            _PP.symbol == _P.symbol,
            triggers_in_force(_PP),
        ),
    )
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
    by relationship id."""
    query = _QUERY
    if symbols is not None:
        holders = select(_P.book).where(_P.symbol.in_(sorted(symbols))).distinct()
        query = query.where(_R.id.in_(holders))
    rows = session.execute(query).all()
    return [_exposure(rel_id, list(group)) for rel_id, group in groupby(rows, key=itemgetter(0))]


def _exposure(rel_id: str, rows: list[Any]) -> Exposure:
    _, net_allocated, max_loss_pct, cash, *_ = rows[0]
    return Exposure(
        relationship_id=rel_id,
        net_allocated=net_allocated,
        max_loss_pct=max_loss_pct,
        cash=ZERO if cash is None else cash,
        positions=tuple(
            HeldPosition(r[4], r[5], r[6], r[7], bool(r[8]), _mirrored(r[15], r[16]))
            for r in rows
        ),
        protections=_protections(rows[0][9:15]),
    )


def _mirrored(stop_loss: Any, take_profit: Any) -> PositionTriggers | None:
    if stop_loss is None and take_profit is None:
        return None
    return PositionTriggers(stop_loss, take_profit)


def _protections(values: Any) -> Protections | None:
    """The relationship's protections; None when it set none (the sweep skips it)."""
    copy_sl, copy_tp, take_profit, trailing, peak_equity, peak_net = values
    if copy_sl is None and copy_tp is None and take_profit is None and trailing is None:
        return None
    peak = None if peak_equity is None or peak_net is None else Peak(peak_equity, peak_net)
    return Protections(copy_sl, copy_tp, take_profit, trailing, peak)
