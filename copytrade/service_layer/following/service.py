"""Following providers and managing one's own relationships and money (docs/domain.md; docs/api.md,
Rules a follow must pass).

The regulatory rules of docs/api.md, Rules a follow must pass are checked here, in the same
transaction that
creates (or tops up) the relationship, so a refused follow leaves nothing behind:
- the follower's jurisdiction: copying offered at all, the largest allocation
  a relationship may hold, and the largest total a follower may hold across its
  copying (active or paused) relationships, each counted at its net allocation
  or 0 if below (no stored rules for a jurisdiction: offered, no caps);
- the provider's follower cap (relationships copying it, active or paused);
- the risk acknowledgement: the follower accepted the current disclosure, stored
  with the relationship.

A user acts only on its own relationships: another user's relationship answers
exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.identity import RiskAcknowledgement
from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.db.repositories.settings_changes import SettingsChange
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship, CopySettings
from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.ledger.errors import InsufficientFundsError
from copytrade.domain.values import USDT, ZERO
from copytrade.service_layer.accounts import COPYING, AccountService
from copytrade.service_layer.following.actions import FollowerActions
from copytrade.service_layer.platform import DEFAULT_MAX_COPIED_PROVIDERS, Platform


class FollowRefusedError(DomainError):
    """A follow or top-up the platform's rules refuse (docs/api.md, Rules a follow must pass);
    nothing was changed."""


class RiskNotAcknowledgedError(FollowRefusedError):
    """The follower has not accepted the risk disclosure."""


class DisclosureOutdatedError(RiskNotAcknowledgedError):
    """The follower accepted another version of the risk disclosure than the current one."""


class CopyingNotOfferedError(FollowRefusedError):
    """Copying is not offered in the follower's jurisdiction."""


class AllocationLimitError(FollowRefusedError):
    """The allocation is above the largest one the follower's jurisdiction allows."""


class TotalAllocationLimitError(FollowRefusedError):
    """The follower's allocations together would exceed its jurisdiction's total cap."""


class FollowerCapReachedError(FollowRefusedError):
    """The provider has as many followers as it accepts."""


class ProviderLimitError(FollowRefusedError):
    """The follower copies as many providers as the platform allows."""


class MinimumAllocationError(FollowRefusedError):
    """The allocation is below the provider's minimum."""


class SelfFollowError(FollowRefusedError):
    """A user cannot copy its own trades."""


class UnknownProviderError(DomainError, LookupError):
    """No provider has that id."""


class FreeBalanceTooLowError(DomainError):
    """The follower's free balance cannot cover the amount; nothing was changed."""


@dataclass(frozen=True, slots=True)
class FollowRequest:
    provider: str
    allocation: Decimal
    settings: CopySettings
    risk_acknowledged: bool
    disclosure_version: str | None


def new_relationship_id() -> RelationshipId:
    return RelationshipId(f"r-{uuid.uuid4().hex[:20]}")


def owned_relationship(uow: SqlUnitOfWork, follower: str, rel_id: str) -> CopyRelationship:
    """``follower``'s relationship ``rel_id``; anyone else's is reported as unknown."""
    rel = uow.relationships.get(rel_id)
    if str(rel.follower) != follower:
        raise UnknownRelationshipError(f"no copy relationship {rel_id!r}")
    return rel


def check_jurisdiction(uow: SqlUnitOfWork, follower: str, rel: CopyRelationship) -> None:
    """The follower's jurisdiction offers copying, up to its largest allocation per
    relationship and in total (docs/api.md, Rules a follow must pass); ``rel`` holds its new
    allocation."""
    allocation = rel.net_allocated
    user = uow.users.by_id(follower)
    if user is None:
        return  # an account without a sign-in (bots, simulations): no jurisdiction
    rules = uow.jurisdictions.get(user.jurisdiction)
    if rules is None:
        return
    if not rules.copying_offered:
        raise CopyingNotOfferedError(
            f"copy trading is not offered in your jurisdiction ({rules.code})"
        )
    if rules.max_allocation is not None and allocation > rules.max_allocation:
        raise AllocationLimitError(
            f"an allocation of {allocation} {USDT} is above the {rules.max_allocation} {USDT} "
            f"a copy relationship may hold in your jurisdiction ({rules.code})"
        )
    if rules.max_total_allocation is not None:
        others = uow.relationships.allocations_of(follower, COPYING)
        others.pop(str(rel.id), None)
        total = sum((max(a, ZERO) for a in others.values()), max(allocation, ZERO))
        if total > rules.max_total_allocation:
            raise TotalAllocationLimitError(
                f"your copy relationships would hold {total} {USDT} together, above the "
                f"{rules.max_total_allocation} {USDT} a follower may hold in your "
                f"jurisdiction ({rules.code}); nothing was changed"
            )


