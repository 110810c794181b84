"""Accounts and their money: registering users and providers, deposits and withdrawals.

A provider trades its own free balance on the venue, so its deposits reach the
venue account of the same id; a follower's free balance stays on the platform
until it is allocated to a copy relationship.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import deposit, withdraw
from copytrade.domain.profit_share.fee_model import FeeTerms, parse_fee_model
from copytrade.domain.values import USDT, Money
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.paper.venue import PaperVenue

COPYING = (RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED)


class FeeModelLockedError(DomainError):
    """A provider's fee model cannot change while followers copy under it."""


class AccountService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: PaperVenue,
        now: Callable[[], datetime],
        on_providers_changed: Callable[[], None],
    ) -> None:
        self._uow_factory = uow_factory
        self._venue = venue
        self._now = now
        self._on_providers_changed = on_providers_changed

    def register(self, account: AccountId, name: str) -> None:
        with self._uow_factory() as uow:
            uow.accounts.add(str(account), name, self._now())
            uow.commit()

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
            validated = replace(
                terms,
                fee_model=fees.fee_model.value,
                share_pct=fees.share_pct,
                subscription_price=fees.subscription_price,
            )
            uow.accounts.make_provider(validated)
            uow.commit()
        self._on_providers_changed()

    def deposit(self, account: AccountId, amount: Decimal, key: str) -> None:
        now = self._now()
        with self._uow_factory() as uow:
            result = uow.ledger.post(deposit(account, Money(amount, USDT), key=key, ts=now))
            is_provider = str(account) in uow.accounts.provider_ids()
            if is_provider and not result.replayed:
                uow.equity.add_flow(str(account), now.date(), amount)
            uow.commit()
        if is_provider and not result.replayed:
            self._venue.deposit(str(account), USDT.code, amount)

    def withdraw(self, account: AccountId, amount: Decimal, key: str) -> None:
        now = self._now()
        with self._uow_factory() as uow:
            result = uow.ledger.post(withdraw(account, Money(amount, USDT), key=key, ts=now))
            is_provider = str(account) in uow.accounts.provider_ids()
            uow.commit()
        if is_provider and not result.replayed:
            self._venue.withdraw(str(account), USDT.code, amount)
