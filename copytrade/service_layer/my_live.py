"""A follower's own live relationships: marking one of its copies live on its linked
exchange account, paying what a live copy owes, and reading both states — the use cases
behind ``POST /api/v1/relationships/{id}/live|pay-fees`` and the copy's web page
(docs/api.md, "Live relationships"; docs/web.md, "Copying on my exchange account").

Each checks first that the relationship is the follower's: another's is reported as
unknown, exactly like an id that does not exist. The work itself is
``LiveFollowing.mark`` and ``LiveFees.pay`` (docs/venues.md, "Followers on their own
accounts"; docs/settlement.md, "Live relationships"). Callers run the changes under the
engine lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.ids import RelationshipId
from copytrade.service_layer.following.service import owned_relationship
from copytrade.service_layer.live_fees import FeesPaid, LiveFees
from copytrade.service_layer.live_following import LiveFollowing


@dataclass(frozen=True, slots=True)
class Marked:
    relationship: RelationshipId
    account: str
    returned: Decimal  # the paper allocation handed back to the platform balance


@dataclass(frozen=True, slots=True)
class LiveState:
    """Where a relationship is copied live (None: on the paper venue) and what it owes."""

    account: str | None
    commissions_owed: Decimal
    profit_share_owed: Decimal

    @property
    def owes(self) -> bool:
        return self.commissions_owed > 0 or self.profit_share_owed > 0


class MyLiveRelationships:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        following: Callable[[], LiveFollowing],
        fees: Callable[[], LiveFees],
    ) -> None:
        self._uow_factory = uow_factory
        self._following = following
        self._fees = fees

    def _mine(self, follower: str, rel_id: str) -> RelationshipId:
        with self._uow_factory() as uow:
            return owned_relationship(uow, follower, rel_id).id

    def mark(self, follower: str, rel_id: str, account: str | None = None) -> Marked:
        """Copy ``follower``'s ``rel_id`` on its linked account ``account`` (default: the
        one named by its id) from now on; the refusals are ``LiveFollowing.mark``'s."""
        rel = self._mine(follower, rel_id)
        chosen = account or follower
        return Marked(rel, chosen, self._following().mark(rel, chosen))

    def pay(self, follower: str, rel_id: str) -> FeesPaid:
        """Charge what ``follower``'s live ``rel_id`` owes to its platform balance."""
        return self._fees().pay(self._mine(follower, rel_id))

    def state(self, follower: str, rel_id: str) -> LiveState:
        rel = self._mine(follower, rel_id)
        with self._uow_factory() as uow:
            account = uow.live.account_of(str(rel))
        commissions, share = self._fees().owed(rel)
        return LiveState(account, commissions, share)