def check_follower_cap(uow: SqlUnitOfWork, provider: str) -> None:
    """The provider accepts one more follower (counted with the new relationship added)."""
    cap = uow.accounts.terms(provider).follower_cap
    if cap is not None and uow.relationships.count_for_provider(provider, COPYING) > cap:
        raise FollowerCapReachedError(
            f"provider {provider!r} has reached its cap of {cap} followers; "
            "choose another provider or try again later"
        )


def check_provider_limit(uow: SqlUnitOfWork, follower: str, limit: int) -> None:
    """The follower copies at most ``limit`` providers (relationships active or paused,
    counted with the new one added; docs/api.md, Rules a follow must pass)."""
    copying = len(uow.relationships.allocations_of(follower, COPYING))
    if copying > limit:
        raise ProviderLimitError(
            f"you already copy {copying - 1} providers, the most the platform allows is "
            f"{limit}: stop one of your copies first"
        )


def check_platform_limits(
    uow: SqlUnitOfWork, rel: CopyRelationship, max_copied_providers: int
) -> None:
    """The rules of a follow that are the platform's and its providers' (docs/domain.md
    "Limits across providers"): the provider's follower cap, the follower's number of
    copied providers, the provider's minimum allocation. ``simulate`` follows under
    them too (docs/scenarios.md)."""
    check_follower_cap(uow, str(rel.provider))
    check_provider_limit(uow, str(rel.follower), max_copied_providers)
    check_min_allocation(uow, rel)


def check_min_allocation(uow: SqlUnitOfWork, rel: CopyRelationship) -> None:
    """The relationship holds at least its provider's minimum allocation (checked at a
    follow and at an edit of the settings; docs/api.md, Rules a follow must pass)."""
    minimum = uow.accounts.terms(str(rel.provider)).min_allocation
    if minimum is not None and rel.net_allocated < minimum:
        raise MinimumAllocationError(
            f"{rel.provider} accepts copies of at least {minimum} {USDT}; this one holds "
            f"{rel.net_allocated} {USDT} (top it up first); nothing was changed"
        )


def _not_covered(what: str, error: InsufficientFundsError) -> FreeBalanceTooLowError:
    return FreeBalanceTooLowError(
        f"{what} exceeds your free balance of {error.balance} {USDT}; nothing was changed "
        "(deposit first, or ask for less)"
    )


