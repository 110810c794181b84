"""Copy relationships with their settings, lifecycle state and money bookkeeping."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.repositories.exposures import Mirrored, exposures_holding
from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import PositionRow, RelationshipRow
from copytrade.domain.copying import (
    CopyRelationship,
    CopySettings,
    RelationshipState,
    RelationshipStatus,
    parse_mode,
    parse_pause_reason,
    parse_stop_reason,
)
from copytrade.domain.copying.exposure import Exposure, Peak
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import FollowerId, ProviderId, RelationshipId
from copytrade.domain.margin_mode import MarginMode


class UnknownRelationshipError(DomainError, LookupError):
    """No copy relationship has that id."""


def _symbols(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _relationship(row: RelationshipRow) -> CopyRelationship:
    settings = CopySettings(
        mode=parse_mode(row.mode),
        fixed_amount=row.fixed_amount,
        multiplier=row.multiplier,
        leverage=row.leverage,
        max_per_trade_pct=row.max_per_trade_pct,
        max_open_trades=row.max_open_trades,
        max_loss_pct=row.max_loss_pct,
        slippage_pct=row.slippage_pct,
        whitelist=_symbols(row.symbols_allowed),
        blacklist=_symbols(row.symbols_blocked),
        close_on_stop=row.close_on_stop,
        copy_open_positions=row.copy_open_positions,
        copy_stop_loss_pct=row.copy_stop_loss_pct,
        copy_take_profit_pct=row.copy_take_profit_pct,
        take_profit_pct=row.take_profit_pct,
        trailing_stop_pct=row.trailing_stop_pct,
        margin_mode=MarginMode.parse(row.margin_mode),
    )
    stop_reason = parse_stop_reason(row.stop_reason) if row.stop_reason else None
    pause_reason = parse_pause_reason(row.pause_reason) if row.pause_reason else None
    return CopyRelationship(
        id=RelationshipId(row.id),
        follower=FollowerId(row.follower_id),
        provider=ProviderId(row.provider_id),
        settings=settings,
        state=RelationshipState(RelationshipStatus(row.status), stop_reason, pause_reason),
        net_allocated=row.net_allocated,
        hwm=row.hwm,
        owed=row.owed,
        created_at=row.created_at,
        risk_acknowledged_at=row.risk_acknowledged_at,
    )


def _values(rel: CopyRelationship) -> dict[str, object]:
    s = rel.settings
    return {
        "status": rel.state.status.value,
        "stop_reason": rel.state.stop_reason.value if rel.state.stop_reason else None,
        "pause_reason": rel.state.pause_reason.value if rel.state.pause_reason else None,
        "mode": s.mode.value,
        "fixed_amount": s.fixed_amount,
        "multiplier": s.multiplier,
        "leverage": s.leverage,
        "max_per_trade_pct": s.max_per_trade_pct,
        "max_open_trades": s.max_open_trades,
        "max_loss_pct": s.max_loss_pct,
        "slippage_pct": s.slippage_pct,
        "symbols_allowed": " ".join(sorted(s.whitelist)),
        "symbols_blocked": " ".join(sorted(s.blacklist)),
        "close_on_stop": s.close_on_stop,
        "copy_open_positions": s.copy_open_positions,
        "copy_stop_loss_pct": s.copy_stop_loss_pct,
        "copy_take_profit_pct": s.copy_take_profit_pct,
        "take_profit_pct": s.take_profit_pct,
        "trailing_stop_pct": s.trailing_stop_pct,
        "margin_mode": s.margin_mode.value,
        "net_allocated": rel.net_allocated,
        "hwm": rel.hwm,
        "owed": rel.owed,
        "risk_acknowledged_at": rel.risk_acknowledged_at,
    }


def _new_row(rel: CopyRelationship) -> dict[str, object]:
    return {
        "id": str(rel.id),
        "follower_id": str(rel.follower),
        "provider_id": str(rel.provider),
        "created_at": rel.created_at,
        "updated_at": rel.created_at,
        **_values(rel),
    }


@dataclass(frozen=True, slots=True)
class HwmState:
    """A relationship's parties and its high-watermark state (docs/domain.md, Profit share)."""

    relationship_id: str
    follower_id: str
    provider_id: str
    hwm: Decimal
    owed: Decimal
    # What the max-loss rule needs after a settlement's debit (docs/engine.md, "Max loss").
    net_allocated: Decimal
    max_loss_pct: Decimal


