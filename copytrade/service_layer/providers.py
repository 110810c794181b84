"""A signed-in user becoming a provider, changing its terms, and seeing its followers.

A provider trades its own free balance on the venue: ``AccountService.make_provider``
moves what a user holds when it becomes one to its venue account, in the same
transaction as the change (docs/engine.md, "Value between the books").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.margin_mode import MarginMode
from copytrade.service_layer.platform import Platform
from copytrade.service_layer.provider_stats import copier_figures


@dataclass(frozen=True, slots=True)
class FollowerSummary:
    active: int
    paused: int
    stopped: int
    follower_cap: int | None
    aum: Decimal
    copier_pnl: Decimal


class ProviderService:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def terms(self, user_id: str) -> ProviderTerms | None:
        with self._platform.uow() as uow:
            return uow.accounts.terms(user_id) if uow.accounts.is_provider(user_id) else None

    def become(self, terms: ProviderTerms) -> ProviderTerms:
        """Make the user a provider (or replace all its terms), funding its venue account."""
        _check_cap(terms.follower_cap)
        terms = replace(terms, margin_mode=MarginMode.parse(terms.margin_mode).value)
        self._platform.accounts.make_provider(terms)
        stored = self.terms(terms.provider_id)
        assert stored is not None
        return stored

    def change(self, user_id: str, changes: dict[str, object]) -> ProviderTerms:
        """Change some terms of an existing provider; the rest stay as they are."""
        current = self.terms(user_id)
        if current is None:
            raise InvalidValueError("you are not a provider yet: POST /api/v1/providers/me first")
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


def _check_cap(cap: int | None) -> None:
    if cap is not None and cap < 1:
        raise InvalidValueError(f"follower cap must be at least 1 (or none), got {cap}")
