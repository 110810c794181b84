"""The fake's book repositories: ledger, positions, relationships (memory_uow.py)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.domain.copying import CopyRelationship, RelationshipStatus
from copytrade.domain.copying.exposure import Exposure, HeldPosition, Protections
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import LedgerAccount, Transfer
from copytrade.domain.positions import PositionState

from .state import restore
from .undo import UndoLog


class MemoryLedger:
    """The domain's in-memory ledger behind the pipeline's ledger port."""

    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def balances_of(self, accounts: Sequence[LedgerAccount]) -> dict[str, Decimal]:
        ledger = self._state.ledger
        return {account.key: ledger.balance(account) for account in accounts}

    def post_all(self, transfers: Iterable[Transfer]) -> list[Transfer]:
        """Each posted with the domain's rules; a refusal raises, and the unit of work
        (left uncommitted) discards the transfers posted before it."""
        return [self._log.post(t).transfer for t in transfers]


class MemoryPositions:
    def __init__(self, log: UndoLog, instruments: Mapping[str, Instrument]) -> None:
        self._log = log
        self._state = log.state
        self._instruments = instruments

    def for_books(self, books: Sequence[str]) -> dict[tuple[str, str], StoredPosition]:
        wanted = set(books)
        return {
            key: StoredPosition(
                restore(self._instruments, key, state),
                True,
                detached,
                key in self._state.liquidated,
            )
            for key, (state, detached) in sorted(self._state.positions.items())
            if key[0] in wanted
        }

    def save_many(self, positions: Iterable[StoredPosition]) -> None:
        """As the SQL repository: flat positions are deleted unless detached."""
        for item in positions:
            key = (str(item.position.account), item.position.instrument.symbol)
            if item.liquidated:
                self._log.add("liquidated", key)
            else:
                self._log.discard("liquidated", key)
            if item.position.is_flat and not (item.detached or item.liquidated):
                self._log.remove("positions", key)
                item.stored = False
                continue
            self._log.put("positions", key, (item.position.state(), item.detached))
            item.stored = True

    def clear_triggers(self, keys: Sequence[tuple[str, str]]) -> None:
        """The fake stores no trigger prices (the mark sweep reads them from SQL only)."""


class MemoryRelationships:
    def __init__(self, log: UndoLog, instruments: Mapping[str, Instrument]) -> None:
        self._log = log
        self._state = log.state
        self._instruments = instruments

    def get(self, rel_id: str, for_update: bool = False) -> CopyRelationship:
        """``for_update`` locks nothing: the fake serves one thread, so each unit of work
        already reads the state as the last commit left it."""
        found = self._state.relationships.get(rel_id)
        if found is None:
            raise UnknownRelationshipError(f"no copy relationship {rel_id!r}")
        return found

    def save(self, rel: CopyRelationship, now: datetime) -> None:
        self.get(str(rel.id))
        self._log.put("relationships", str(rel.id), rel)

    def for_provider(
        self, provider: str, statuses: Sequence[RelationshipStatus] | None = None
    ) -> list[CopyRelationship]:
        return [
            rel
            for _, rel in sorted(self._state.relationships.items())
            if str(rel.provider) == provider and (statuses is None or rel.state.status in statuses)
        ]

    def all(self) -> list[CopyRelationship]:
        return [rel for _, rel in sorted(self._state.relationships.items())]

    def exposures(
        self,
        symbols: Collection[str] | None = None,
        mirrored: Mapping[tuple[str, str], PositionTriggers] | None = None,
    ) -> list[Exposure]:
        """As the SQL query: copying relationships holding a position (in ``symbols``),
        each position mirroring ``mirrored[(provider, symbol)]``."""
        held: dict[str, list[tuple[str, PositionState]]] = {}
        for (book, symbol), (state, _) in sorted(self._state.positions.items()):
            held.setdefault(book, []).append((symbol, state))
        found = []
        for rel in self.all():
            positions = [
                HeldPosition(symbol, state.qty, state.entry_cost, state.leverage,
                             mirrored=(mirrored or {}).get((str(rel.provider), symbol)))
                for symbol, state in held.get(rel.book, [])
            ]  # fmt: skip
            if rel.state.status is RelationshipStatus.STOPPED or not positions:
                continue
            if symbols is not None and not any(p.symbol in symbols for p in positions):
                continue
            cash = self._state.ledger.balance(LedgerAccount.allocation_cash(rel.book))
            found.append(
                Exposure(
                    relationship_id=str(rel.id),
                    net_allocated=rel.net_allocated,
                    max_loss_pct=rel.settings.max_loss_pct,
                    cash=cash,
                    positions=tuple(positions),
                    protections=_protections(rel),
                )
            )
        return found

    def symbol_holdings(self, followers: Sequence[str], symbol: str) -> dict[str, Decimal]:
        """As the SQL query: each follower's |qty| in ``symbol`` over its copying books."""
        wanted = set(followers)
        found: dict[str, Decimal] = {}
        for rel in self.all():
            if rel.state.status is RelationshipStatus.STOPPED or rel.follower not in wanted:
                continue
            entry = self._state.positions.get((rel.book, symbol))
            if entry is not None and entry[0].qty:
                found[rel.follower] = found.get(rel.follower, Decimal(0)) + abs(entry[0].qty)
        return found


def _protections(rel: CopyRelationship) -> Protections | None:
    """The relationship's protections as the SQL query reads them (no stored peak here)."""
    s = rel.settings
    values = (s.copy_stop_loss_pct, s.copy_take_profit_pct, s.take_profit_pct, s.trailing_stop_pct)
    return None if all(v is None for v in values) else Protections(*values)
