"""The money side of a follower's actions: allocation cash into a book and back out, in
the ledger and (recorded for after the commit) at the venue (docs/domain.md, Copying;
docs/venues.md, "Followers on their own accounts")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import release
from copytrade.domain.profit_share import HighWatermark
from copytrade.domain.values import USDT, Money
from copytrade.engine.venue_cash import RecordedMoves, cash_move, record_moves
from copytrade.service_layer.live_following import live_release


class CopyActionError(DomainError):
    """A follower action that cannot be done as asked (the message says why)."""


def release_moves(
    uow: SqlUnitOfWork, rel: CopyRelationship, amount: Decimal, key: str, now: datetime
) -> RecordedMoves:
    """Allocation cash back to the follower's free balance, in the ledger and (recorded
    for after the commit) at the venue: out of the book, and into the follower's own
    venue account when the follower is a provider.

    A live relationship's allocation is money of the follower's exchange account: it
    goes back to that account (``live_account``), never to the platform balance,
    and no paper cash moves (docs/venues.md, "Followers on their own accounts")."""
    exchange_account = uow.live.account_of(str(rel.id))
    if exchange_account is not None:
        uow.ledger.post(live_release(rel.id, exchange_account, amount, key, now))
        uow.equity.add_flow(rel.book, now.date(), -amount)
        return record_moves(uow, key, [], now)
    uow.ledger.post(
        release(rel.id, AccountId(rel.follower), Money(amount, USDT), key=key, ts=now)
    )
    uow.equity.add_flow(rel.book, now.date(), -amount)
    moves = [cash_move(key, rel.book, -amount)]
    if uow.accounts.is_provider(str(rel.follower)):
        moves.append(cash_move(key, str(rel.follower), amount))
        uow.equity.add_flow(str(rel.follower), now.date(), amount)
    return record_moves(uow, key, moves, now)


def allocation_moves(
    uow: SqlUnitOfWork,
    rel: CopyRelationship,
    amount: Decimal,
    key: str,
    follower_venue_cash: Decimal,
    now: datetime,
) -> RecordedMoves:
    """The venue side of an allocation: into the book, and out of the follower's own
    venue account when the follower is a provider, whose free balance is that
    account's cash (so the same cash cannot also back its own trades)."""
    moves = [cash_move(key, rel.book, amount)]
    if uow.accounts.is_provider(str(rel.follower)):
        if amount > follower_venue_cash:
            raise CopyActionError(
                f"{rel.follower} can allocate at most {follower_venue_cash} USDT: its free "
                f"cash at the venue (open perp losses and funds in orders count against it)"
            )
        moves.append(cash_move(key, str(rel.follower), -amount))
        # Its own trading equity falls by the allocation: a flow, not a loss.
        uow.equity.add_flow(str(rel.follower), now.date(), -amount)
    return record_moves(uow, key, moves, now)


def with_money(
    rel: CopyRelationship, net_allocated: Decimal, hwm: HighWatermark
) -> CopyRelationship:
    return replace(rel, net_allocated=net_allocated, hwm=hwm.hwm, owed=hwm.owed)