class FollowingService:
    """A signed-in follower's commands: follow, pause, resume, stop, move money."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        actions: FollowerActions,
        accounts: AccountService,
        new_id: Callable[[], RelationshipId] = new_relationship_id,
        max_copied_providers: int = DEFAULT_MAX_COPIED_PROVIDERS,
    ) -> None:
        self._max_copied_providers = max_copied_providers
        self._uow_factory = uow_factory
        self._actions = actions
        self._accounts = accounts
        self._new_id = new_id

    @classmethod
    def of(cls, platform: Platform) -> FollowingService:
        return cls(
            platform.uow,
            platform.actions,
            platform.accounts,
            max_copied_providers=platform.max_copied_providers,
        )

    def follow(self, follower: str, request: FollowRequest) -> CopyRelationship:
        if not request.risk_acknowledged:
            raise RiskNotAcknowledgedError(
                "read the risk disclosure and accept it (risk_acknowledged: true, with its "
                "disclosure_version) before copying a provider"
            )
        if request.disclosure_version != RISK_DISCLOSURE_VERSION:
            raise DisclosureOutdatedError(
                f"you accepted risk disclosure version {request.disclosure_version!r}, but the "
                f"current one is {RISK_DISCLOSURE_VERSION!r}: read it again and accept it"
            )
        if follower == request.provider:
            raise SelfFollowError("you cannot copy your own trades")
        with self._uow_factory() as uow:
            if not uow.accounts.is_provider(request.provider):
                raise UnknownProviderError(f"no provider {request.provider!r}")

        def within(uow: SqlUnitOfWork, rel: CopyRelationship) -> None:
            check_jurisdiction(uow, follower, rel)
            check_platform_limits(uow, rel, self._max_copied_providers)
            ack = RiskAcknowledgement(
                str(rel.id), follower, RISK_DISCLOSURE_VERSION, rel.created_at
            )
            uow.risk_acknowledgements.add(ack)

        try:
            return self._actions.follow(
                self._new_id(),
                FollowerId(follower),
                ProviderId(request.provider),
                request.allocation,
                request.settings,
                risk_acknowledged=True,
                within=within,
            )
        except InsufficientFundsError as error:
            raise _not_covered(f"an allocation of {request.allocation} {USDT}", error) from error

    def _owned(self, follower: str, rel_id: str) -> RelationshipId:
        with self._uow_factory() as uow:
            return owned_relationship(uow, follower, rel_id).id

    def edit_settings(
        self, follower: str, rel_id: str, changes: Mapping[str, Any]
    ) -> CopyRelationship:
        """Change some of one's copy settings (docs/domain.md, "Editing copy settings")."""
        return self._actions.edit_settings(
            self._owned(follower, rel_id), changes, within=check_min_allocation
        )

    def settings_history(
        self, follower: str, rel_id: str, limit: int = 50, offset: int = 0
    ) -> tuple[list[SettingsChange], int]:
        """One page of the relationship's settings edits, newest first, and their count."""
        with self._uow_factory() as uow:
            owned = owned_relationship(uow, follower, rel_id)
            return uow.settings_changes.of_relationship(str(owned.id), limit, offset)

    def pause(self, follower: str, rel_id: str) -> None:
        self._actions.pause(self._owned(follower, rel_id))

    def resume(self, follower: str, rel_id: str) -> None:
        self._actions.resume(self._owned(follower, rel_id))

    def stop(self, follower: str, rel_id: str, close_on_stop: bool | None = None) -> None:
        self._actions.stop(self._owned(follower, rel_id), close_on_stop=close_on_stop)

    def close_position(self, follower: str, rel_id: str, symbol: str) -> None:
        """Close one copied position by hand; later provider closes skip it (docs/domain.md,
        Copying)."""
        self._actions.manual_close(self._owned(follower, rel_id), symbol)

    def top_up(self, follower: str, rel_id: str, amount: Decimal, key: str) -> None:
        owned = self._owned(follower, rel_id)

        def within(uow: SqlUnitOfWork, rel: CopyRelationship) -> None:
            check_jurisdiction(uow, follower, rel)

        try:
            self._actions.top_up(owned, amount, f"api:top-up:{owned}:{key}", within)
        except InsufficientFundsError as error:
            raise _not_covered(f"a top-up of {amount} {USDT}", error) from error

    def withdraw(self, follower: str, rel_id: str, amount: Decimal, key: str) -> None:
        owned = self._owned(follower, rel_id)
        self._actions.withdraw(owned, amount, f"api:withdraw:{owned}:{key}")

    def deposit_funds(self, user: str, amount: Decimal, key: str) -> None:
        """Paper money in; the same key never deposits twice."""
        self._accounts.deposit(AccountId(user), amount, f"api:deposit:{user}:{key}")

    def withdraw_funds(self, user: str, amount: Decimal, key: str) -> None:
        """Paper money out of the free balance; the same key never withdraws twice."""
        try:
            self._accounts.withdraw(AccountId(user), amount, f"api:withdrawal:{user}:{key}")
        except InsufficientFundsError as error:
            raise _not_covered(f"a withdrawal of {amount} {USDT}", error) from error
