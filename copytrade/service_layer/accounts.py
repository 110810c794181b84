"""Accounts and their money: registering users and providers, deposits and withdrawals.

A provider trades its own free balance on the venue, so its deposits reach the
venue account of the same id; a follower's free balance stays on the platform
until it is allocated to a copy relationship.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.port import Venue
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import LedgerAccount, deposit, withdraw
from copytrade.domain.profit_share.fee_model import FeeTerms, parse_fee_model
from copytrade.domain.values import USDT, ZERO, Money
from copytrade.engine.venue_cash import (
    NO_MOVES,
    RecordedMoves,
    VenueCash,
    cash_move,
    record_moves,
)

COPYING = (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED)


class FeeModelLockedError(DomainError):
    """A provider's fee model cannot change while followers copy under it."""


class AccountFundsError(DomainError):
    """A withdrawal above what the account can take out now (the message says how much)."""


@dataclass(frozen=True, slots=True)
class Opening:
    """An account to register with its first deposit (``key``: the deposit's)."""

    account: AccountId
    name: str
    deposit: Decimal
    key: str


class AccountService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: Venue,
        cash: VenueCash,
        now: Callable[[], datetime],
        on_providers_changed: Callable[[], None],
    ) -> None:
        self._uow_factory = uow_factory
        self._venue = venue
        self._cash = cash
        self._now = now
        self._on_providers_changed = on_providers_changed

    def register(self, account: AccountId, name: str) -> None:
        with self._uow_factory() as uow:
            uow.accounts.add(str(account), name, self._now())
            uow.commit()

    def open_many(self, accounts: Sequence[Opening]) -> None:
        """Register each account and deposit its first money (as ``register`` then
        ``deposit`` of each), all in one transaction: one that fails changes nothing."""
        now = self._now()
        moves: list[RecordedMoves] = []
        with self._uow_factory() as uow:
            for opening in accounts:
                uow.accounts.add(str(opening.account), opening.name, now)
                moves.append(
                    self._post_deposit(uow, opening.account, opening.deposit, opening.key, now)
                )
            uow.commit()
        for recorded in moves:
            self._cash.apply_now(recorded)

    def make_provider(self, terms: ProviderTerms) -> None:
        """Register a provider or update its terms, validated (docs/fees.md).

        The fee model cannot change while followers copy under it: they agreed to
        it, and a high-watermark kept through a subscription period would charge
        its gains again. Prices and percents may change; they apply from the next
        charge or settlement.
        """
        fees = FeeTerms(
            parse_fee_model(terms.fee_model),
            terms.share_pct,
            terms.subscription_price,
            terms.settlement_period,
        )
        now = self._now()
        moves = NO_MOVES
        with self._uow_factory() as uow:
            if uow.accounts.is_provider(terms.provider_id):
                before = uow.accounts.terms(terms.provider_id).fee_model
                copying = uow.relationships.for_provider(terms.provider_id, COPYING)
                if before != fees.fee_model and copying:
                    raise FeeModelLockedError(
                        f"provider {terms.provider_id!r} has {len(copying)} copying "
                        f"relationship(s) under {before}; its fee model cannot change to "
                        f"{fees.fee_model} until they stop"
                    )
            else:
                # A provider trades its free balance at the venue: what it holds when it
                # becomes one moves there, so the two books keep one amount.
                account = terms.provider_id
                free = uow.ledger.balance(LedgerAccount.follower_free(AccountId(account)))
                if free > ZERO:
                    key = f"became-provider:{account}"
                    moves = record_moves(uow, key, [cash_move(key, account, free)], now)
                    uow.equity.add_flow(account, now.date(), free)
            validated = replace(
                terms,
                fee_model=fees.fee_model.value,
                share_pct=fees.share_pct,
                subscription_price=fees.subscription_price,
            )
            uow.accounts.make_provider(validated)
            uow.commit()
        self._cash.apply_now(moves)
        self._on_providers_changed()

    def deposit(self, account: AccountId, amount: Decimal, key: str) -> None:
        """Money in from outside; a provider's reaches its venue account (docs/engine.md)."""
        now = self._now()
        with self._uow_factory() as uow:
            moves = self._post_deposit(uow, account, amount, key, now)
            uow.commit()
        self._cash.apply_now(moves)

    @staticmethod
    def _post_deposit(
        uow: SqlUnitOfWork, account: AccountId, amount: Decimal, key: str, now: datetime
    ) -> RecordedMoves:
        """A deposit's writes in ``uow``; the cash moves to apply once it commits."""
        result = uow.ledger.post(deposit(account, Money(amount, USDT), key=key, ts=now))
        if uow.accounts.is_provider(str(account)) and not result.replayed:
            uow.equity.add_flow(str(account), now.date(), amount)
            return record_moves(uow, key, [cash_move(key, str(account), amount)], now)
        return NO_MOVES

    def withdraw(self, account: AccountId, amount: Decimal, key: str) -> None:
        """Money out to the outside; a provider can take out only its venue account's free
        cash (open perp losses and funds in orders count against it), checked before
        anything is written."""
        now = self._now()
        transfer = withdraw(account, Money(amount, USDT), key=key, ts=now)  # a valid amount
        venue_free = self._venue.withdrawable(str(account), USDT.code)
        moves = NO_MOVES
        with self._uow_factory() as uow:
            is_provider = uow.accounts.is_provider(str(account))
            if is_provider and uow.ledger.transfer(key) is None and amount > venue_free:
                raise AccountFundsError(
                    f"{account} can withdraw at most {venue_free} USDT now: its free cash at "
                    f"the venue (open perp losses and funds in orders count against it)"
                )
            result = uow.ledger.post(transfer)
            if is_provider and not result.replayed:
                uow.equity.add_flow(str(account), now.date(), -amount)
                moves = record_moves(uow, key, [cash_move(key, str(account), -amount)], now)
            uow.commit()
        self._cash.apply_now(moves)
