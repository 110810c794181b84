"""Set-up for the fan-out benchmark: one perp, one provider, N proportional followers.

The provider goes through the ordinary services. Followers are written in bulk,
CHUNK per transaction, every table with one executemany (accounts, the day's
equity flow and the books' venue cash through SQLAlchemy Core; relationships
through ``add_many``; deposits and allocations through ``uow.ledger.post_all``,
so the ledger's checks, balances and zero sums hold): what N ``follow`` calls
leave behind, in time linear in N. Set-up time is measured apart from the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, insert

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.schema import AccountRow, EquitySnapshotRow, PaperBalanceRow
from copytrade.bootstrap import build_platform
from copytrade.domain.copying import (
    CopyRelationship,
    CopySettings,
    RelationshipState,
    SizingMode,
)
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.instruments import Instrument, InstrumentKind
from copytrade.domain.ledger import allocate, deposit
from copytrade.domain.values import USDT, Money
from copytrade.engine.bus import MessageBus
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.platform import Platform

START = datetime(2026, 1, 5, tzinfo=UTC)
PRICE = Decimal(50000)
PROVIDER = ProviderId("bench-provider")
PROVIDER_DEPOSIT = Decimal(100000)
# 2,000 × the provider's 5 % usage = 100 USDT = 0.002 BTC at 50,000: two lots above
# the minimum, so the fees of many round trips never size a copy down to a skip.
ALLOCATION = Decimal(2000)
CHUNK = 5_000  # followers per set-up transaction
_SETTINGS = CopySettings(mode=SizingMode.PROPORTIONAL)

PERP = Instrument(
    symbol="BTC/USDT:USDT",
    kind=InstrumentKind.PERP,
    base="BTC",
    quote=USDT,
    tick=Decimal("0.1"),
    lot_step=Decimal("0.001"),
    min_qty=Decimal("0.001"),
    min_notional=Decimal("5"),
    max_qty=Decimal("100"),
    maker_fee=Decimal("0.0002"),
    taker_fee=Decimal("0.0005"),
    max_leverage=Decimal("50"),
)


@dataclass(frozen=True)
class Population:
    platform: Platform
    clock: SimulatedClock
    db: Engine
    followers: int


def populate(
    db: Engine,
    followers: int,
    advance: Callable[[int], None] = lambda _n: None,
    fanout_bus: MessageBus | None = None,
) -> Population:
    """The provider and ``followers`` followers copying it, on the migrated database ``db``.

    ``advance(k)`` reports k more followers created (for a progress bar). With
    ``fanout_bus``, provider fills are relayed there for shard workers to fan out.
    """
    clock = SimulatedClock(START)
    platform = build_platform(db, [PERP], clock, fanout_bus=fanout_bus)
    platform.engine.on_price(PERP.symbol, PRICE, clock.now())
    accounts = platform.accounts
    accounts.register(AccountId(PROVIDER), "bench provider")
    accounts.make_provider(ProviderTerms(str(PROVIDER), Decimal(10)))
    accounts.deposit(AccountId(PROVIDER), PROVIDER_DEPOSIT, key=f"dep:{PROVIDER}")
    for start in range(0, followers, CHUNK):
        count = min(CHUNK, followers - start)
        _add_followers(platform, start, count)
        advance(count)
    platform.engine.relationships.invalidate()
    return Population(platform, clock, db, followers)


def _add_followers(platform: Platform, start: int, count: int) -> None:
    """``count`` followers, each depositing and allocating ALLOCATION, in one transaction."""
    now = platform.clock.now()
    rels = [_relationship(index, now) for index in range(start, start + count)]
    money = Money(ALLOCATION, USDT)
    with platform.uow() as uow:
        session = uow.session
        session.execute(
            insert(AccountRow),
            [
                {"id": f, "display_name": f, "is_provider": False, "created_at": now}
                for f in (str(rel.follower) for rel in rels)
            ],
        )
        uow.relationships.add_many(rels)
        uow.ledger.post_all(
            transfer
            for rel in rels
            for transfer in (
                deposit(AccountId(rel.follower), money, key=f"dep:{rel.follower}", ts=now),
                allocate(AccountId(rel.follower), rel.id, money, key=f"allocate:{rel.id}", ts=now),
            )
        )
        # The day's first flow of a new book: equity and net flow both the allocation.
        day = now.date()
        session.execute(
            insert(EquitySnapshotRow),
            [
                {"book": rel.book, "day": day, "equity": ALLOCATION, "net_flow": ALLOCATION}
                for rel in rels
            ],
        )
        # The venue cash of each book, as ``PaperVenue.deposit`` leaves it (same database).
        session.execute(
            insert(PaperBalanceRow),
            [{"account": rel.book, "currency": USDT.code, "amount": ALLOCATION} for rel in rels],
        )
        uow.commit()


def _relationship(index: int, now: datetime) -> CopyRelationship:
    return bench_relationship(FollowerId(f"f{index:06d}"), PROVIDER, ALLOCATION, now)


def bench_relationship(
    follower: FollowerId, provider: ProviderId, allocation: Decimal, now: datetime
) -> CopyRelationship:
    """A proportional copy relationship with default settings, just allocated, as
    ``follow`` stores it (the benchmarks write them in bulk)."""
    return CopyRelationship(
        id=RelationshipId(f"{follower}:{provider}"),
        follower=follower,
        provider=provider,
        settings=_SETTINGS,
        state=RelationshipState(),
        net_allocated=allocation,
        hwm=allocation,
        owed=Decimal(0),
        created_at=now,
        risk_acknowledged_at=now,
    )
