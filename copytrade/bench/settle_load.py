"""The state ``bench settle`` settles: N copy relationships as the platform keeps them.

Per chunk of relationships, one transaction: follower and provider accounts and
provider terms (Core executemany), the relationships (``add_many``, HWM at the
first allocation), and every money movement as ledger transfers through
``uow.ledger.post_all`` (deposit, allocation, the book's realized PnL), so the
ledger's checks and zero sums hold; the venue side is each book's paper cash
balance, equal to its ledger cash. Books hold cash only (their PnL realized):
marking open positions is the fan-out's cost, not settlement's. PnL runs from
−30 % to +50 % of the allocation, so about 60 % of the books are above their
HWM and pay a share; every provider settles weekly.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.schema import AccountRow, PaperBalanceRow, ProviderRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import (
    CopyRelationship,
    CopySettings,
    RelationshipState,
    RelationshipStatus,
    SizingMode,
)
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.ledger import LedgerAccount, Transfer, allocate, deposit, realized_pnl
from copytrade.domain.values import USDT, ZERO, Money

CHUNK = 5_000  # relationships per set-up transaction (whole providers)
FOLLOWERS_PER_PROVIDER = 100
ALLOCATION = Decimal(1000)
_SETTINGS = CopySettings(mode=SizingMode.PROPORTIONAL)


@dataclass(frozen=True, slots=True)
class Book:
    relationship: str
    follower: str
    provider: str
    pnl: Decimal

    @property
    def cash(self) -> Decimal:
        return ALLOCATION + self.pnl


def books(count: int, seed: int = 7) -> list[Book]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        provider = f"p{i // FOLLOWERS_PER_PROVIDER:05d}"
        pnl = Decimal(rng.randint(-30_000, 50_000)) / 100
        found.append(Book(f"r{i:07d}", f"f{i:07d}", provider, pnl))
    return found


def load_books(
    session_factory: sessionmaker[Session],
    all_books: list[Book],
    created_at: datetime,
    advance: Callable[[int], None] = lambda _n: None,
) -> None:
    for start in range(0, len(all_books), CHUNK):
        chunk = all_books[start : start + CHUNK]
        _write(session_factory, chunk, created_at)
        advance(len(chunk))


def _write(session_factory: sessionmaker[Session], chunk: list[Book], ts: datetime) -> None:
    providers = sorted({b.provider for b in chunk})
    with SqlUnitOfWork(session_factory) as uow:
        session = uow.session
        accounts = [(p, True) for p in providers] + [(b.follower, False) for b in chunk]
        session.execute(
            insert(AccountRow),
            [{"id": a, "display_name": a, "is_provider": p, "created_at": ts} for a, p in accounts],
        )
        session.execute(insert(ProviderRow), [_terms(p) for p in providers])
        uow.relationships.add_many(_relationship(b, ts) for b in chunk)
        uow.ledger.post_all(_transfers(chunk, ts))
        session.execute(
            insert(PaperBalanceRow),
            [{"account": b.relationship, "currency": USDT.code, "amount": b.cash} for b in chunk],
        )
        uow.commit()


def _terms(provider: str) -> dict[str, object]:
    share = Decimal(10 + int(provider[1:]) % 21)  # 10 % to 30 %
    return {"account_id": provider, "share_pct": share, "settlement_period": "weekly"}


def _relationship(book: Book, ts: datetime) -> CopyRelationship:
    return CopyRelationship(
        id=RelationshipId(book.relationship),
        follower=FollowerId(book.follower),
        provider=ProviderId(book.provider),
        settings=_SETTINGS,
        state=RelationshipState(RelationshipStatus.ACTIVE, None),
        net_allocated=ALLOCATION,
        hwm=ALLOCATION,
        owed=ZERO,
        created_at=ts,
        risk_acknowledged_at=ts,
    )


def _transfers(chunk: list[Book], ts: datetime) -> Iterable[Transfer]:
    for book in chunk:
        user = AccountId(book.follower)
        rel = RelationshipId(book.relationship)
        money = Money(ALLOCATION, USDT)
        yield deposit(user, money, key=f"bench:dep:{user}", ts=ts)
        yield allocate(user, rel, money, key=f"bench:alloc:{rel}", ts=ts)
        if book.pnl:
            cash = LedgerAccount.allocation_cash(str(rel))
            yield realized_pnl(cash, book.pnl, key=f"bench:pnl:{rel}", ts=ts)