_TABLE = cast(Table, RelationshipRow.__table__)
_SET_HWM = BulkStatement(
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(hwm=bindparam("hwm"), owed=bindparam("owed"), updated_at=bindparam("updated_at")),
    ("b_id", "hwm", "owed", "updated_at"),
)
_SET_PEAK = BulkStatement(
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        peak_equity=bindparam("peak"),
        peak_net_allocated=bindparam("peak_net"),
        updated_at=bindparam("updated_at"),
    ),
    ("b_id", "peak", "peak_net", "updated_at"),
)
_HWM_QUERY = select(
    _TABLE.c.id,
    _TABLE.c.follower_id,
    _TABLE.c.provider_id,
    _TABLE.c.hwm,
    _TABLE.c.owed,
    _TABLE.c.net_allocated,
    _TABLE.c.max_loss_pct,
).where(_TABLE.c.id.in_(keys_param()))
_HWM_STATES = KeyedSelect(_HWM_QUERY)


def _locking(order: Any) -> KeyedSelect:
    return KeyedSelect(_HWM_QUERY.order_by(order).with_for_update())


_LOCKED_HWM_STATES = {  # ``COLLATE "C"`` on PostgreSQL: Python's order, as the ledger's locks
    "postgresql": _locking(_TABLE.c.id.collate("C")),
    "sqlite": _locking(_TABLE.c.id),
}


class Copier(NamedTuple):
    """A relationship as the copier figures see it: its book, copying or not, net allocated."""

    provider_id: str
    book: str
    copying: bool  # not stopped: a paused relationship still holds its copies
    net_allocated: Decimal


class RelationshipRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rel: CopyRelationship) -> None:
        self._session.add(RelationshipRow(**_new_row(rel)))
        self._session.flush()

    def add_many(self, rels: Iterable[CopyRelationship]) -> None:
        """Insert new relationships in one executemany (bulk set-up: benches, imports)."""
        rows = [_new_row(rel) for rel in rels]
        if rows:
            self._session.execute(insert(RelationshipRow), rows)

    def get(self, rel_id: str, for_update: bool = False) -> CopyRelationship:
        """The relationship; ``for_update`` locks its row until the transaction ends,
        for a read-modify-write of its money (HWM, owed, net allocation) that a
        settlement must not overwrite, nor be overwritten by (docs/settlement.md)."""
        row = self._session.get(RelationshipRow, rel_id, with_for_update=for_update or None)
        if row is None:
            raise UnknownRelationshipError(f"no copy relationship {rel_id!r}")
        return _relationship(row)

    def hwm_states(self, rel_ids: Sequence[str]) -> list[HwmState]:
        """The profit-share state of many relationships (what a settlement needs), in
        the order of ``rel_ids``; unknown ids are left out."""
        found = {row.id: HwmState(*row) for row in _HWM_STATES.rows(self._session, rel_ids)}
        return [found[rel_id] for rel_id in rel_ids if rel_id in found]

    def lock_hwm_states(self, rel_ids: Iterable[str]) -> list[HwmState]:
        """``hwm_states`` with the rows locked until the transaction ends, in id order.

        Every locker of many rows locks in this one order, so two settlement runs
        cannot deadlock. SQLite ignores FOR UPDATE: its BEGIN IMMEDIATE already
        serialises writers, so the read only has to be in the writing transaction.
        """
        dialect = self._session.get_bind().dialect.name
        query = _LOCKED_HWM_STATES["postgresql" if dialect == "postgresql" else "sqlite"]
        return [HwmState(*row) for row in query.rows(self._session, sorted(set(rel_ids)))]

    def set_hwm_many(self, states: Iterable[HwmState], now: datetime) -> None:
        """Write new HWM and owed amounts, one executemany by primary key."""
        rows = [
            {"b_id": s.relationship_id, "hwm": s.hwm, "owed": s.owed, "updated_at": now}
            for s in states
        ]
        _SET_HWM.execute(self._session, rows)

    def save(self, rel: CopyRelationship, now: datetime) -> None:
        self.save_many([rel], now)

    def save_many(self, rels: Iterable[CopyRelationship], now: datetime) -> None:
        rows = [{"id": str(r.id), "updated_at": now, **_values(r)} for r in rels]
        if rows:
            self._session.execute(update(RelationshipRow), rows)

    def for_provider(
        self, provider: str, statuses: Sequence[RelationshipStatus] | None = None
    ) -> list[CopyRelationship]:
        query = select(RelationshipRow).where(RelationshipRow.provider_id == provider)
        if statuses is not None:
            query = query.where(RelationshipRow.status.in_([s.value for s in statuses]))
        rows = self._session.scalars(query.order_by(RelationshipRow.id))
        return [_relationship(row) for row in rows]

    def count_for_provider(self, provider: str, statuses: Sequence[RelationshipStatus]) -> int:
        """How many of a provider's relationships have one of these statuses."""
        query = select(func.count()).where(
            RelationshipRow.provider_id == provider,
            RelationshipRow.status.in_([s.value for s in statuses]),
        )
        return int(self._session.scalar(query) or 0)

    def copiers_of(self, providers: Sequence[str]) -> list[Copier]:
        """What the copier figures need of every relationship of many providers."""
        rel = RelationshipRow
        found: list[Copier] = []
        query = select(rel.provider_id, rel.id, rel.status, rel.net_allocated)
        for part in chunks(providers):
            rows = self._session.execute(query.where(rel.provider_id.in_(part)).order_by(rel.id))
            found.extend(
                Copier(provider, book, status != RelationshipStatus.STOPPED.value, allocated)
                for provider, book, status, allocated in rows
            )
        return found

    def for_providers(self, providers: Sequence[str]) -> list[CopyRelationship]:
        """Every relationship of many providers (any status), in a query per chunk."""
        found: list[CopyRelationship] = []
        for part in chunks(providers):
            query = select(RelationshipRow).where(RelationshipRow.provider_id.in_(part))
            found.extend(
                map(_relationship, self._session.scalars(query.order_by(RelationshipRow.id)))
            )
        return found

    def for_follower(self, follower: str) -> list[CopyRelationship]:
        query = select(RelationshipRow).where(RelationshipRow.follower_id == follower)
        rows = self._session.scalars(query.order_by(RelationshipRow.created_at, RelationshipRow.id))
        return [_relationship(row) for row in rows]

    def for_followers(self, followers: Collection[str]) -> dict[str, list[CopyRelationship]]:
        """``for_follower`` of many followers, in a query per chunk (a follower without
        relationships maps to an empty list)."""
        found: dict[str, list[CopyRelationship]] = {f: [] for f in followers}
        order = (RelationshipRow.created_at, RelationshipRow.id)
        for part in chunks(sorted(found)):
            query = select(RelationshipRow).where(RelationshipRow.follower_id.in_(part))
            for row in self._session.scalars(query.order_by(*order)):
                found[row.follower_id].append(_relationship(row))
        return found

    def allocations_of(
        self, follower: str, statuses: Sequence[RelationshipStatus]
    ) -> dict[str, Decimal]:
        """The net allocation of each of a follower's relationships with these statuses."""
        rel = RelationshipRow
        query = select(rel.id, rel.net_allocated).where(
            rel.follower_id == follower, rel.status.in_([s.value for s in statuses])
        )
        return {rel_id: amount for rel_id, amount in self._session.execute(query)}

    def all(self) -> list[CopyRelationship]:
        rows = self._session.scalars(select(RelationshipRow).order_by(RelationshipRow.id))
        return [_relationship(row) for row in rows]

    def holding(self, symbols: Collection[str] | None = None) -> list[CopyRelationship]:
        """Relationships whose book has a position (in one of ``symbols``, or any)."""
        books = select(PositionRow.book)
        if symbols is not None:
            books = books.where(PositionRow.symbol.in_(sorted(symbols)))
        query = select(RelationshipRow).where(RelationshipRow.id.in_(books.distinct()))
        return [
            _relationship(row) for row in self._session.scalars(query.order_by(RelationshipRow.id))
        ]

    def exposures(
        self, symbols: Collection[str] | None = None, mirrored: Mirrored | None = None
    ) -> list[Exposure]:
        """What the max-loss sweep needs of the copying relationships ``holding`` them;
        ``mirrored``: the providers' trigger prices by (provider, symbol), which each
        copy's position mirrors."""
        return exposures_holding(self._session, symbols, mirrored or {})

    def symbol_holdings(self, followers: Sequence[str], symbol: str) -> dict[str, Decimal]:
        """The quantity (in absolute value) each follower's relationships that are not
        stopped hold in ``symbol``, summed over them (docs/domain.md, "Limits across
        providers"); followers holding none are left out."""
        rel, pos = RelationshipRow, PositionRow
        query = (
            select(rel.follower_id, func.sum(func.abs(pos.qty)))
            .join(pos, pos.book == rel.id)
            .where(pos.symbol == symbol, rel.status != RelationshipStatus.STOPPED.value)
            .group_by(rel.follower_id)
        )
        found: dict[str, Decimal] = {}
        for part in chunks(followers):
            rows = self._session.execute(query.where(rel.follower_id.in_(part)))
            found.update({follower: Decimal(qty) for follower, qty in rows if qty})
        return found

    def set_peaks(self, peaks: Mapping[str, Peak], now: datetime) -> None:
        """Store new trailing-stop peaks (docs/domain.md, "Follower protections"), one
        executemany by primary key."""
        rows = [
            {"b_id": rel_id, "peak": p.equity, "peak_net": p.net_allocated, "updated_at": now}
            for rel_id, p in peaks.items()
        ]
        _SET_PEAK.execute(self._session, rows)

    def clear_peak(self, rel_id: str) -> None:
        """Forget the trailing stop's peak: the next mark starts it again."""
        self._session.execute(
            update(_TABLE)
            .where(_TABLE.c.id == rel_id)
            .values(peak_equity=None, peak_net_allocated=None)
        )
