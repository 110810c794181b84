"""A signed-in user becoming a provider, changing its terms, and seeing its followers.

A provider trades its own free balance on the venue (``AccountService``): a
user who deposited before becoming a provider has that balance only on the
platform's books, so becoming one moves it to the user's venue account, once
(a keyed cash move), the way a provider's later deposits reach the venue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.provider_stats import copier_figures
from copytrade.platform import Platform
from copytrade.venues.paper.cash_moves import CashMove


@dataclass(frozen=True, slots=True)
class FollowerSummary:
    active: int
    paused: int
    stopped: int
    follower_cap: int | None
    aum: Decimal
    copier_pnl: Decimal


def provider_start_key(user_id: str) -> str:
    return f"provider-start:{user_id}"


class ProviderService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def terms(self, user_id: str) -> ProviderTerms | None:
        with self._platform.uow() as uow:
            return uow.accounts.terms(user_id) if uow.accounts.is_provider(user_id) else None

    def become(self, terms: ProviderTerms) -> ProviderTerms:
        """Make the user a provider (or replace all its terms), funding its venue account."""
        _check_cap(terms.follower_cap)
        was_provider = self.terms(terms.provider_id) is not None
        self._platform.accounts.make_provider(terms)
        if not was_provider:
            self._fund_venue(terms.provider_id)
        stored = self.terms(terms.provider_id)
        assert stored is not None
        return stored

    def change(self, user_id: str, changes: dict[str, object]) -> ProviderTerms:
        """Change some terms of an existing provider; the rest stay as they are."""
        current = self.terms(user_id)
        if current is None:
            raise InvalidValueError("you are not a provider yet: POST /api/providers/me first")
        updated = replace(current, **changes)  # type: ignore[arg-type]
        leaves_subscription = changes.get("fee_model", "subscription") != "subscription"
        if leaves_subscription and "subscription_price" not in changes:
            updated = replace(updated, subscription_price=None)
        return self.become(updated)

    def followers(self, user_id: str) -> FollowerSummary:
        prices = self._platform.engine.prices.snapshot()
        with self._platform.uow() as uow:
            terms = uow.accounts.terms(user_id)
            rels = uow.relationships.for_provider(user_id)
            figures = copier_figures(uow, user_id, prices)
        count = {status: 0 for status in RelationshipStatus}
        for rel in rels:
            count[rel.state.status] += 1
        return FollowerSummary(
            count[RelationshipStatus.ACTIVE],
            count[RelationshipStatus.PAUSED],
            count[RelationshipStatus.STOPPED],
            terms.follower_cap,
            figures.aum,
            figures.copier_pnl,
        )

    def _fund_venue(self, user_id: str) -> None:
        with self._platform.uow() as uow:
            free = uow.ledger.balance(LedgerAccount.follower_free(user_id, USDT))
        if free > ZERO:
            move = CashMove(provider_start_key(user_id), user_id, USDT.code, free)
            self._platform.venue.move_cash_once([move])


def _check_cap(cap: int | None) -> None:
    if cap is not None and cap < 1:
        raise InvalidValueError(f"follower cap must be at least 1 (or none), got {cap}")
