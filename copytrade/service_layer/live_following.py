"""Followers on their own exchange accounts: marking a copy relationship live.

A live relationship's allocation is a sub-account that copytrade tracks inside the
follower's linked exchange account (trade-only keys): its copies are sent to that
account through ccxt, and its books keep what they always keep (cash, positions,
fills). The money is the exchange account's, not the platform's, so marking a
relationship live hands the paper allocation back to the follower's platform balance
and books the same amount as coming from the exchange account (ledger kind
``live_account``): the allocation's cash is unchanged, the ledger still sums to zero
(docs/venues.md, "Followers on their own accounts").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.linked_accounts import LinkedAccountRepository
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.ledger.movements import move
from copytrade.domain.ledger.transfers import Transfer, TransferKind
from copytrade.domain.values import ZERO
from copytrade.engine.books import load_books
from copytrade.engine.venue_cash import VenueCash, cash_move, record_moves


class LiveFollowingError(DomainError):
    """A relationship cannot be copied live as asked (the message says why)."""


def live_key(rel_id: RelationshipId | str) -> str:
    """The ledger key of the transfer that makes a relationship's allocation live."""
    return f"live:{rel_id}"


def live_release(
    rel_id: RelationshipId | str, exchange_account: str, amount: Decimal, key: str,
    now: datetime,
) -> Transfer:
    """A live allocation's cash goes back to its exchange account (a withdrawal or a
    stop): it never was the platform's."""
    return move(
        TransferKind.RELEASE,
        LedgerAccount.allocation_cash(str(rel_id)),
        LedgerAccount.live_account(exchange_account),
        amount, key=key, ts=now, memo="live allocation back to its exchange account",
    )


class LiveFollowing:
    """``on_marked(book, exchange_account)`` is told after a mark commits (the running
    platform routes the book to its exchange)."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        cash: VenueCash,
        invalidate: Callable[[str], None],
        now: Callable[[], datetime],
        on_marked: Callable[[str, str], None] = lambda book, account: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._cash = cash
        self._invalidate = invalidate
        self._now = now
        self._on_marked = on_marked

    def mark(self, rel_id: RelationshipId, exchange_account: str) -> Decimal:
        """Copy ``rel_id`` on the linked exchange account from now on; the amount handed
        back to the follower's platform balance. The relationship must not be stopped,
        and its book must be flat with no order waiting for an answer: positions held on
        the paper venue cannot move to an exchange."""
        now = self._now()
        key = live_key(rel_id)
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)
            if not rel.state.mirrors_closes:
                raise LiveFollowingError(f"{rel_id} is stopped: start a new copy instead")
            current = uow.live.account_of(str(rel_id))
            if current is not None:
                if current == exchange_account:
                    return ZERO
                raise LiveFollowingError(
                    f"{rel_id} is copied live on {current!r} already; a live relationship "
                    "stays on its account (stop it and follow again to change)"
                )
            follower = str(rel.follower)
            if exchange_account != follower and not exchange_account.startswith(f"{follower}:"):
                raise LiveFollowingError(
                    f"{exchange_account!r} is not {follower}'s: a follower's linked account "
                    f"is named by its id, {follower!r} or {follower + ':<name>'!r}"
                )
            if LinkedAccountRepository(uow.session).get(exchange_account) is None:
                raise LiveFollowingError(
                    f"no linked exchange account {exchange_account!r}: link it first "
                    "(copytrade venues add, with trade-only keys)"
                )
            book = load_books(uow, [rel])[rel.book]
            held = sorted(s for s, p in book.positions.items() if not p.position.is_flat)
            if held or uow.orders.unconfirmed_of_book(rel.book):
                raise LiveFollowingError(
                    f"{rel_id} holds {', '.join(held) or 'orders waiting for an answer'} on "
                    "the paper venue: only a flat relationship can move to a live account"
                )
            amount = book.cash
            moves = []
            if amount > ZERO:
                uow.ledger.post(
                    move(
                        TransferKind.RELEASE,
                        LedgerAccount.live_account(exchange_account),
                        LedgerAccount.follower_free(str(rel.follower)),
                        amount, key=key, ts=now,
                        memo="the allocation is now the exchange account's money",
                    )
                )
                moves.append(cash_move(key, rel.book, -amount))
                if uow.accounts.is_provider(str(rel.follower)):
                    moves.append(cash_move(key, str(rel.follower), amount))
                    uow.equity.add_flow(str(rel.follower), now.date(), amount)
            recorded = record_moves(uow, key, moves, now)
            uow.live.mark(str(rel_id), exchange_account, now)
            uow.commit()
        self._cash.apply_now(recorded)
        self._invalidate(str(rel.provider))
        self._on_marked(rel.book, exchange_account)
        return amount
