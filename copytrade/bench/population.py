"""Set-up for the fan-out benchmark: one perp, one provider, N proportional followers.

The provider goes through the ordinary services. Followers are created in
batches, still through the repositories and the ledger (so every invariant of
a real follow holds: accounts, deposits and allocations posted as transfers,
relationships stored, the day's equity flow, the venue cash of each book),
because 10,000 separate follow transactions would take longer than the
benchmark itself. Set-up time is measured apart from the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.venues.paper import store
from copytrade.adapters.venues.paper.transaction import venue_transaction
from copytrade.bootstrap import build_platform
from copytrade.config import Settings, SqliteSync
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
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.platform import Platform

START = datetime(2026, 1, 5, tzinfo=UTC)
PRICE = Decimal(50000)
PROVIDER = ProviderId("bench-provider")
PROVIDER_DEPOSIT = Decimal(100000)
# 2,000 × the provider's 5 % usage = 100 USDT = 0.002 BTC at 50,000: two lots above
# the minimum, so the fees of many round trips never size a copy down to a skip.
ALLOCATION = Decimal(2000)
BATCH = 1000

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


def database_settings(directory: Path, name: str, synchronous: SqliteSync) -> Settings:
    return Settings(database_url=f"sqlite:///{directory / name}", sqlite_synchronous=synchronous)


def populate(
    settings: Settings, followers: int, advance: Callable[[int], None] = lambda _n: None
) -> Population:
    """A migrated database with the provider and ``followers`` followers copying it.

    ``advance(k)`` reports k more followers created (for a progress bar).
    """
    db = make_engine(settings)
    upgrade_database(db)
    clock = SimulatedClock(START)
    platform = build_platform(db, [PERP], clock)
    platform.engine.on_price(PERP.symbol, PRICE, clock.now())
    accounts = platform.accounts
    accounts.register(AccountId(PROVIDER), "bench provider")
    accounts.make_provider(ProviderTerms(str(PROVIDER), Decimal(10)))
    accounts.deposit(AccountId(PROVIDER), PROVIDER_DEPOSIT, key=f"dep:{PROVIDER}")
    for start in range(0, followers, BATCH):
        count = min(BATCH, followers - start)
        _add_followers(platform, db, start, count)
        advance(count)
    platform.engine.relationships.invalidate()
    return Population(platform, clock, db, followers)


def _add_followers(platform: Platform, db: Engine, start: int, count: int) -> None:
    """``count`` followers, each depositing and allocating ALLOCATION, in one transaction."""
    now = platform.clock.now()
    settings = CopySettings(mode=SizingMode.PROPORTIONAL)
    books: list[str] = []
    with platform.uow() as uow:
        transfers = []
        for index in range(start, start + count):
            follower = FollowerId(f"f{index:06d}")
            rel_id = RelationshipId(f"{follower}:{PROVIDER}")
            uow.accounts.add(str(follower), str(follower), now)
            money = Money(ALLOCATION, USDT)
            transfers.append(deposit(AccountId(follower), money, key=f"dep:{follower}", ts=now))
            transfers.append(
                allocate(AccountId(follower), rel_id, money, key=f"allocate:{rel_id}", ts=now)
            )
            rel = CopyRelationship(
                id=rel_id,
                follower=follower,
                provider=PROVIDER,
                settings=settings,
                state=RelationshipState(),
                net_allocated=ALLOCATION,
                hwm=ALLOCATION,
                owed=Decimal(0),
                created_at=now,
                risk_acknowledged_at=now,
            )
            uow.relationships.add(rel)
            uow.equity.add_flow(rel.book, now.date(), ALLOCATION)
            books.append(rel.book)
        uow.ledger.post_all(transfers)
        uow.commit()
    _fund_venue_books(db, books)


def _fund_venue_books(db: Engine, books: list[str]) -> None:
    """What ``PaperVenue.deposit`` does for each book, in one venue transaction."""
    with venue_transaction(db, write=True) as session:
        loaded = store.load_books(session, books, {PERP.symbol: PERP})
        for book in loaded.values():
            book.add_cash(USDT.code, ALLOCATION)
        store.save_books(session, loaded.values())
