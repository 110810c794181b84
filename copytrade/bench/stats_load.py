"""Write the generated provider records into a migrated database, in bulk.

Per chunk of providers, one transaction: accounts and provider terms (Core
executemany: the repositories add one account per flush), closed trades
(``uow.trades.add_many``) with their day and total tallies
(``uow.trade_tallies``, as the ingestor writes them when it books a provider's
closing fill), daily equity snapshots (Core executemany: the repository's
``add_flow``/``record_close`` read before each write), copy
relationships (``uow.relationships.add_many``) and every money movement as
ledger transfers through ``uow.ledger.post_all`` (so the ledger's checks and
zero sums hold). Two shortcuts, both invisible to statistics: a provider's
trades reach its ledger balance as one realized-PnL transfer (their sum),
and a stopped relationship keeps its cash (its release is not posted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.schema import AccountRow, EquitySnapshotRow, ProviderRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.bench.stats_data import (
    DEPOSIT,
    INSTRUMENTS,
    START,
    FollowerRecord,
    ProviderRecord,
    StatsDataConfig,
    generate,
)
from copytrade.domain.copying import (
    CopyRelationship,
    CopySettings,
    RelationshipState,
    RelationshipStatus,
    SizingMode,
    StopReason,
)
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.ledger import LedgerAccount, Transfer, allocate, deposit, realized_pnl
from copytrade.domain.values import USDT, ZERO, Money

CHUNK = 50  # providers per transaction (~25,000 trades at 500 each)
_SETTINGS = CopySettings(mode=SizingMode.PROPORTIONAL)


@dataclass(frozen=True, slots=True)
class LoadedData:
    providers: int
    trades: int
    relationships: int


def load_stats_data(
    session_factory: sessionmaker[Session],
    config: StatsDataConfig,
    advance: Callable[[int], None] = lambda _n: None,
) -> LoadedData:
    """Instruments, then every provider's record in chunks; ``advance(k)``: k more done."""
    with SqlUnitOfWork(session_factory, INSTRUMENTS) as uow:
        uow.instruments.save(INSTRUMENTS.values())
        uow.commit()
    trades = relationships = 0
    chunk: list[ProviderRecord] = []
    for record in generate(config):
        chunk.append(record)
        trades += len(record.trades)
        relationships += len(record.followers)
        if len(chunk) == CHUNK:
            _write(session_factory, chunk, config)
            advance(len(chunk))
            chunk = []
    if chunk:
        _write(session_factory, chunk, config)
        advance(len(chunk))
    return LoadedData(config.providers, trades, relationships)


def _write(
    session_factory: sessionmaker[Session], records: list[ProviderRecord], config: StatsDataConfig
) -> None:
    last_day = START.date() + timedelta(days=config.days - 1)
    with SqlUnitOfWork(session_factory, INSTRUMENTS) as uow:
        session = uow.session
        session.execute(insert(AccountRow), list(_accounts(records)))
        providers = [{"account_id": r.provider, "share_pct": r.share_pct} for r in records]
        session.execute(insert(ProviderRow), providers)
        trades = [trade for record in records for trade in record.trades]
        uow.trades.add_many(trades)
        uow.trade_tallies.add_trades(trades)  # as the engine's booking of provider fills
        session.execute(insert(EquitySnapshotRow), list(_snapshots(records, last_day)))
        uow.relationships.add_many(
            _relationship(record.provider, follower)
            for record in records
            for follower in record.followers
        )
        uow.ledger.post_all(_transfers(records))
        uow.commit()


def relationship_id(provider: str, follower: FollowerRecord) -> str:
    return f"{follower.follower}:{provider}"


def _snapshots(records: list[ProviderRecord], last_day: date) -> Iterable[dict[str, object]]:
    """Each provider's daily series; each relationship's first day and last day."""
    for record in records:
        for point in record.equity:
            yield _snapshot(record.provider, point.day, point.equity, point.net_flow)
        for follower in record.followers:
            book = relationship_id(record.provider, follower)
            first = follower.allocation
            yield _snapshot(book, START.date(), first, first)
            yield _snapshot(book, last_day, first + follower.pnl, ZERO)


def _snapshot(book: str, day: date, equity: Decimal, flow: Decimal) -> dict[str, object]:
    return {"book": book, "day": day, "equity": equity, "net_flow": flow}


def _accounts(records: list[ProviderRecord]) -> Iterable[dict[str, object]]:
    for record in records:
        yield {"id": record.provider, "display_name": f"Provider {record.provider}",
               "is_provider": True, "created_at": START}  # fmt: skip
        for follower in record.followers:
            yield {"id": follower.follower, "display_name": follower.follower,
                   "is_provider": False, "created_at": START}  # fmt: skip


def _relationship(provider: str, follower: FollowerRecord) -> CopyRelationship:
    status = RelationshipStatus(follower.status)
    stopped = status is RelationshipStatus.STOPPED
    return CopyRelationship(
        id=RelationshipId(relationship_id(provider, follower)),
        follower=FollowerId(follower.follower),
        provider=ProviderId(provider),
        settings=_SETTINGS,
        state=RelationshipState(status, StopReason.FOLLOWER if stopped else None),
        net_allocated=follower.allocation,
        hwm=follower.allocation,
        owed=ZERO,
        created_at=START,
        risk_acknowledged_at=START,
    )


def _transfers(records: list[ProviderRecord]) -> Iterable[Transfer]:
    """Deposits and allocations, and the realized PnL of each book, as ledger transfers."""
    for record in records:
        provider = AccountId(record.provider)
        yield deposit(provider, Money(DEPOSIT, USDT), key=f"bench:dep:{provider}", ts=START)
        total = sum((trade.pnl for trade in record.trades), ZERO)
        free = LedgerAccount.follower_free(record.provider)
        if total:
            yield realized_pnl(free, total, key=f"bench:pnl:{provider}", ts=START)
        for follower in record.followers:
            user = AccountId(follower.follower)
            rel = RelationshipId(relationship_id(record.provider, follower))
            money = Money(follower.allocation, USDT)
            yield deposit(user, money, key=f"bench:dep:{user}", ts=START)
            yield allocate(user, rel, money, key=f"bench:alloc:{rel}", ts=START)
            if follower.pnl:
                cash = LedgerAccount.allocation_cash(str(rel))
                yield realized_pnl(cash, follower.pnl, key=f"bench:pnl:{rel}", ts=START)
