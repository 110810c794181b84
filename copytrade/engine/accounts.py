"""Accounts and their money: registering users and providers, deposits and withdrawals.

A provider trades its own free balance on the venue, so its deposits reach the
venue account of the same id; a follower's free balance stays on the platform
until it is allocated to a copy relationship.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import deposit, withdraw
from copytrade.domain.values import USDT, Money
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.paper.venue import PaperVenue


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
        with self._uow_factory() as uow:
            uow.accounts.make_provider(terms)
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
